"""Current records and their change history: upsert by content hash, deletion by sweep or key set.

Functions here run inside the caller's transaction, so the engine can commit a batch of records together
with the source's cursor — the property that makes a killed pull resumable without loss or duplicates.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_CHUNK = 500  # keys per IN (...) query: well under SQLite's variable limit


@dataclass(frozen=True, slots=True)
class StoredItem:
    """A validated record ready to store: its key, content hash and canonical JSON."""

    key: str
    hash: str
    data: str


@dataclass(slots=True)
class ApplyCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    keys_changed: list[str] = field(default_factory=list)


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _diff(old: dict[str, object], new: dict[str, object]) -> dict[str, list[object]]:
    """Field → [old, new] for every field whose value differs."""
    return {
        name: [old.get(name), new.get(name)]
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    }


def apply_items(
    conn: sqlite3.Connection,
    *,
    run_id: int,
    village: str,
    entity: str,
    items: Sequence[StoredItem],
    seen: str | None,
    at: str,
) -> ApplyCounts:
    """Insert new records, rewrite changed ones (with a history row), leave unchanged ones untouched.

    ``seen`` marks the records as seen by the current full pass; an unchanged record only gets that mark
    updated when it differs, so a no-op pull writes nothing.
    """
    counts = ApplyCounts()
    if not items:
        return counts
    by_key = {item.key: item for item in items}
    existing: dict[str, tuple[str, str | None]] = {}
    for chunk in _chunks(list(by_key)):
        marks = ",".join("?" * len(chunk))
        for key, digest, mark in conn.execute(
            f"SELECT key, hash, seen FROM record WHERE village = ? AND entity = ? AND key IN ({marks})",
            (village, entity, *chunk),
        ):
            existing[key] = (digest, mark)

    inserts, changed_keys, reseen = [], [], []
    for key, item in by_key.items():
        previous = existing.get(key)
        if previous is None:
            inserts.append((village, entity, key, item.hash, item.data, seen, run_id))
        elif previous[0] != item.hash:
            changed_keys.append(key)
        elif seen is not None and previous[1] != seen:
            reseen.append((seen, village, entity, key))
        else:
            counts.unchanged += 1

    if inserts:
        conn.executemany(
            "INSERT INTO record (village, entity, key, hash, data, seen, updated_run) VALUES (?, ?, ?, ?, ?, ?, ?)",
            inserts,
        )
        conn.executemany(
            "INSERT INTO change (run_id, village, entity, key, kind, diff, at) VALUES (?, ?, ?, ?, 'new', NULL, ?)",
            [(run_id, village, entity, row[2], at) for row in inserts],
        )
        counts.new = len(inserts)
        counts.keys_changed.extend(row[2] for row in inserts)
    if changed_keys:
        old_data: dict[str, str] = {}
        for chunk in _chunks(changed_keys):
            marks = ",".join("?" * len(chunk))
            old_data.update(
                conn.execute(
                    f"SELECT key, data FROM record WHERE village = ? AND entity = ? AND key IN ({marks})",
                    (village, entity, *chunk),
                ).fetchall()
            )
        conn.executemany(
            "UPDATE record SET hash = ?, data = ?, seen = coalesce(?, seen), updated_run = ? "
            "WHERE village = ? AND entity = ? AND key = ?",
            [(by_key[k].hash, by_key[k].data, seen, run_id, village, entity, k) for k in changed_keys],
        )
        conn.executemany(
            "INSERT INTO change (run_id, village, entity, key, kind, diff, at) VALUES (?, ?, ?, ?, 'changed', ?, ?)",
            [
                (
                    run_id,
                    village,
                    entity,
                    k,
                    json.dumps(_diff(json.loads(old_data[k]), json.loads(by_key[k].data)), ensure_ascii=False),
                    at,
                )
                for k in changed_keys
            ],
        )
        counts.changed = len(changed_keys)
        counts.keys_changed.extend(changed_keys)
    if reseen:
        conn.executemany("UPDATE record SET seen = ? WHERE village = ? AND entity = ? AND key = ?", reseen)
        counts.unchanged += len(reseen)
    return counts


def mark_seen(conn: sqlite3.Connection, *, village: str, entity: str, keys: Sequence[str], seen: str) -> None:
    """Count records as seen without rewriting them (a row that was quarantined keeps its stored version)."""
    conn.executemany(
        "UPDATE record SET seen = ? WHERE village = ? AND entity = ? AND key = ?",
        [(seen, village, entity, key) for key in keys],
    )


def unseen_keys(conn: sqlite3.Connection, *, village: str, entity: str, seen: str) -> list[str]:
    """Keys the current full pass has not seen: the deletions it implies."""
    return [
        key
        for (key,) in conn.execute(
            "SELECT key FROM record WHERE village = ? AND entity = ? AND seen IS NOT ? ORDER BY key",
            (village, entity, seen),
        )
    ]


def replace_present_keys(conn: sqlite3.Connection, *, village: str, entity: str, keys: Iterable[str]) -> None:
    """Remember the ids that exist now at the source; kept until the pull ends, so a kill loses nothing."""
    conn.execute("DELETE FROM present_key WHERE village = ? AND entity = ?", (village, entity))
    conn.executemany(
        "INSERT OR IGNORE INTO present_key (village, entity, key) VALUES (?, ?, ?)",
        ((village, entity, key) for key in keys),
    )


def keys_not_present(conn: sqlite3.Connection, *, village: str, entity: str) -> list[str]:
    """Stored keys absent from the remembered present keys: the deletions a key set implies."""
    return [
        key
        for (key,) in conn.execute(
            "SELECT r.key FROM record r WHERE r.village = ? AND r.entity = ? AND NOT EXISTS "
            "(SELECT 1 FROM present_key p WHERE p.village = r.village AND p.entity = r.entity AND p.key = r.key) "
            "ORDER BY r.key",
            (village, entity),
        )
    ]


def clear_present_keys(conn: sqlite3.Connection, *, village: str) -> None:
    conn.execute("DELETE FROM present_key WHERE village = ?", (village,))


def delete_keys(
    conn: sqlite3.Connection, *, run_id: int, village: str, entity: str, keys: Sequence[str], at: str
) -> int:
    """Delete records, keeping each one's last data in its history row so nothing is lost."""
    deleted = 0
    for chunk in _chunks(list(keys)):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT key, data FROM record WHERE village = ? AND entity = ? AND key IN ({marks})",
            (village, entity, *chunk),
        ).fetchall()
        conn.executemany(
            "INSERT INTO change (run_id, village, entity, key, kind, diff, at) VALUES (?, ?, ?, ?, 'deleted', ?, ?)",
            [(run_id, village, entity, key, data, at) for key, data in rows],
        )
        conn.execute(
            f"DELETE FROM record WHERE village = ? AND entity = ? AND key IN ({marks})", (village, entity, *chunk)
        )
        deleted += len(rows)
    return deleted


def count(conn: sqlite3.Connection, *, village: str, entity: str) -> int:
    (total,) = conn.execute(
        "SELECT count(*) FROM record WHERE village = ? AND entity = ?", (village, entity)
    ).fetchone()
    return int(total)
