"""The OpenSID database source against a real MariaDB with OpenSID v2410's schema."""

from __future__ import annotations

import pytest

from sid_connector.models import ENTITY_MODELS
from sid_connector.sources import VillageRef
from sid_connector_opensid_db import OpenSIDDatabaseSource, write_villages

from .applier import Applier, Killed
from .conftest import run_sql
from .senggigi import KODE
from .senggigi import pull as _pull
from .senggigi import seed as _seed
from .senggigi import source as _source
from .village_factory import make_village

pytestmark = pytest.mark.mariadb


def test_full_pull_reads_every_entity_with_resolved_fields(db_url: str) -> None:
    _seed(db_url)
    source = _source(db_url)
    try:
        assert [v.kode_desa for v in source.villages()] == [KODE]
        assert source.identity(VillageRef(KODE)).nama_desa == "Senggigi"
        result = _pull(source)
    finally:
        source.close()
    store = result.store
    assert len(store["wilayah"]) == 4
    assert len(store["keluarga"]) == 3
    assert len(store["penduduk"]) == 9
    assert len(store["peristiwa"]) == 9
    assert len(store["peristiwa_keluarga"]) == 3
    resident = store["penduduk"]["1"]
    assert resident["no_kk"] == f"{KODE}000001"
    assert resident["alamat"] == "Jalan 1"
    assert (resident["dusun"], resident["rw"], resident["rt"]) == ("MANGSIT", "-", "002")
    assert "email_token" not in resident
    assert "telegram_token" not in resident
    assert "config_id" not in resident
    assert store["keluarga"]["1"]["rt"] == "002"
    assert store["peristiwa"]["1"]["nik"] == resident["nik"]
    for entity, rows in store.items():
        for row in rows.values():
            ENTITY_MODELS[entity].model_validate(row)
    assert result.stats["penduduk"] == 9
    assert result.stats["penduduk_ids"] == 9
    assert result.cursor["penduduk"]["watermark"]
    assert "pass" not in result.cursor["penduduk"]


def test_incremental_reads_only_changed_rows_and_no_id_list_without_deletions(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    run_sql(sql, "UPDATE tweb_penduduk SET nama = 'BARU' WHERE id IN (2, 5)")
    _pull(source, applier)
    source.close()
    assert sorted(applier.read["penduduk"]) == ["2", "5"]
    assert applier.stats["penduduk"] == 2
    # Updates only: the id facts of the last KeySet prove no deletion, so the id list is not read.
    assert "penduduk_ids" not in applier.stats
    assert applier.stats["penduduk_ids_skipped"] == 1
    assert applier.store["penduduk"]["5"]["nama"] == "BARU"
    assert "peristiwa" not in applier.read  # no event changed


def test_updates_in_the_watermark_second_are_not_lost(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    mark = applier.cursor["penduduk"]["watermark"]
    # Two updates stamped with exactly the watermark's second (after the read), one a second before it.
    run_sql(sql, "SET timestamp = UNIX_TIMESTAMP(%s)", mark)
    run_sql(sql, "UPDATE tweb_penduduk SET nama = 'SATU' WHERE id = 3")
    run_sql(sql, "UPDATE tweb_penduduk SET nama = 'DUA' WHERE id = 3")
    run_sql(sql, "UPDATE tweb_penduduk SET nama = 'TIGA' WHERE id = 4")
    run_sql(sql, "SET timestamp = UNIX_TIMESTAMP(%s) - 1", mark)
    run_sql(sql, "UPDATE tweb_penduduk SET nama = 'TELAT' WHERE id = 6")
    run_sql(sql, "SET timestamp = DEFAULT")
    _pull(source, applier)
    source.close()
    assert sorted(applier.read["penduduk"]) == ["3", "4", "6"]
    names = {key: applier.store["penduduk"][key]["nama"] for key in ("3", "4", "6")}
    assert names == {"3": "DUA", "4": "TIGA", "6": "TELAT"}


def test_deleting_like_opensid_is_found_by_the_key_set(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    # OpenSID writes the log row, then deletes the resident: the cascade erases the log row too.
    run_sql(sql, "INSERT INTO log_hapus_penduduk (config_id, id_pend, nik) VALUES (1, 2, 5201142005000002)")
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 2")
    assert run_sql(sql, "SELECT COUNT(*) FROM log_hapus_penduduk") == [(0,)]
    # Deleting a family head takes the family and its members with it.
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 4")
    _pull(source, applier)
    source.close()
    assert sorted(applier.store["penduduk"]) == ["1", "3", "7", "8", "9"]
    assert "2" not in applier.store["keluarga"]
    assert sorted(applier.store["keluarga"]) == ["1", "3"]
    assert "2" not in applier.store["peristiwa"]
    assert "4" not in applier.store["peristiwa"]
    assert "2" not in applier.store["peristiwa_keluarga"]
    assert applier.stats["penduduk_hapus_hint"] == 0  # the cascade left nothing to hint with
    assert applier.stats.get("penduduk", 0) == 0
    assert applier.stats["penduduk_ids"] == 5


def test_resident_moving_rt_and_family_head_change(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    run_sql(sql, "UPDATE tweb_penduduk SET id_cluster = 3 WHERE id = 1")
    run_sql(sql, "UPDATE tweb_keluarga SET nik_kepala = 2 WHERE id = 1")
    run_sql(sql, "UPDATE tweb_penduduk SET kk_level = 4 WHERE id = 1")
    run_sql(sql, "UPDATE tweb_penduduk SET kk_level = 1 WHERE id = 2")
    _pull(source, applier)
    source.close()
    assert applier.store["penduduk"]["1"]["rt"] == "001"
    assert applier.store["penduduk"]["1"]["kk_level"] == 4
    assert applier.store["penduduk"]["2"]["kk_level"] == 1
    assert applier.store["keluarga"]["1"]["nik_kepala"] == 2
    assert sorted(applier.read["penduduk"]) == ["1", "2"]


def test_two_villages_in_one_gabungan_database_stay_apart(db_url: str) -> None:
    other = "5201142006"
    write_villages(
        db_url,
        [make_village(1, KODE, "Senteluk"), make_village(2, other, "Senggigi", families=2, base=100)],
    )
    source = OpenSIDDatabaseSource({"url": db_url, "kode_desa": "*"})
    refs = source.villages()
    assert [r.kode_desa for r in refs] == [KODE, other]
    first = Applier().run(source, refs[0])
    second = Applier().run(source, VillageRef("52.01.14.2006"))
    source.close()
    assert len(first.store["penduduk"]) == 9
    assert len(second.store["penduduk"]) == 6
    assert not set(first.store["penduduk"]) & set(second.store["penduduk"])
    assert not set(first.store["wilayah"]) & set(second.store["wilayah"])
    assert all(row["nik"].startswith(other) for row in second.store["penduduk"].values())
    assert all(row["nik"].startswith(KODE) for row in first.store["penduduk"].values())
    with pytest.raises(Exception, match="5201149999"):
        OpenSIDDatabaseSource({"url": db_url, "kode_desa": "52.01.14.9999"}).villages()


def test_resume_from_a_mid_pass_cursor(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url, batch_size=2)
    applier = Applier()
    with pytest.raises(Killed):
        # wilayah x2, keluarga x2, then 2 penduduk pages: killed inside the resident pass.
        _pull(source, applier, kill_after_batches=6)
    running = applier.cursor["penduduk"]
    assert "watermark" not in running
    assert running["pass"]["last_id"] == 4
    # Changes while "down": one row already read, one not yet read.
    run_sql(sql, "UPDATE tweb_penduduk SET nama = 'SUDAH' WHERE id = 1")
    run_sql(sql, "UPDATE tweb_penduduk SET nama = 'BELUM' WHERE id = 8")
    _pull(source, applier)
    assert applier.store["penduduk"]["8"]["nama"] == "BELUM"
    assert sorted(applier.read["penduduk"], key=int) == ["5", "6", "7", "8", "9"]
    # The resumed pass kept its first watermark: the row changed meanwhile is read on the next pull.
    _pull(source, applier)
    assert applier.store["penduduk"]["1"]["nama"] == "SUDAH"
    fresh = _pull(_source(db_url))
    assert {k: dict(v) for k, v in applier.store["penduduk"].items()} == fresh.store["penduduk"]
    # A kill inside an incremental pass is resumed the same way.
    run_sql(sql, "UPDATE tweb_penduduk SET nama = CONCAT(nama, '!') WHERE id IN (2, 3, 9)")
    with pytest.raises(Killed):
        _pull(source, applier, kill_after_batches=5)  # one resident page stored, [9] not yet
    assert applier.cursor["penduduk"]["pass"]["since"] is not None
    assert applier.cursor["penduduk"]["pass"]["last_id"] < 9
    _pull(source, applier)
    source.close()
    assert [applier.store["penduduk"][k]["nama"][-1] for k in ("2", "3", "9")] == ["!", "!", "!"]
    assert "pass" not in applier.cursor["penduduk"]


def test_surviving_deletion_log_is_counted_as_a_hint(db_url: str, sql) -> None:
    _seed(db_url)
    run_sql(sql, "SET SESSION foreign_key_checks = 0")
    # A restore without the FK: a row survives, its temporary NIK's leading zero lost in decimal(16,0).
    run_sql(sql, "INSERT INTO log_hapus_penduduk (config_id, id_pend, nik) VALUES (1, 999, 0520114200500001)")
    source = _source(db_url)
    applier = _pull(source)
    assert applier.stats["penduduk_hapus_hint"] == 1
    assert "999" not in applier.store["penduduk"]  # a hint never creates nor deletes anything
    source.close()


def test_bad_data_passes_through(db_url: str, sql) -> None:
    _seed(db_url)
    run_sql(sql, "SET SESSION sql_mode = ''")
    run_sql(
        sql,
        "UPDATE tweb_penduduk SET tanggallahir = '0000-00-00', id_cluster = NULL, agama_id = 99,"
        " nik = '5.2011450039e15', nama = ' NAMA\\tANEH ' WHERE id = 1",
    )
    run_sql(sql, "UPDATE tweb_keluarga SET tgl_cetak_kk = '0000-00-00 00:00:00' WHERE id = 1")
    applier = _pull(_source(db_url))
    row = applier.store["penduduk"]["1"]
    assert row["tanggallahir"] is None
    assert row["id_cluster"] is None
    assert row["rt"] is None
    assert row["agama_id"] == 99
    assert row["nik"] == "5.2011450039e15"
    assert row["nama"] == " NAMA\tANEH "
    assert applier.store["keluarga"]["1"]["tgl_cetak_kk"] is None
    assert applier.rejected == []
