import sqlite3

import pytest

from sid_connector.store import Store
from sid_connector.store.migrations import LATEST, MIGRATIONS


def test_a_new_store_is_at_the_latest_schema_version_and_uses_wal(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        assert store.conn.execute("PRAGMA user_version").fetchone() == (LATEST,)
        assert store.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_reopening_does_not_migrate_twice(tmp_path):
    Store.open(tmp_path / "s.db").close()
    with Store.open(tmp_path / "s.db") as store:
        assert store.conn.execute("SELECT count(*) FROM run").fetchone() == (0,)


def test_a_version_2_store_keeps_every_record_when_records_become_a_rowid_table(tmp_path):
    path = tmp_path / "s.db"
    raw = sqlite3.connect(path)
    for version, script in enumerate(MIGRATIONS[:2], start=1):
        raw.executescript(f"BEGIN;{script};PRAGMA user_version = {version};COMMIT;")
    rows = [("3301", "penduduk", str(key), f"h{key}", f'{{"id": {key}}}', "g1", 1) for key in (10, 2, 1)]
    raw.executemany("INSERT INTO record VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    raw.commit()
    raw.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone() == (LATEST,)
        (ddl,) = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'record'").fetchone()
        assert "WITHOUT ROWID" not in ddl
        kept = store.conn.execute("SELECT * FROM record ORDER BY village, entity, key").fetchall()
        assert kept == sorted(rows)
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute("INSERT INTO record VALUES ('3301', 'penduduk', '2', 'x', '{}', NULL, 2)")


def test_audit_chain_verifies_and_detects_an_edit(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        run_id = store.start_run("sync")
        store.audit(run_id, "test.entry", {"n": 1})
        store.finish_run(run_id, "ok", {})
        verdict = store.verify_audit()
        assert verdict.ok
        assert verdict.entries == 3
    raw = sqlite3.connect(path)
    raw.execute("UPDATE audit SET detail = '{\"n\": 2}' WHERE action = 'test.entry'")
    raw.commit()
    raw.close()
    with Store.open(path) as store:
        verdict = store.verify_audit()
    assert not verdict.ok
    assert verdict.problem == "altered"
    assert verdict.entry_id == 2


def test_audit_chain_detects_a_deleted_entry_in_the_middle_and_at_the_end(tmp_path):
    for victim, problem in (("2", "missing"), ("(SELECT max(id) FROM audit)", "truncated")):
        path = tmp_path / f"s{problem}.db"
        with Store.open(path) as store:
            for _ in range(2):
                run_id = store.start_run("sync")
                store.finish_run(run_id, "ok", {})
        raw = sqlite3.connect(path)
        raw.execute(f"DELETE FROM audit WHERE id = {victim}")
        raw.commit()
        raw.close()
        with Store.open(path) as store:
            verdict = store.verify_audit()
        assert not verdict.ok
        assert verdict.problem == problem


def test_an_unfinished_run_is_marked_interrupted_by_the_next(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        first = store.start_run("sync")
        second = store.start_run("sync")
        statuses = dict(store.conn.execute("SELECT id, status FROM run").fetchall())
    assert statuses == {first: "interrupted", second: "running"}
