"""Versioned schema migrations for the store, applied in order and recorded in ``PRAGMA user_version``.

A migration is never edited once released: later changes append a new one, so any older store upgrades in
place when a newer sid-connector opens it.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: records with content hashes, their change history, runs, sync state, quarantine, audit chain, outbox.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE run (
        id          INTEGER PRIMARY KEY,
        command     TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL,
        pid         INTEGER,
        summary     TEXT
    );
    CREATE TABLE record (
        village     TEXT NOT NULL,
        entity      TEXT NOT NULL,
        key         TEXT NOT NULL,
        hash        TEXT NOT NULL,
        data        TEXT NOT NULL,
        seen        TEXT,
        updated_run INTEGER NOT NULL,
        PRIMARY KEY (village, entity, key)
    ) WITHOUT ROWID;
    CREATE TABLE change (
        id       INTEGER PRIMARY KEY,
        run_id   INTEGER NOT NULL,
        village  TEXT NOT NULL,
        entity   TEXT NOT NULL,
        key      TEXT NOT NULL,
        kind     TEXT NOT NULL CHECK (kind IN ('new', 'changed', 'deleted')),
        diff     TEXT,
        at       TEXT NOT NULL
    );
    CREATE INDEX change_by_village ON change (village, entity, id);
    CREATE TABLE sync_state (
        source      TEXT NOT NULL,
        village     TEXT NOT NULL,
        state       TEXT NOT NULL,
        updated_run INTEGER,
        PRIMARY KEY (source, village)
    );
    CREATE TABLE present_key (
        village TEXT NOT NULL,
        entity  TEXT NOT NULL,
        key     TEXT NOT NULL,
        PRIMARY KEY (village, entity, key)
    ) WITHOUT ROWID;
    CREATE TABLE quarantine (
        id      INTEGER PRIMARY KEY,
        run_id  INTEGER NOT NULL,
        village TEXT NOT NULL,
        entity  TEXT NOT NULL,
        ref     TEXT NOT NULL,
        field   TEXT NOT NULL,
        reason  TEXT NOT NULL,
        data    TEXT,
        at      TEXT NOT NULL
    );
    CREATE INDEX quarantine_by_run ON quarantine (run_id);
    CREATE TABLE audit (
        id        INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        run_id    INTEGER,
        action    TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id           INTEGER PRIMARY KEY,
        channel      TEXT NOT NULL,
        dedup_key    TEXT NOT NULL,
        payload      TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        last_error   TEXT,
        created_run  INTEGER,
        created_at   TEXT NOT NULL,
        sent_at      TEXT,
        UNIQUE (channel, dedup_key)
    );
    CREATE INDEX outbox_pending ON outbox (channel, status, id);
    """,
    # 2: findings remembered across runs (first seen, last seen, resolved), each run's rule totals, and the
    #    village's side tables (officials, households) that rules read but that are not canonical records.
    """
    CREATE TABLE finding (
        village        TEXT NOT NULL,
        rule           TEXT NOT NULL,
        entity         TEXT NOT NULL,
        record_key     TEXT NOT NULL,
        severity       TEXT NOT NULL,
        record_id      INTEGER,
        dusun          TEXT,
        rw             TEXT,
        rt             TEXT,
        message        TEXT NOT NULL,
        message_en     TEXT,
        hint           TEXT,
        first_seen_run INTEGER NOT NULL,
        last_seen_run  INTEGER NOT NULL,
        resolved_run   INTEGER,
        first_seen_at  TEXT NOT NULL,
        last_seen_at   TEXT NOT NULL,
        resolved_at    TEXT,
        PRIMARY KEY (village, rule, entity, record_key)
    ) WITHOUT ROWID;
    CREATE INDEX finding_open ON finding (village, resolved_run);
    CREATE TABLE rule_run (
        run_id   INTEGER NOT NULL,
        village  TEXT NOT NULL,
        at       TEXT NOT NULL,
        errors   INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        infos    INTEGER NOT NULL,
        new      INTEGER NOT NULL,
        resolved INTEGER NOT NULL,
        PRIMARY KEY (run_id, village)
    );
    CREATE TABLE side_table (
        village     TEXT NOT NULL,
        name        TEXT NOT NULL,
        rows        TEXT NOT NULL,
        updated_run INTEGER NOT NULL,
        PRIMARY KEY (village, name)
    ) WITHOUT ROWID;
    """,
    # 3: records as an ordinary rowid table. A WITHOUT ROWID table keeps whole rows in its key's B-tree, which
    #    SQLite advises only for rows far smaller than a page; a record's JSON is ~1.5 KB, so inserts split
    #    and spill pages: the rowid table with a unique key index is ~2x faster to fill and ~half the size.
    """
    CREATE TABLE record_v3 (
        village     TEXT NOT NULL,
        entity      TEXT NOT NULL,
        key         TEXT NOT NULL,
        hash        TEXT NOT NULL,
        data        TEXT NOT NULL,
        seen        TEXT,
        updated_run INTEGER NOT NULL,
        UNIQUE (village, entity, key)
    );
    INSERT INTO record_v3 (village, entity, key, hash, data, seen, updated_run)
        SELECT village, entity, key, hash, data, seen, updated_run FROM record;
    DROP TABLE record;
    ALTER TABLE record_v3 RENAME TO record;
    """,
]

LATEST = len(MIGRATIONS)


class StoreTooNewError(RuntimeError):
    """The store was written by a newer sid-connector; opening it could lose data."""


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to the latest version; returns the version the store had before."""
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    if current > LATEST:
        raise StoreTooNewError(
            f"Basis data lokal berversi skema {current}, lebih baru dari yang dikenal ({LATEST}). "
            "Perbarui sid-connector."
        )
    for version in range(current, LATEST):
        # One script per migration: the DDL and the version bump commit together or not at all.
        conn.executescript(f"BEGIN;{MIGRATIONS[version]};PRAGMA user_version = {version + 1};COMMIT;")
    return current
