"""The source driven by the real engine (``sid_connector.sync``) into a real store."""

from __future__ import annotations

import pytest

from sid_connector.sources import VillageRef
from sid_connector.store import Store
from sid_connector.sync.engine import VillagePull
from sid_connector_opensid_db import OpenSIDDatabaseSource, write_villages

from .conftest import run_sql
from .village_factory import make_village

pytestmark = pytest.mark.mariadb
KODE = "5201142005"


def _pull(store: Store, source: OpenSIDDatabaseSource):
    run_id = store.start_run("test")
    result = VillagePull(store, source, "opensid-db", VillageRef(KODE), run_id).run()
    store.finish_run(run_id, "ok", {})
    return result


def test_engine_pull_update_and_delete(db_url: str, sql, tmp_path) -> None:
    write_villages(db_url, [make_village(1, KODE, "Senteluk", families=4)])
    source = OpenSIDDatabaseSource({"url": db_url, "kode_desa": KODE})
    with Store.open(tmp_path / "store.db") as store:
        first = _pull(store, source)
        assert first.changes["penduduk"]["new"] == 12
        assert first.changes["desa"]["new"] == 1
        assert first.quarantined == []
        run_sql(sql, "UPDATE tweb_penduduk SET nama = 'GANTI' WHERE id = 2")
        run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 3")
        second = _pull(store, source)
        assert second.changes["penduduk"] == {"new": 0, "changed": 1, "deleted": 1}
        assert second.read["penduduk"] == 1
        assert second.read["penduduk_ids"] == 11
        assert store.counts(KODE)["penduduk"] == 11
        assert store.load_village(KODE).penduduk["2"].nama == "GANTI"
    source.close()
