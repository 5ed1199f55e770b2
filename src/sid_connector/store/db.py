"""The local store: one SQLite file (WAL) holding the village's records, history, runs, state and audit log.

It is the single source of truth on the operator's machine. Everything that must survive a crash is written
inside :meth:`Store.transaction`, which commits all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sid_connector.models import ENTITY_MODELS, Desa, stored_model
from sid_connector.store import audit, records
from sid_connector.store.migrations import migrate
from sid_connector.village import VillageData

ENTITIES = tuple(ENTITY_MODELS)


def now() -> str:
    """UTC timestamp text, second precision: what every row records as its time."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """Open with :meth:`Store.open`; use as a context manager to close it."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(target, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
        return cls(conn, target)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception rolls everything back."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- runs -------------------------------------------------------------------------------------------
    def start_run(self, command: str) -> int:
        """Record a new run; earlier runs still marked running died without finishing (the lock proves it)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE run SET status = 'interrupted', finished_at = coalesce(finished_at, ?) "
                "WHERE status = 'running'",
                (now(),),
            )
            cursor = conn.execute(
                "INSERT INTO run (command, started_at, status, pid) VALUES (?, ?, 'running', ?)",
                (command, now(), os.getpid()),
            )
            run_id = int(cursor.lastrowid or 0)
            audit.append(conn, now(), run_id, "run.start", {"command": command})
        return run_id

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE run SET status = ?, finished_at = ?, summary = ? WHERE id = ?",
                (status, now(), json.dumps(summary, ensure_ascii=False, default=str), run_id),
            )
            audit.append(
                conn,
                now(),
                run_id,
                "run.finish",
                {"status": status, "changes": summary.get("changes", {}), "quarantined": summary.get("quarantined")},
            )

    def last_run(self, *, finished: bool = True) -> dict[str, Any] | None:
        query = "SELECT id, command, started_at, finished_at, status, summary FROM run"
        if finished:
            query += " WHERE status NOT IN ('running')"
        row = self.conn.execute(query + " ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        run_id, command, started, finished_at, status, summary = row
        return {
            "id": run_id,
            "command": command,
            "started_at": started,
            "finished_at": finished_at,
            "status": status,
            "summary": json.loads(summary) if summary else {},
        }

    # -- sync state -------------------------------------------------------------------------------------
    def get_state(self, source: str, village: str) -> dict[str, Any]:
        row = self.conn.execute(
            "SELECT state FROM sync_state WHERE source = ? AND village = ?", (source, village)
        ).fetchone()
        return json.loads(row[0]) if row else {}

    @staticmethod
    def put_state(conn: sqlite3.Connection, source: str, village: str, state: dict[str, Any], run_id: int) -> None:
        """Write a source's state; call inside the transaction of the batch it follows."""
        conn.execute(
            "INSERT INTO sync_state (source, village, state, updated_run) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(source, village) DO UPDATE SET state = excluded.state, updated_run = excluded.updated_run",
            (source, village, json.dumps(state, ensure_ascii=False, sort_keys=True, default=str), run_id),
        )

    # -- quarantine -------------------------------------------------------------------------------------
    @staticmethod
    def add_quarantine(
        conn: sqlite3.Connection,
        run_id: int,
        village: str,
        rows: list[tuple[str, str, str, str, dict[str, Any]]],
    ) -> None:
        """Keep each unreadable row with its reason: (entity, ref, field, reason, raw data)."""
        at = now()
        conn.executemany(
            "INSERT INTO quarantine (run_id, village, entity, ref, field, reason, data, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (run_id, village, entity, ref, field, reason, json.dumps(data, ensure_ascii=False, default=str), at)
                for entity, ref, field, reason, data in rows
            ],
        )

    def quarantine_for_runs(self, run_ids: list[int]) -> list[dict[str, Any]]:
        marks = ",".join("?" * len(run_ids)) or "NULL"
        return [
            {"village": v, "entity": e, "ref": r, "field": f, "reason": why}
            for v, e, r, f, why in self.conn.execute(
                f"SELECT village, entity, ref, field, reason FROM quarantine WHERE run_id IN ({marks}) ORDER BY id",
                run_ids,
            )
        ]

    # -- changes ----------------------------------------------------------------------------------------
    def last_change_id(self) -> int:
        (value,) = self.conn.execute("SELECT coalesce(max(id), 0) FROM change").fetchone()
        return int(value)

    def change_counts(self, village: str, since_id: int) -> dict[str, dict[str, int]]:
        """Entity → {new, changed, deleted} for the village's changes after ``since_id``."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: {"new": 0, "changed": 0, "deleted": 0})
        for entity, kind, total in self.conn.execute(
            "SELECT entity, kind, count(*) FROM change WHERE village = ? AND id > ? GROUP BY entity, kind",
            (village, since_id),
        ):
            counts[entity][kind] = total
        return dict(counts)

    def changes_since(self, village: str, since_id: int, entity: str | None = None) -> Iterator[dict[str, Any]]:
        """The change history after ``since_id`` (what a sink or notifier has not yet handled)."""
        query = "SELECT id, run_id, entity, key, kind, diff, at FROM change WHERE village = ? AND id > ?"
        params: list[Any] = [village, since_id]
        if entity:
            query += " AND entity = ?"
            params.append(entity)
        for change_id, run_id, ent, key, kind, diff, at in self.conn.execute(query + " ORDER BY id", params):
            yield {
                "id": change_id,
                "run_id": run_id,
                "entity": ent,
                "key": key,
                "kind": kind,
                "diff": json.loads(diff) if diff else None,
                "at": at,
            }

    # -- records ----------------------------------------------------------------------------------------
    def villages(self) -> list[str]:
        return [v for (v,) in self.conn.execute("SELECT DISTINCT village FROM record ORDER BY village")]

    def counts(self, village: str) -> dict[str, int]:
        totals = dict.fromkeys(ENTITIES, 0)
        for entity, total in self.conn.execute(
            "SELECT entity, count(*) FROM record WHERE village = ? GROUP BY entity", (village,)
        ):
            totals[entity] = total
        return totals

    def identity(self, village: str) -> Desa | None:
        row = self.conn.execute(
            "SELECT data FROM record WHERE village = ? AND entity = 'desa' LIMIT 1", (village,)
        ).fetchone()
        return stored_model(Desa).model_validate_json(row[0]) if row else None

    def iter_records(self, village: str, entity: str) -> Iterator[tuple[str, str]]:
        """(key, canonical JSON) of the village's current records of one entity, by key."""
        yield from self.conn.execute(
            "SELECT key, data FROM record WHERE village = ? AND entity = ? ORDER BY key", (village, entity)
        )

    def load_village(self, village: str) -> VillageData:
        """Every current record of a village as models (for rules and reports)."""
        data = VillageData(kode_desa=village, desa=self.identity(village))
        for entity, model in ENTITY_MODELS.items():
            if entity == "desa":
                continue
            target = getattr(data, entity)
            reader = stored_model(model)
            for key, text in self.iter_records(village, entity):
                target[key] = reader.model_validate_json(text)
        return data

    # -- audit ------------------------------------------------------------------------------------------
    def audit(self, run_id: int | None, action: str, detail: dict[str, Any]) -> None:
        with self.transaction() as conn:
            audit.append(conn, now(), run_id, action, detail)

    def verify_audit(self) -> audit.AuditVerdict:
        return audit.verify(self.conn)


__all__ = ["ENTITIES", "Store", "now", "records"]
