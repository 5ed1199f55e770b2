"""A whole run through ``run_sync``: lock, pull, summary, lifecycle hooks."""

import types

import pytest

from sid_connector import SourcePlugin, hookimpl
from sid_connector.config import Config
from sid_connector.exit_codes import ExitCode
from sid_connector.plugins import PluginHost
from sid_connector.store import LockHeldError, RunLock, Store
from sid_connector.sync.run import run_sync

from .fakes import MemorySource, residents


def host_with(rows, finished=None):
    plugin = types.ModuleType("memory_plugin")
    plugin.sid_connector_sources = hookimpl(
        lambda: [SourcePlugin(name="memory", factory=lambda options: MemorySource({**options, "rows": rows}))]
    )
    if finished is not None:
        plugin.sid_connector_run_finished = hookimpl(finished)
    return PluginHost.load(strict=True, installed=False, extra=[("memory", plugin)])


def config(tmp_path):
    return Config.model_validate(
        {"source": {"name": "memory", "kode_desa": "3301022001"}, "store": {"path": str(tmp_path / "s.db")}}
    )


def test_a_run_records_its_summary_and_tells_the_plugins(tmp_path):
    seen = []
    outcome = run_sync(
        config(tmp_path),
        host_with({"penduduk": residents(3)}, finished=lambda run_id, status, summary: seen.append(status)),
    )
    assert outcome.exit_code == ExitCode.OK
    assert seen == ["ok"]
    assert outcome.summary["changes"]["penduduk"]["new"] == 3
    assert outcome.summary["village"] == {"kode_desa": "3301022001", "nama_desa": "Menganti"}
    with Store.open(tmp_path / "s.db") as store:
        assert store.last_run()["summary"]["changes"]["penduduk"]["new"] == 3


def test_quarantined_rows_make_exit_code_1(tmp_path):
    rows = residents(3)
    rows[0]["tanggallahir"] = "bukan tanggal"
    outcome = run_sync(config(tmp_path), host_with({"penduduk": rows}))
    assert outcome.exit_code == ExitCode.PROBLEMS
    assert outcome.summary["quarantined"] == 1


def test_mass_deletion_blocks_with_a_clear_message(tmp_path):
    run_sync(config(tmp_path), host_with({"penduduk": residents(10)}))
    outcome = run_sync(config(tmp_path), host_with({"penduduk": residents(5)}))
    assert outcome.status == "blocked"
    assert outcome.exit_code == ExitCode.PROBLEMS
    assert "--allow-mass-delete" in outcome.message
    assert "5 dari 10" in outcome.message
    outcome = run_sync(config(tmp_path), host_with({"penduduk": residents(5)}), allow_mass_delete=True)
    assert outcome.summary["changes"]["penduduk"]["deleted"] == 5


def test_a_second_run_cannot_start_while_one_holds_the_lock(tmp_path):
    with RunLock(tmp_path / "s.db"), pytest.raises(LockHeldError):
        run_sync(config(tmp_path), host_with({"penduduk": residents(1)}))
