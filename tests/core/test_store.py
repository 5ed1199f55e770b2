import sqlite3

from sid_connector.store import Store
from sid_connector.store.migrations import LATEST


def test_a_new_store_is_at_the_latest_schema_version_and_uses_wal(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        assert store.conn.execute("PRAGMA user_version").fetchone() == (LATEST,)
        assert store.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_reopening_does_not_migrate_twice(tmp_path):
    Store.open(tmp_path / "s.db").close()
    with Store.open(tmp_path / "s.db") as store:
        assert store.conn.execute("SELECT count(*) FROM run").fetchone() == (0,)


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
