"""A real ``sid-connector sync`` killed with SIGKILL in the middle of its push, then run again.

The village goes out in many small ZIPs (a low ``zip_limit_kb``), the test watches the simulator's request
log and kills the process after a few uploads. The rerun must finish the push: OpenDK then holds exactly the
store's residents, and at most the one upload in flight at the kill was sent twice (an upsert, so harmless).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from sid_connector.store import Store
from sid_connector.synth import VillageSpec, generate
from sid_connector_opensid_sql.source import OpenSQLDumpSource


def test_kill_mid_push_then_rerun_completes_without_duplicates(tmp_path, sim, token):
    village = generate(VillageSpec(residents=1500, seed=3, kode_desa="5306132001", nama_desa="Simulasi"))
    options = OpenSQLDumpSource.write_demo(village, {"dir": str(tmp_path)})
    (tmp_path / "sid-connector.toml").write_text(
        f'[source]\nname = "opensid-sql"\npath = "{options["path"]}"\nkode_desa = "5306132001"\n\n'
        '[rules]\nenabled = false\n\n'
        f'[sinks.opendk]\nurl = "{sim.base_url}"\ntoken = "{token}"\nzip_limit_kb = 16\nverify = false\n',
        encoding="utf-8",
    )
    env = {**os.environ, "SID_CONNECTOR_LANG": "id"}
    process = subprocess.Popen([sys.executable, "-m", "sid_connector", "sync"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def uploads() -> int:
        return sum(1 for r in sim.state.requests if r.path.endswith("/penduduk/storedata"))

    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline and uploads() < 3:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the push ended before the kill"
    killed_at = uploads()
    assert 0 < len(sim.state.residents.get("53.06.13.2001", {})) < 1500

    rerun = subprocess.run([sys.executable, "-m", "sid_connector", "sync"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    held = sim.state.residents["53.06.13.2001"]
    assert len(held) == 1500
    assert sorted(held) == sorted(int(row["id"]) for row in village.penduduk())
    status = subprocess.run([sys.executable, "-m", "sid_connector", "status", "--json"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True)
    assert json.loads(status.stdout)["sinks"]["opendk"]["pending"] == 0
    # Every planned ZIP went out once, except at most the one in flight when the process died.
    with Store.open(tmp_path / "sid-connector.db") as store:
        planned = store.conn.execute("SELECT count(*) FROM outbox WHERE payload LIKE '%storedata%'").fetchone()[0]
    assert uploads() > killed_at
    assert planned <= uploads() <= planned + 1
