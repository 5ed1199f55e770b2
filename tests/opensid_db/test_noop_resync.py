"""A pull with nothing deleted reads no id list, and every deletion is still found (issue 7, P2).

The source proves "no deletion since the last KeySet" from the facts that KeySet left in its cursor (count,
sum and max of its ids); families are re-read only where the server's block digest moved. Each test checks
the counters the source reports and that the store ends equal to a fresh full pull.
"""

from __future__ import annotations

from typing import Any

import pytest

from sid_connector.sources import Rejected, VillageRef
from sid_connector.store import Store
from sid_connector.sync.engine import VillagePull
from sid_connector_opensid_db import OpenSIDDatabaseSource, passes, write_villages

from .applier import Applier, Killed
from .conftest import run_sql
from .senggigi import KODE
from .senggigi import pull as _pull
from .senggigi import seed as _seed
from .senggigi import source as _source
from .village_factory import OLD, make_village

pytestmark = pytest.mark.mariadb
KEYED = ("keluarga", "penduduk", "peristiwa", "peristiwa_keluarga")


def _engine_pull(store: Store, source: OpenSIDDatabaseSource, village: str = KODE):
    run_id = store.start_run("test")
    result = VillagePull(store, source, "opensid-db", VillageRef(village), run_id).run()
    store.finish_run(run_id, "ok", {})
    return result


def _records(store: Store, village: str = KODE) -> dict[str, dict[str, str]]:
    rows = store.conn.execute("SELECT entity, key, data FROM record WHERE village = ? ORDER BY 1, 2", (village,))
    found: dict[str, dict[str, str]] = {}
    for entity, key, data in rows:
        found.setdefault(entity, {})[key] = data
    return found


def _plain(store: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {entity: {key: dict(row) for key, row in rows.items()} for entity, rows in store.items()}


def _assert_equals_fresh_pull(applier: Applier, url: str) -> None:
    """The incremental store holds exactly what a fresh full pull would read now."""
    source = _source(url)
    try:
        fresh = _pull(source)
    finally:
        source.close()
    assert _plain(applier.store) == _plain(fresh.store)


def _ids_read(stats: dict[str, int]) -> dict[str, int]:
    return {entity: stats[f"{entity}_ids"] for entity in KEYED if f"{entity}_ids" in stats}


def _copy_resident(sql, from_id: int, new_id: int, *, stamped: str = OLD) -> None:
    """Insert a resident with an explicit id (as a late-committed insert would have), cloned from another row.

    ``stamped`` is its ``updated_at``: the default, long ago, keeps it below the watermark.
    """
    run_sql(sql, "CREATE TEMPORARY TABLE clone AS SELECT * FROM tweb_penduduk WHERE id = %s", from_id)
    run_sql(
        sql,
        "UPDATE clone SET id = %s, nik = %s, email_token = NULL, nama = %s",
        new_id,
        f"{KODE}{new_id:06d}",
        f"BARU {new_id}",
    )
    run_sql(sql, "UPDATE clone SET updated_at = %s", stamped)
    run_sql(sql, "INSERT INTO tweb_penduduk SELECT * FROM clone")
    run_sql(sql, "DROP TEMPORARY TABLE clone")


def _now(sql) -> str:
    return str(run_sql(sql, "SELECT NOW()")[0][0])


# -- the no-op --------------------------------------------------------------------------------------------
def test_noop_pull_reads_no_id_list_and_no_family(db_url: str, tmp_path) -> None:
    _seed(db_url, families=4)
    source = _source(db_url)
    with Store.open(tmp_path / "store.db") as store:
        first = _engine_pull(store, source)
        # The first pull has no facts: every id list is read and establishes them.
        assert _ids_read(first.read) == {"keluarga": 4, "penduduk": 12, "peristiwa": 12, "peristiwa_keluarga": 4}
        assert first.read["keluarga"] == 4
        before = _records(store)
        second = _engine_pull(store, source)
        third = _engine_pull(store, source)
        after = _records(store)
    source.close()
    for noop in (second, third):
        assert _ids_read(noop.read) == {}
        assert {entity: noop.read[f"{entity}_ids_skipped"] for entity in KEYED} == dict.fromkeys(KEYED, 1)
        assert noop.read.get("keluarga", 0) == 0
        assert noop.read.get("penduduk", 0) == 0
        assert noop.read["keluarga_blocks"] == 0
        assert all(sum(kinds.values()) == 0 for kinds in noop.changes.values())
    assert after == before


def test_updates_alone_read_the_changed_rows_but_no_id_list(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    run_sql(sql, "UPDATE tweb_penduduk SET nama = 'GANTI' WHERE id = 5")
    run_sql(sql, "UPDATE log_penduduk SET catatan = 'ubah' WHERE id = 2")
    # updated_at does not move (no ON UPDATE): the block digest finds the edit.
    run_sql(sql, "UPDATE tweb_keluarga SET tgl_cetak_kk = '2025-05-05 10:00:00' WHERE id = 2")
    _pull(source, applier)
    source.close()
    # Families 1-3 share one digest block, so the edited family brings its block along.
    read = {entity: keys for entity, keys in applier.read.items() if entity != "wilayah"}  # a Snapshot each pull
    assert read == {"keluarga": ["1", "2", "3"], "penduduk": ["5"], "peristiwa": ["2"]}
    assert _ids_read(applier.stats) == {}
    assert str(applier.store["keluarga"]["2"]["tgl_cetak_kk"]) == "2025-05-05 10:00:00"
    assert applier.store["peristiwa"]["2"]["catatan"] == "ubah"
    _assert_equals_fresh_pull(applier, db_url)


# -- deletions are still found ----------------------------------------------------------------------------
def test_a_deletion_plus_an_insert_the_watermark_reads_is_found(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 2")
    _copy_resident(sql, 3, 10, stamped=_now(sql))  # same count as before, the max moved
    _pull(source, applier)
    source.close()
    assert applier.read["penduduk"] == ["10"]
    assert applier.stats["penduduk_ids"] == 9
    assert "2" not in applier.store["penduduk"]
    assert "10" in applier.store["penduduk"]
    _assert_equals_fresh_pull(applier, db_url)


def test_a_deletion_plus_an_insert_the_watermark_misses_is_found_by_the_count(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 3")
    _copy_resident(sql, 2, 10)  # an old updated_at: this pull reads no resident at all
    assert run_sql(sql, "SELECT COUNT(*), MAX(id) FROM tweb_penduduk") == [(9, 10)]
    _pull(source, applier)
    source.close()
    assert "penduduk" not in applier.read
    assert applier.stats["penduduk_ids"] == 9  # the count below the old max fell: the id list was read
    assert "3" not in applier.store["penduduk"]
    assert "10" not in applier.store["penduduk"]  # the watermark's own limit: read at the next full refresh


def test_a_late_row_below_the_max_and_a_deletion_are_caught_by_the_sum(db_url: str, sql) -> None:
    _seed(db_url)
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 5")  # a gap below the max before the first pull
    source = _source(db_url)
    applier = _pull(source)
    assert applier.cursor["penduduk"]["keys"]["count"] == 8
    # A transaction that took id 5 commits only now (as far as the facts can tell), and 6 is deleted:
    # the count of ids <= 9 is unchanged, its sum is not.
    _copy_resident(sql, 4, 5, stamped=_now(sql))
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 6")
    _pull(source, applier)
    source.close()
    assert applier.read["penduduk"] == ["5"]
    assert applier.stats["penduduk_ids"] == 8
    assert "6" not in applier.store["penduduk"]
    _assert_equals_fresh_pull(applier, db_url)


def test_a_row_read_after_the_facts_is_covered_once_its_id_list_is_read(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    _copy_resident(sql, 2, 10, stamped=_now(sql))
    _pull(source, applier)  # a row above the facts' max was read: the id list is read, the facts move
    assert applier.stats["penduduk_ids"] == 10
    assert applier.cursor["penduduk"]["keys"]["max"] == 10
    _pull(source, applier)
    assert _ids_read(applier.stats) == {}
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 10")
    _pull(source, applier)
    source.close()
    assert applier.stats["penduduk_ids"] == 9
    assert "10" not in applier.store["penduduk"]


def test_deleted_families_and_their_members_are_found(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 4")  # a family head: the family and its log rows go too
    _pull(source, applier)
    source.close()
    assert sorted(applier.store["keluarga"]) == ["1", "3"]
    assert applier.stats["keluarga_ids"] == 2
    assert applier.stats["keluarga_blocks"] == 1  # the block that lost a row changed its digest
    assert "4" not in applier.store["penduduk"]
    _assert_equals_fresh_pull(applier, db_url)


def test_quarantined_rows_do_not_force_id_lists_and_deletions_are_still_found(
    db_url: str, sql, tmp_path, monkeypatch
) -> None:
    _seed(db_url)
    split = passes.split

    def unreadable_five(entity: str, rows: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
        """Resident 5 is rejected by the source, as undecodable bytes would be."""
        good, bad = split(entity, rows)
        if entity != "penduduk" or not any(row.key == "5" for row in good):
            return good, bad
        reason = "kolom nama bukan teks UTF-8 yang sah"
        return [row for row in good if row.key != "5"], [*bad, Rejected("penduduk", "id 5", "nama", reason)]

    monkeypatch.setattr(passes, "split", unreadable_five)
    source = _source(db_url)
    with Store.open(tmp_path / "store.db") as store:
        first = _engine_pull(store, source)
        assert [q["ref"] for q in first.quarantined] == ["id 5"]
        assert "5" not in _records(store)["penduduk"]
        noop = _engine_pull(store, source)
        assert _ids_read(noop.read) == {}  # the facts count the source's ids, quarantined or not
        run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 6")
        third = _engine_pull(store, source)
        assert third.read["penduduk_ids"] == 8
        assert third.changes["penduduk"]["deleted"] == 1
        assert sorted(_records(store)["penduduk"], key=int) == ["1", "2", "3", "4", "7", "8", "9"]
    source.close()


# -- kills ------------------------------------------------------------------------------------------------
def test_a_pass_killed_after_reading_new_rows_reads_the_id_list_when_resumed(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url, batch_size=2)
    applier = _pull(source)
    now = _now(sql)
    _copy_resident(sql, 2, 10, stamped=now)
    _copy_resident(sql, 2, 11, stamped=now)
    with pytest.raises(Killed):
        # wilayah x2, keluarga's empty closing Batch, then residents [10, 11]: killed after those.
        _pull(source, applier, kill_after_batches=4)
    assert applier.cursor["penduduk"]["pass"]["last_id"] == 11
    assert applier.cursor["penduduk"]["keys"]["max"] == 9  # the facts move only with a KeySet
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 2")  # while down
    _pull(source, applier)
    source.close()
    assert applier.stats["penduduk_ids"] == 10
    assert applier.cursor["penduduk"]["keys"]["max"] == 11
    assert "2" not in applier.store["penduduk"]
    _assert_equals_fresh_pull(applier, db_url)


def _kill_before_deletions(monkeypatch) -> None:
    """The next engine pull dies after its last event is committed, before its deletions (once)."""
    original = VillagePull._finish

    def crash(self: VillagePull) -> None:
        monkeypatch.setattr(VillagePull, "_finish", original)
        raise RuntimeError("killed before the deletions")

    monkeypatch.setattr(VillagePull, "_finish", crash)


def test_a_rerun_after_a_kill_before_the_deletions_keeps_rows_added_meanwhile(
    db_url: str, sql, tmp_path, monkeypatch
) -> None:
    """The killed pull's KeySet stays pending in the store; a rerun that read a row it does not list must
    replace it, or the engine would delete that row."""
    _seed(db_url)
    source = _source(db_url)
    with Store.open(tmp_path / "store.db") as store:
        _engine_pull(store, source)
        run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 2")
        _kill_before_deletions(monkeypatch)
        with pytest.raises(RuntimeError, match="before the deletions"):
            _engine_pull(store, source)
        assert "2" in _records(store)["penduduk"]
        _copy_resident(sql, 3, 10, stamped=_now(sql))  # while down
        rerun = _engine_pull(store, source)
        assert rerun.read["penduduk_ids"] == 8 + 9  # a resumed pull's counters add up its runs
        assert rerun.changes["penduduk"] == {"new": 1, "changed": 0, "deleted": 1}
        assert sorted(_records(store)["penduduk"], key=int) == ["1", "3", "4", "5", "6", "7", "8", "9", "10"]
        clean_path = tmp_path / "clean.db"
        with Store.open(clean_path) as clean:
            _engine_pull(clean, source)
            assert _records(clean) == _records(store)
    source.close()


def test_a_rerun_after_a_kill_before_the_deletions_applies_them_without_an_id_list(
    db_url: str, sql, tmp_path, monkeypatch
) -> None:
    _seed(db_url)
    source = _source(db_url)
    with Store.open(tmp_path / "store.db") as store:
        _engine_pull(store, source)
        run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 2")
        _kill_before_deletions(monkeypatch)
        with pytest.raises(RuntimeError, match="before the deletions"):
            _engine_pull(store, source)
        rerun = _engine_pull(store, source)  # nothing changed meanwhile: the pending KeySet still holds
        assert rerun.read["penduduk_ids"] == 8  # the killed run's list only (a resumed pull adds up its runs)
        assert rerun.read["penduduk_ids_skipped"] == 1
        assert rerun.changes["penduduk"]["deleted"] == 1
        assert "2" not in _records(store)["penduduk"]
        after = _engine_pull(store, source)
        assert _ids_read(after.read) == {}
        assert all(sum(kinds.values()) == 0 for kinds in after.changes.values())
    source.close()


def test_a_family_pass_killed_between_blocks_resumes_without_losing_an_edit(db_url: str, sql, monkeypatch) -> None:
    monkeypatch.setattr(passes, "BLOCK", 2)  # blocks {1}, {2, 3}, {4, 5}, {6, 7}
    _seed(db_url, families=7, members=1)
    source = _source(db_url, batch_size=2)
    applier = _pull(source)
    run_sql(sql, "UPDATE tweb_keluarga SET tgl_cetak_kk = '2025-01-01 00:00:00' WHERE id IN (1, 5)")
    with pytest.raises(Killed):
        _pull(source, applier, kill_after_batches=3)  # wilayah x2, then block {1}
    assert applier.read["keluarga"] == ["1"]
    assert list(applier.cursor["keluarga"]["pass"]["done"]) == ["0"]
    run_sql(sql, "UPDATE tweb_keluarga SET tgl_cetak_kk = '2025-04-04 00:00:00' WHERE id = 7")  # while down
    _pull(source, applier)
    assert applier.read["keluarga"] == ["4", "5", "6", "7"]  # block {1} was done and is unchanged
    assert "pass" not in applier.cursor["keluarga"]
    # An edit in a block that was read before the kill, while down, is read by the resumed pass.
    run_sql(sql, "UPDATE tweb_keluarga SET tgl_cetak_kk = '2025-02-02 00:00:00' WHERE id IN (3, 6)")
    with pytest.raises(Killed):
        _pull(source, applier, kill_after_batches=3)  # wilayah x2, then [2, 3]
    run_sql(sql, "UPDATE tweb_keluarga SET tgl_cetak_kk = '2025-03-03 00:00:00' WHERE id = 2")
    _pull(source, applier)
    source.close()
    assert applier.read["keluarga"] == ["2", "3", "6", "7"]
    _assert_equals_fresh_pull(applier, db_url)


# -- refresh interval, gabungan, joined fields ------------------------------------------------------------
def test_the_full_refresh_reads_every_id_list_and_every_row(db_url: str, sql) -> None:
    _seed(db_url)
    source = _source(db_url, full_refresh_hours=0)
    applier = _pull(source)
    _pull(source, applier)
    source.close()
    assert _ids_read(applier.stats) == {"keluarga": 3, "penduduk": 9, "peristiwa": 9, "peristiwa_keluarga": 3}
    assert (applier.stats["keluarga"], applier.stats["penduduk"]) == (3, 9)


def test_facts_older_than_the_refresh_interval_are_not_trusted(db_url: str) -> None:
    _seed(db_url)
    source = _source(db_url)
    applier = _pull(source)
    applier.cursor["peristiwa"]["keys"]["at"] = "2000-01-01 00:00:00"
    _pull(source, applier)
    source.close()
    assert _ids_read(applier.stats) == {"peristiwa": 9}
    assert applier.cursor["peristiwa"]["keys"]["at"] != "2000-01-01 00:00:00"


def test_gabungan_villages_keep_their_own_facts(db_url: str, sql) -> None:
    other = "5201142006"
    write_villages(
        db_url, [make_village(1, KODE, "Senteluk"), make_village(2, other, "Senggigi", families=2, base=100)]
    )
    source = OpenSIDDatabaseSource({"url": db_url, "kode_desa": "*"})
    first, second = source.villages()
    one, two = Applier().run(source, first), Applier().run(source, second)
    # An insert in one village and a deletion in the other.
    _copy_resident(sql, 2, 200, stamped=_now(sql))
    run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = 102")
    one.run(source, first)
    two.run(source, second)
    assert one.stats["penduduk_ids"] == 10  # it read resident 200, above its facts
    assert two.stats["penduduk_ids"] == 5  # its count fell
    assert "102" not in two.store["penduduk"]
    one.run(source, first)
    two.run(source, second)
    assert _ids_read(one.stats) == _ids_read(two.stats) == {}
    # A resident moved between villages: gone from one, new (below the other's max) in the other.
    run_sql(sql, "UPDATE tweb_penduduk SET config_id = 1 WHERE id = 103")
    one.run(source, first)
    two.run(source, second)
    source.close()
    assert "103" in one.read["penduduk"]  # (and 200 again, inside the overlap window)
    assert one.stats["penduduk_ids"] == 11
    assert two.stats["penduduk_ids"] == 4
    assert "103" in one.store["penduduk"]
    assert "103" not in two.store["penduduk"]


def test_an_rt_renamed_reaches_its_families_and_null_differs_from_empty(db_url: str, sql) -> None:
    _seed(db_url)
    run_sql(sql, "UPDATE tweb_keluarga SET alamat = '' WHERE id = 3")
    source = _source(db_url)
    applier = _pull(source)
    run_sql(sql, "UPDATE tweb_wil_clusterdesa SET rt = '009' WHERE id = 3")  # family 2's RT
    _pull(source, applier)
    assert applier.store["keluarga"]["2"]["rt"] == "009"
    assert applier.stats["keluarga_blocks"] == 1
    run_sql(sql, "UPDATE tweb_keluarga SET alamat = NULL WHERE id = 3")
    _pull(source, applier)
    source.close()
    assert applier.stats["keluarga_blocks"] == 1
    assert applier.read["keluarga"] == ["1", "2", "3"]
