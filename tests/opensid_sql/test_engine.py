"""The source driven by the real engine (``sid_connector.sync``) into a real store."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sid_connector.cli.commands_setup import write_config
from sid_connector.config import load_config
from sid_connector.plugins import PluginHost
from sid_connector.sources import VillageRef
from sid_connector.store import Store
from sid_connector.store.findings import open_findings
from sid_connector.sync.engine import VillagePull
from sid_connector.sync.run import run_sync
from sid_connector.synth import VillageSpec, generate
from sid_connector_opensid_sql import OpenSQLDumpSource, plugin
from sid_connector_opensid_sql.writer import write_dump

from .conftest import KODE, pull, rows_of

ENTITIES = ("wilayah", "keluarga", "penduduk", "peristiwa", "peristiwa_keluarga")


class Without:
    """The village with one resident (and their events) removed, as after a delete in OpenSID."""

    def __init__(self, village: Any, resident: int) -> None:
        self.village, self.resident = village, resident

    def __getattr__(self, name: str) -> Any:
        return getattr(self.village, name)

    def penduduk(self):
        return (p for p in self.village.penduduk() if p["id"] != self.resident)

    def log_penduduk(self):
        return (e for e in self.village.log_penduduk() if e["id_pend"] != self.resident)

    def log_keluarga(self):
        return (e for e in self.village.log_keluarga() if e["id_pend"] != self.resident)


def _pull(store: Store, source: OpenSQLDumpSource):
    run_id = store.start_run("test")
    result = VillagePull(store, source, "opensid-sql", VillageRef(KODE), run_id).run()
    store.finish_run(run_id, "ok", {})
    return result


def test_engine_pull_unchanged_and_deleted(tmp_path):
    village = generate(VillageSpec(residents=150, seed=7, planted=True))
    demo = OpenSQLDumpSource.write_demo(village, {"dir": str(tmp_path)})
    events = pull(demo)
    source = OpenSQLDumpSource(demo)
    with Store.open(tmp_path / "store.db") as store:
        first = _pull(store, source)
        quarantined = Counter(item["entity"] for item in first.quarantined)
        counts = store.counts(KODE)
        for entity in ENTITIES:
            assert counts[entity] + quarantined[entity] == len(rows_of(events, entity)), entity
            assert first.changes[entity]["new"] == counts[entity]
        assert first.changes["desa"]["new"] == 1
        assert store.load_village(KODE).penduduk["2"].nik
        second = _pull(store, source)
        assert all(c["new"] == c["changed"] == c["deleted"] == 0 for c in second.changes.values())
        assert store.counts(KODE) == counts
        path = tmp_path / "after_delete.sql"
        write_dump([Without(village, 2)], path)
        third = _pull(store, OpenSQLDumpSource({**demo, "path": str(path)}))
        assert third.changes["penduduk"]["deleted"] == 1
        assert "2" not in store.load_village(KODE).penduduk


def test_demo_dump_drives_the_cross_source_rules(tmp_path):
    """A full run (``run_sync``, rule packs, side tables) over write_demo's dump, as ``demo`` does it."""
    host = PluginHost.load(extra=[("opensid-sql-test", plugin)])
    village = generate(VillageSpec(residents=300, seed=1, planted=True, ref_date=dt.date.today()))
    options = OpenSQLDumpSource.write_demo(village, {"dir": str(tmp_path)})
    config = tmp_path / "sid-connector.toml"
    data = {"lang": "id", "source": {"name": "opensid-sql", **options}, "store": {"path": str(tmp_path / "s.db")}}
    write_config(config, data, force=True)
    outcome = run_sync(load_config(config), host, command="demo")
    assert outcome.status == "problems"
    with Store.open(tmp_path / "s.db") as store:
        rules = {finding["rule"] for finding in open_findings(store.conn, KODE)}
    # second-source rows (NIK/KK twice, orphan head, duplicate event) and a side table (tweb_rtm)
    assert {"NIK-UNIQUE", "KK-UNIQUE", "FAM-ORPHAN-HEAD", "EVT-DUP-LOG", "RTM-MULTI-HEAD"} <= rules
