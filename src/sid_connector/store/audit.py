"""The append-only audit log: every entry carries the hash of the one before it.

Editing or deleting an entry breaks the chain; deleting entries at the end is caught by the head (id, hash)
kept in ``meta`` and written in the same transaction as each entry. This detects tampering by anyone who
does not also rewrite every later hash and the head — it is evidence, not a lock.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def _entry_hash(prev_hash: str, entry_id: int, at: str, run_id: int | None, action: str, detail: str) -> str:
    body = json.dumps([entry_id, at, run_id, action, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append(conn: sqlite3.Connection, at: str, run_id: int | None, action: str, detail: dict[str, Any]) -> int:
    """Append one entry; call inside the transaction of the change it records."""
    row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev_id, prev_hash = (row[0], row[1]) if row else (0, GENESIS)
    entry_id = prev_id + 1
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    digest = _entry_hash(prev_hash, entry_id, at, run_id, action, text)
    conn.execute(
        "INSERT INTO audit (id, at, run_id, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (entry_id, at, run_id, action, text, prev_hash, digest),
    )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (f"{entry_id}:{digest}",),
    )
    return entry_id


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    ok: bool
    entries: int
    problem: str | None = None
    entry_id: int | None = None


def verify(conn: sqlite3.Connection) -> AuditVerdict:
    """Walk the chain from the first entry; report the first entry that does not hold."""
    expected_prev, expected_id, count = GENESIS, 1, 0
    for entry_id, at, run_id, action, detail, prev_hash, digest in conn.execute(
        "SELECT id, at, run_id, action, detail, prev_hash, hash FROM audit ORDER BY id"
    ):
        if entry_id != expected_id:
            return AuditVerdict(False, count, "missing", expected_id)
        if prev_hash != expected_prev:
            return AuditVerdict(False, count, "broken_link", entry_id)
        if _entry_hash(prev_hash, entry_id, at, run_id, action, detail) != digest:
            return AuditVerdict(False, count, "altered", entry_id)
        expected_prev, expected_id, count = digest, entry_id + 1, count + 1
    head = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    actual_head = f"{expected_id - 1}:{expected_prev}" if count else None
    if head is not None and head[0] != actual_head:
        return AuditVerdict(False, count, "truncated", expected_id)
    return AuditVerdict(True, count)
