"""End to end: OpenSID's storedata push → inbox → store → findings → notifications → relay to OpenDK."""

from __future__ import annotations

import json
import logging

from sid_connector.exit_codes import ExitCode
from sid_connector.store import Store, outbox
from sid_connector_opendk.simulator import run_simulator
from tests.core.cli_helpers import run_cli
from tests.receiver.conftest import TOKEN, Relay, free_port, simulator_state
from tests.receiver.pushes import (
    DESA_ID,
    KODE,
    hapus_request,
    identitas_request,
    resident_zip,
    storedata_request,
    village_rows,
)


def stored_ids(relay: Relay) -> set[str]:
    with Store.open(relay.config.store_path) as store:
        return {key for key, _ in store.iter_records(KODE, "penduduk")}


def test_push_is_stored_checked_notified_and_relayed(relay, sim, caplog):
    caplog.set_level(logging.DEBUG)
    rows = village_rows(60)
    assert relay.send(identitas_request(TOKEN)).json()["status"] == "success"
    answer = relay.send(storedata_request(TOKEN, resident_zip(rows)))
    assert answer.status_code == 200
    assert answer.json() == {"message": "Data Foto Telah Berhasil di Sinkronkan"}
    relay.settle()
    outcome = relay.service.worker.outcomes[-1]
    assert outcome.summary["changes"]["penduduk"]["new"] == 60, outcome.summary
    assert stored_ids(relay) == {row["id"] for row in rows}
    assert "findings" in outcome.summary  # the dukcapil rules ran over the pushed residents
    assert (relay.tmp_path / "notifikasi" / "notifications.jsonl").exists()
    assert set(sim.state.residents[DESA_ID]) == {int(row["id"]) for row in rows}
    text = caplog.text
    assert TOKEN not in text and sim.state.saved_token not in text
    assert not any(row["nomor_nik"] in text for row in rows)

    # OpenSID deletes three residents: the next full push lacks them; its delete call is (as in v2410) empty.
    kept = rows[:-3]
    assert relay.send(storedata_request(TOKEN, resident_zip(kept))).status_code == 200
    assert relay.send(hapus_request(TOKEN, [])).json()["status"] == "success"
    relay.settle()
    outcome = relay.service.worker.outcomes[-1]
    assert outcome.summary["changes"]["penduduk"]["deleted"] == 3, outcome.summary
    assert stored_ids(relay) == {row["id"] for row in kept}
    assert set(sim.state.residents[DESA_ID]) == {int(row["id"]) for row in kept}


def test_same_push_twice_changes_nothing(relay, sim):
    data = resident_zip(village_rows(30))
    for _ in range(2):
        assert relay.send(storedata_request(TOKEN, data)).status_code == 200
        relay.settle()
    changes = relay.service.worker.outcomes[-1].summary["changes"].get("penduduk", {})
    assert not any(changes.values()), changes


def test_upstream_down_pushes_are_held_then_forwarded_once(tmp_path):
    state = simulator_state()
    port = free_port()
    relay = Relay(tmp_path, f"http://127.0.0.1:{port}", state.saved_token or "")
    try:
        rows = village_rows(40)
        first = relay.send(storedata_request(TOKEN, resident_zip(rows)))
        second = relay.send(storedata_request(TOKEN, resident_zip(rows[:-2])))
        assert first.status_code == second.status_code == 200
        relay.settle()
        assert relay.service.worker.outcomes[-1].exit_code == ExitCode.UNREACHABLE
        with Store.open(relay.config.store_path) as store:
            assert outbox.counts(store.conn, "sink:")  # held for later
        with run_simulator(state, port=port):
            result = run_cli("--config", str(relay.config.path), "push", "--json", cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            assert set(state.residents[DESA_ID]) == {int(row["id"]) for row in rows[:-2]}
            storedata_calls = [r for r in state.requests if r.path.endswith("/penduduk/storedata")]
            result = run_cli("--config", str(relay.config.path), "push", "--json", cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            assert [r for r in state.requests if r.path.endswith("/penduduk/storedata")] == storedata_calls
        pending = json.loads(result.stdout)["opendk"][KODE]["pending"]
        assert pending == 0
    finally:
        relay.close()
