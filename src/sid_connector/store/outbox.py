"""The outbox: pushes and notifications wait here until their channel or sink takes them.

An item is written in the same transaction as the change that caused it, and is unique per (channel,
dedup key), so a rerun after a crash never queues it twice. Delivery marks it sent only after the other side
accepted it; a failure schedules the next attempt with exponential backoff, or gives up when retrying
cannot help.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from dataclasses import dataclass
from typing import Any

MAX_ATTEMPTS = 12
BASE_DELAY = 30.0  # seconds before the first retry
MAX_DELAY = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    channel: str
    dedup_key: str
    payload: dict[str, Any]
    attempts: int


def _parse(at: str) -> dt.datetime:
    return dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _format(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def enqueue(
    conn: sqlite3.Connection, *, channel: str, dedup_key: str, payload: dict[str, Any], run_id: int | None, at: str
) -> bool:
    """Queue an item; ``False`` when one with the same dedup key already exists (sent or not)."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO outbox (channel, dedup_key, payload, created_run, created_at, next_attempt) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (channel, dedup_key, json.dumps(payload, ensure_ascii=False, default=str), run_id, at, at),
    )
    return cursor.rowcount == 1


def due(conn: sqlite3.Connection, channel: str, at: str, limit: int = 100) -> list[OutboxItem]:
    """Pending items of a channel whose next attempt is due, oldest first."""
    rows = conn.execute(
        "SELECT id, channel, dedup_key, payload, attempts FROM outbox "
        "WHERE channel = ? AND status = 'pending' AND (next_attempt IS NULL OR next_attempt <= ?) "
        "ORDER BY id LIMIT ?",
        (channel, at, limit),
    ).fetchall()
    return [OutboxItem(i, c, k, json.loads(p), a) for i, c, k, p, a in rows]


def mark_sent(conn: sqlite3.Connection, item_id: int, at: str) -> None:
    conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
        (at, item_id),
    )


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> float:
    """Full-jitter exponential backoff: spreads retries of many villages over time."""
    ceiling = min(MAX_DELAY, BASE_DELAY * 2 ** max(0, attempts - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


def mark_failed(conn: sqlite3.Connection, item_id: int, *, at: str, error: str, retryable: bool, attempts: int) -> str:
    """Record a failed attempt; returns the new status (``pending`` to retry later, or ``failed``)."""
    tries = attempts + 1
    give_up = not retryable or tries >= MAX_ATTEMPTS
    status = "failed" if give_up else "pending"
    next_attempt = None if give_up else _format(_parse(at) + dt.timedelta(seconds=backoff_seconds(tries)))
    conn.execute(
        "UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt = ? WHERE id = ?",
        (status, tries, error[:500], next_attempt, item_id),
    )
    return status


def counts(conn: sqlite3.Connection, channel_prefix: str = "") -> dict[str, dict[str, int]]:
    """channel → {pending, sent, failed}."""
    result: dict[str, dict[str, int]] = {}
    for channel, status, total in conn.execute(
        "SELECT channel, status, count(*) FROM outbox WHERE channel LIKE ? GROUP BY channel, status",
        (channel_prefix + "%",),
    ):
        result.setdefault(channel, {"pending": 0, "sent": 0, "failed": 0})[status] = total
    return result


def defer(conn: sqlite3.Connection, item_id: int, *, at: str, error: str) -> None:
    """A failed attempt that the *next run* should repeat (a sink keeps its order: nothing is skipped)."""
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ?",
        (error[:500], at, item_id),
    )


def pending(conn: sqlite3.Connection, channel: str, limit: int = 1_000_000) -> list[OutboxItem]:
    """Every pending item of a channel in order, due or not (a sink sends in order, whenever it runs)."""
    rows = conn.execute(
        "SELECT id, channel, dedup_key, payload, attempts FROM outbox "
        "WHERE channel = ? AND status = 'pending' ORDER BY id LIMIT ?",
        (channel, limit),
    ).fetchall()
    return [OutboxItem(i, c, k, json.loads(p), a) for i, c, k, p, a in rows]
