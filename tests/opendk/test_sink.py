"""The ``opendk`` sink end to end: store → outbox → a simulated OpenDK over real HTTP on loopback.

Residents come from an in-memory source with OpenSID ids; the run is the real ``run_sync`` with the installed
``opendk`` plugin, so planning, delivery, the acknowledged mark and the exit codes are the product's own.
"""

from __future__ import annotations

import types

import pytest

from sid_connector import SourcePlugin, hookimpl
from sid_connector.config import Config
from sid_connector.exit_codes import ExitCode
from sid_connector.plugins import PluginHost
from sid_connector.store import Store
from sid_connector.sync.run import run_sync
from sid_connector_opendk.simulator import Fault
from tests.core.fakes import MemorySource, residents

KODE = "5306132001"  # 53.06.13.2001, registered in the simulator by the fixture
FAST_RETRY = {"retry_attempts": 3, "retry_backoff_initial": 0.05, "retry_backoff_max": 0.2}


def people(count: int) -> list[dict]:
    return [{**row, "nik": f"53061315079{row['id']:05d}", "status_dasar": 1} for row in residents(count)]


class World:
    """The source's current rows, a store, and a config pointing the sink at the simulator."""

    def __init__(self, tmp_path, sim, token, count: int = 40) -> None:
        self.rows = people(count)
        self.sim = sim
        plugin = types.ModuleType("memory_source")
        plugin.sid_connector_sources = hookimpl(
            lambda: [SourcePlugin("memory", lambda options: MemorySource(
                {**options, "rows": {"penduduk": self.rows}, "kode_desa": KODE, "mode": "keyset", "batch_size": 50}
            ))]
        )
        self.host = PluginHost.load(strict=False, extra=[("memory", plugin)])
        self.config = Config.model_validate({
            "source": {"name": "memory", "kode_desa": KODE},
            "store": {"path": str(tmp_path / "s.db")},
            "rules": {"enabled": False},
            "sinks": {"opendk": {"url": sim.base_url, "token": token, "timeout": 3, **FAST_RETRY}},
        })

    def sync(self):
        return run_sync(self.config, self.host)

    def upstream(self) -> dict[int, dict[str, str]]:
        return self.sim.state.residents.get("53.06.13.2001", {})

    def storedata_requests(self) -> list:
        return [r for r in self.sim.state.requests if r.path.endswith("/penduduk/storedata")]


@pytest.fixture
def world(tmp_path, sim, token):
    return World(tmp_path, sim, token)


def test_first_push_sends_everyone_then_only_changes_and_deletions(world):
    outcome = world.sync()
    assert outcome.exit_code == ExitCode.OK, outcome.summary
    assert set(world.upstream()) == {row["id"] for row in world.rows}
    first_requests = len(world.sim.state.requests)

    for row in world.rows[:5]:
        row["nama"] = row["nama"] + " BARU"
    deleted = [row["id"] for row in world.rows[-3:]]
    world.rows = world.rows[:-3]
    outcome = world.sync()
    assert outcome.exit_code == ExitCode.OK, outcome.summary
    later = world.sim.state.requests[first_requests:]
    storedata = [r for r in later if r.path.endswith("/penduduk/storedata")]
    deletes = [r for r in later if r.path.endswith("/api/v1/penduduk")]
    assert len(storedata) == 1 and len(deletes) == 1
    report = outcome.summary["sinks"]["opendk"][KODE]
    assert report["sent"] == {"penduduk": 5, "zip": 1, "dihapus": 3}
    assert set(world.upstream()) == {row["id"] for row in world.rows}
    assert not set(deleted) & set(world.upstream())
    assert world.upstream()[world.rows[0]["id"]]["nama"].endswith("BARU")
    assert report["verified"] is True


def test_nothing_to_send_sends_nothing(world):
    world.sync()
    before = len(world.storedata_requests())
    outcome = world.sync()
    assert len(world.storedata_requests()) == before
    assert outcome.summary["sinks"]["opendk"][KODE]["sent"] == {}


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param([Fault.http(503)] * 6, id="503-beyond-retries"),
        pytest.param([Fault.reset()] * 6, id="connection-resets"),
        pytest.param([Fault.truncate()] * 6, id="truncated-bodies"),
        pytest.param([Fault.http(500, path="/api/v1/penduduk/storedata")] * 6, id="500-on-storedata"),
        pytest.param([Fault.danger()], id="200-with-danger"),
    ],
)
def test_faults_leave_the_push_pending_then_it_completes_without_duplicates(world, fault):
    world.sim.state.inject(*fault)
    first = world.sync()
    assert first.exit_code in (ExitCode.UNREACHABLE, ExitCode.PROBLEMS)
    report = first.summary["sinks"]["opendk"][KODE]
    assert report["error"]  # the operator is told, in Bahasa Indonesia
    assert report["pending"] >= 1
    world.sim.state.faults.clear()
    second = world.sync()
    assert second.exit_code == ExitCode.OK, second.summary
    assert set(world.upstream()) == {row["id"] for row in world.rows}
    assert second.summary["sinks"]["opendk"][KODE]["pending"] == 0
    with Store.open(world.config.store_path) as store:
        (pending,) = store.conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()
    assert pending == 0


def test_server_down_then_back(tmp_path, sim, token):
    world = World(tmp_path, sim, token)
    down = Config.model_validate({**world.config.model_dump(), "sinks": {"opendk": {
        "url": "http://127.0.0.1:9", "token": token, "timeout": 1, **FAST_RETRY}}})  # nothing listens: refused
    outcome = run_sync(down, world.host)
    assert outcome.exit_code == ExitCode.UNREACHABLE
    assert outcome.summary["sinks"]["opendk"][KODE]["unreachable"] is True
    assert world.upstream() == {}
    again = world.sync()
    assert again.exit_code == ExitCode.OK
    assert set(world.upstream()) == {row["id"] for row in world.rows}


def test_a_wrong_token_is_explained_and_not_retried(tmp_path, sim):
    world = World(tmp_path, sim, sim.state.issue_token())  # issued but never saved by the admin
    outcome = world.sync()
    report = outcome.summary["sinks"]["opendk"][KODE]
    assert outcome.exit_code == ExitCode.PROBLEMS
    assert "Simpan" in report["error"] or "token" in report["error"].lower()
    assert len([r for r in sim.state.requests if r.path.endswith("identitas-desa")]) == 1


def test_doctor_checks_token_and_registration(sim, token):
    from sid_connector_opendk.sink import OpenDKSink

    good = OpenDKSink({"url": sim.base_url, "token": token, **FAST_RETRY})
    assert all(check.ok for check in good.check())
    assert good.check_village(KODE).ok
    assert not good.check_village("3301022001").ok
    good.close()
    unsaved = OpenDKSink({"url": sim.base_url, "token": sim.state.issue_token(), **FAST_RETRY})
    (check,) = unsaved.check()
    assert not check.ok
    assert "Simpan" in check.message or "token" in check.message.lower()
    assert token not in check.message
    unsaved.close()


def test_the_token_never_appears_in_reprs_or_reports(world, token):
    from sid_connector_opendk.sink import OpenDKSink

    sink = OpenDKSink({"url": world.sim.base_url, "token": token})
    assert token not in repr(sink)
    assert token not in repr(sink.client)
    sink.close()
    world.sim.state.inject(Fault.http(401, {"message": f"Unauthenticated. {token}"}))
    outcome = world.sync()
    assert token not in str(outcome.summary)
