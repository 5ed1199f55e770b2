import sqlite3

import pytest

from sid_connector.sources import Batch, RawRow, Rejected
from sid_connector.store import Store
from sid_connector.sync.engine import DeletionPolicy, MassDeletionBlockedError, VillagePull

from .fakes import MemorySource, residents

VILLAGE = "3301022001"


def pull(store, source, *, deletion=None):
    run_id = store.start_run("test")
    result = VillagePull(store, source, "memory", source.villages()[0], run_id, deletion=deletion).run()
    store.finish_run(run_id, "ok", {})
    return result


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store.db") as opened:
        yield opened


def test_first_pull_stores_everything_and_reports_it_new(store):
    result = pull(store, MemorySource({"rows": {"penduduk": residents(5)}}))
    assert result.changes["penduduk"] == {"new": 5, "changed": 0, "deleted": 0}
    assert result.changes["desa"]["new"] == 1
    assert store.counts(VILLAGE)["penduduk"] == 5


def test_unchanged_records_are_not_rewritten(store):
    pull(store, MemorySource({"rows": {"penduduk": residents(5)}}))
    before = store.conn.execute("SELECT key, updated_run FROM record ORDER BY key").fetchall()
    result = pull(store, MemorySource({"rows": {"penduduk": residents(5)}}))
    assert result.changes == {}
    assert store.conn.execute("SELECT key, updated_run FROM record ORDER BY key").fetchall() == before


def test_a_change_is_kept_in_history_with_what_changed(store):
    pull(store, MemorySource({"rows": {"penduduk": residents(3)}}))
    rows = residents(3)
    rows[1]["nama"] = "NAMA BARU"
    result = pull(store, MemorySource({"rows": {"penduduk": rows}, "generation": "g2"}))
    assert result.changes["penduduk"] == {"new": 0, "changed": 1, "deleted": 0}
    (change,) = [c for c in store.changes_since(VILLAGE, 0) if c["kind"] == "changed"]
    assert change["key"] == "2"
    assert change["diff"] == {"nama": ["WARGA 2", "NAMA BARU"]}


def test_a_record_missing_from_a_complete_pass_is_deleted_and_its_data_kept(store):
    pull(store, MemorySource({"rows": {"penduduk": residents(10)}}))
    result = pull(store, MemorySource({"rows": {"penduduk": residents(9)}, "generation": "g2"}))
    assert result.changes["penduduk"]["deleted"] == 1
    (deleted,) = [c for c in store.changes_since(VILLAGE, 0) if c["kind"] == "deleted"]
    assert deleted["key"] == "10"
    assert deleted["diff"]["nama"] == "WARGA 10"


def test_a_key_set_deletes_what_the_source_no_longer_has(store):
    pull(store, MemorySource({"rows": {"penduduk": residents(10)}, "mode": "keyset"}))
    result = pull(store, MemorySource({"rows": {"penduduk": residents(9)}, "mode": "keyset"}))
    assert result.changes["penduduk"] == {"new": 0, "changed": 0, "deleted": 1}
    assert store.conn.execute("SELECT count(*) FROM present_key").fetchone() == (0,)


def test_mass_deletion_stops_before_deleting_anything(store):
    pull(store, MemorySource({"rows": {"penduduk": residents(20), "keluarga": [{"id": 1, "no_kk": "1"}]}}))
    shrunk = MemorySource({"rows": {"penduduk": residents(14), "keluarga": []}, "generation": "g2"})
    with pytest.raises(MassDeletionBlockedError) as blocked:
        pull(store, shrunk, deletion=DeletionPolicy(threshold=0.2, minimum=5))
    assert blocked.value.would_delete == 6
    assert blocked.value.total == 20
    assert store.counts(VILLAGE)["penduduk"] == 20
    assert store.counts(VILLAGE)["keluarga"] == 1
    result = pull(store, shrunk, deletion=DeletionPolicy(allow_mass_delete=True))
    assert result.changes["penduduk"]["deleted"] == 6
    assert store.counts(VILLAGE)["penduduk"] == 14


def test_bad_rows_are_quarantined_with_field_and_the_rest_goes_on(store):
    rows = residents(4)
    rows[2]["tanggallahir"] = "31-31-1990"
    rows[3]["agama_id"] = "bukan agama"
    result = pull(store, MemorySource({"rows": {"penduduk": rows}}))
    assert store.counts(VILLAGE)["penduduk"] == 2
    assert {(q["ref"], q["field"]) for q in result.quarantined} == {("id 3", "tanggallahir"), ("id 4", "agama_id")}


def test_a_quarantined_row_keeps_its_stored_version(store):
    pull(store, MemorySource({"rows": {"penduduk": residents(6)}}))
    rows = residents(6)
    rows[0]["tanggallahir"] = "tidak jelas"
    result = pull(store, MemorySource({"rows": {"penduduk": rows}, "generation": "g2"}))
    assert result.changes.get("penduduk", {}).get("deleted", 0) == 0
    assert store.counts(VILLAGE)["penduduk"] == 6
    assert len(result.quarantined) == 1


def test_source_rejections_are_quarantined_too(store):
    class Rejecting(MemorySource):
        def pull(self, village, state):
            yield Batch(
                "penduduk",
                [RawRow("1", "baris 2", residents(1)[0])],
                rejected=[Rejected("penduduk", "baris 3", "nik", "sel terlalu panjang", {"nik": "x"})],
            )

    result = pull(store, Rejecting({"rows": {}}))
    assert result.quarantined == [
        {"entity": "penduduk", "ref": "baris 3", "field": "nik", "reason": "sel terlalu panjang"}
    ]


def test_a_crashed_pull_resumes_and_ends_as_one_clean_pull(tmp_path):
    rows = {
        "wilayah": [{"id": i, "dusun": f"D{i}", "rw": "0", "rt": "0"} for i in range(1, 4)],
        "penduduk": residents(9),
    }
    with Store.open(tmp_path / "clean.db") as clean:
        pull(clean, MemorySource({"rows": rows}))
        expected = fingerprint(clean)
        expected_changes = clean.change_counts(VILLAGE, 0)
    for crash_after in range(0, 7):
        with Store.open(tmp_path / f"crash{crash_after}.db") as store:
            with pytest.raises(RuntimeError, match="simulated crash"):
                pull(store, MemorySource({"rows": rows, "fail_after": crash_after}))
            result = pull(store, MemorySource({"rows": rows}))
            assert fingerprint(store) == expected, crash_after
            assert result.changes == expected_changes
            assert result.resumed


def fingerprint(store: Store):
    conn: sqlite3.Connection = store.conn
    return (
        conn.execute("SELECT village, entity, key, hash, data FROM record ORDER BY 1, 2, 3").fetchall(),
        sorted(conn.execute("SELECT village, entity, key, kind, diff FROM change").fetchall()),
    )


def test_a_crash_after_the_complete_pass_but_before_its_deletions_resumes_cleanly(tmp_path, monkeypatch):
    """The narrowest point: every batch and the pass's end are committed, the deletions are not."""
    with Store.open(tmp_path / "clean.db") as clean:
        pull(clean, MemorySource({"rows": {"penduduk": residents(10)}}))
        pull(clean, MemorySource({"rows": {"penduduk": residents(8)}, "generation": "g2"}))
        expected = fingerprint(clean)
    with Store.open(tmp_path / "crash.db") as store:
        pull(store, MemorySource({"rows": {"penduduk": residents(10)}}))
        original = VillagePull._finish

        def crash(self):
            monkeypatch.setattr(VillagePull, "_finish", original)
            raise RuntimeError("killed before the deletions")

        monkeypatch.setattr(VillagePull, "_finish", crash)
        with pytest.raises(RuntimeError, match="before the deletions"):
            pull(store, MemorySource({"rows": {"penduduk": residents(8)}, "generation": "g2"}))
        assert store.counts(VILLAGE)["penduduk"] == 10  # nothing deleted yet
        result = pull(store, MemorySource({"rows": {"penduduk": residents(8)}, "generation": "g2"}))
        assert fingerprint(store) == expected
        assert result.changes["penduduk"]["deleted"] == 2
