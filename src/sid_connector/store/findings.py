"""Findings remembered across runs: so "new since the last run", "resolved" and trends are known.

A finding is identified by (village, rule, entity, record key). Each rules pass reconciles the current set
with the stored one in one transaction: unseen keys become new, seen ones get their last-seen run, and open
ones not seen any more are resolved. A resolved finding that comes back is opened again as new.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


class FindingLike(Protocol):
    rule_id: str
    severity: Any
    entity: str
    record_key: str
    record_id: int | None
    dusun: str | None
    rw: str | None
    rt: str | None
    message: str
    message_en: str
    hint: str


@dataclass(slots=True)
class Reconciled:
    """Keys (rule, entity, record_key) by what happened to them in this pass."""

    new: list[tuple[str, str, str]] = field(default_factory=list)
    still_open: list[tuple[str, str, str]] = field(default_factory=list)
    resolved: list[tuple[str, str, str]] = field(default_factory=list)


def reconcile(
    conn: sqlite3.Connection, *, village: str, run_id: int, at: str, findings: Iterable[FindingLike]
) -> Reconciled:
    """Store this pass's findings; call inside a transaction."""
    existing = {
        (rule, entity, key): resolved
        for rule, entity, key, resolved in conn.execute(
            "SELECT rule, entity, record_key, resolved_run FROM finding WHERE village = ?", (village,)
        )
    }
    result = Reconciled()
    current: set[tuple[str, str, str]] = set()
    upserts = []
    for item in findings:
        key = (item.rule_id, item.entity, item.record_key)
        if key in current:
            continue
        current.add(key)
        fresh = key not in existing or existing[key] is not None
        (result.new if fresh else result.still_open).append(key)
        upserts.append(
            (
                village,
                *key,
                str(item.severity),
                item.record_id,
                item.dusun,
                item.rw,
                item.rt,
                item.message,
                item.message_en,
                item.hint,
                run_id,
                run_id,
                at,
                at,
                1 if fresh else 0,
            )
        )
    conn.executemany(
        "INSERT INTO finding (village, rule, entity, record_key, severity, record_id, dusun, rw, rt, message, "
        "message_en, hint, first_seen_run, last_seen_run, first_seen_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(village, rule, entity, record_key) DO UPDATE SET "
        "severity = excluded.severity, record_id = excluded.record_id, dusun = excluded.dusun, rw = excluded.rw, "
        "rt = excluded.rt, message = excluded.message, message_en = excluded.message_en, hint = excluded.hint, "
        "last_seen_run = excluded.last_seen_run, last_seen_at = excluded.last_seen_at, "
        "first_seen_run = CASE WHEN finding.resolved_run IS NOT NULL THEN excluded.first_seen_run "
        "ELSE finding.first_seen_run END, "
        "first_seen_at = CASE WHEN finding.resolved_run IS NOT NULL THEN excluded.first_seen_at "
        "ELSE finding.first_seen_at END, "
        "resolved_run = NULL, resolved_at = NULL",
        [row[:-1] for row in upserts],
    )
    resolved = [key for key, resolved_run in existing.items() if resolved_run is None and key not in current]
    conn.executemany(
        "UPDATE finding SET resolved_run = ?, resolved_at = ? "
        "WHERE village = ? AND rule = ? AND entity = ? AND record_key = ?",
        [(run_id, at, village, *key) for key in resolved],
    )
    result.resolved = resolved
    totals = {"ERROR": 0, "WARNING": 0, "INFO": 0}
    for row in upserts:
        totals[row[4]] = totals.get(row[4], 0) + 1
    conn.execute(
        "INSERT OR REPLACE INTO rule_run (run_id, village, at, errors, warnings, infos, new, resolved) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (run_id, village, at, totals["ERROR"], totals["WARNING"], totals["INFO"], len(result.new), len(resolved)),
    )
    return result


def open_findings(conn: sqlite3.Connection, village: str) -> list[dict[str, Any]]:
    """The village's open findings, most severe first, then by area and rule."""
    columns = (
        "rule",
        "severity",
        "entity",
        "record_key",
        "record_id",
        "dusun",
        "rw",
        "rt",
        "message",
        "message_en",
        "hint",
        "first_seen_run",
        "first_seen_at",
        "last_seen_run",
    )
    rows = conn.execute(
        f"SELECT {', '.join(columns)} FROM finding WHERE village = ? AND resolved_run IS NULL "
        "ORDER BY CASE severity WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, "
        "coalesce(dusun, ''), coalesce(rt, ''), rule, record_key",
        (village,),
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def trend(conn: sqlite3.Connection, village: str, limit: int = 10) -> list[dict[str, Any]]:
    """Rule totals of the village's last ``limit`` rules passes, oldest first."""
    rows = conn.execute(
        "SELECT run_id, at, errors, warnings, infos, new, resolved FROM rule_run WHERE village = ? "
        "ORDER BY run_id DESC LIMIT ?",
        (village, limit),
    ).fetchall()
    keys = ("run_id", "at", "errors", "warnings", "infos", "new", "resolved")
    return [dict(zip(keys, row, strict=True)) for row in reversed(rows)]
