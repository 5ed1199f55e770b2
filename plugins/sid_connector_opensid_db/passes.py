"""The read passes of one pull, each driven by (and advancing) the source's cursor.

The cursor is one JSON dict for the whole village; every event carries a full copy, because the engine
commits it with that event's rows and hands back only the latest one. Per entity it holds the *committed*
position and, while a pass runs, a ``pass`` entry: a new watermark becomes effective only when the pass
that read from it has ended, so a kill anywhere resumes without skipping a change.
"""

from __future__ import annotations

import copy
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sid_connector.sources import Batch, JSONDict, KeySet, PullEvent, Snapshot, SnapshotEnd
from sid_connector_opensid_db import watermark
from sid_connector_opensid_db.driver import Database
from sid_connector_opensid_db.queries import EntityQuery, build
from sid_connector_opensid_db.rows import split


@dataclass(slots=True)
class PullContext:
    """What every pass of one pull shares: the session, the village, the DB clock and the cursor."""

    db: Database
    config_id: int
    now: str
    batch_size: int
    overlap_seconds: int
    full_refresh_hours: float
    state: JSONDict
    stats: Counter[str] = field(default_factory=Counter)
    hints: list[tuple[int | None, str]] = field(default_factory=list)

    def cursor(self) -> JSONDict:
        """A copy of the whole cursor as it stands, to travel with one event."""
        return copy.deepcopy(self.state)

    def entity_state(self, entity: str) -> JSONDict:
        value = self.state.get(entity)
        if not isinstance(value, dict):
            value = {}
            self.state[entity] = value
        return value

    def pages(
        self, query: EntityQuery, after: int, extra: str = "", params: tuple[Any, ...] = ()
    ) -> Iterator[list[dict[str, Any]]]:
        """Keyset pages (``id > last``) so memory stays flat however large the table is."""
        last = after
        while True:
            rows = self.db.query(query.page(extra), (self.config_id, *params, last, self.batch_size))
            self.stats["queries"] += 1
            if not rows:
                return
            self.stats[query.entity] += len(rows)
            yield rows
            last = int(rows[-1]["id"])
            if len(rows) < self.batch_size:
                return

    def ids(self, query: EntityQuery) -> list[str]:
        keys = [str(value) for value in self.db.column(query.ids(), (self.config_id,))]
        self.stats["queries"] += 1
        self.stats[f"{query.entity}_ids"] += len(keys)
        return keys


def snapshot_pass(ctx: PullContext, entity: str) -> Iterator[PullEvent]:
    """Read every row of a small table as one Snapshot pass; a killed pass resumes its generation."""
    query = build(ctx.db, entity)
    state = ctx.entity_state(entity)
    running = state.get("pass")
    if not isinstance(running, dict):
        running = {"generation": uuid.uuid4().hex, "last_id": 0}
        state["pass"] = running
    expected = int(ctx.db.scalar(query.count(), (ctx.config_id,)) or 0)
    ctx.stats["queries"] += 1
    yield Snapshot(entity=entity, generation=str(running["generation"]), expected=expected)
    for rows in ctx.pages(query, int(running["last_id"])):
        good, bad = split(entity, rows)
        running["last_id"] = int(rows[-1]["id"])
        yield Batch(entity=entity, rows=good, cursor=ctx.cursor(), rejected=bad)
    state.pop("pass", None)
    yield SnapshotEnd(entity=entity, cursor=ctx.cursor())


def penduduk_pass(ctx: PullContext) -> Iterator[PullEvent]:
    """Residents changed since the watermark (all on the first pull), then the id list for deletions.

    Cursor ``{"watermark", "last_full", "pass": {"watermark", "since", "last_id"}}``: ``pass.watermark`` is
    this pass's ``NOW()`` and replaces ``watermark`` only in the KeySet's cursor, after every row was read.
    """
    entity = "penduduk"
    query = build(ctx.db, entity)
    state = ctx.entity_state(entity)
    running = state.get("pass")
    if not isinstance(running, dict):
        full = state.get("watermark") is None or (
            watermark.hours_between(state.get("last_full"), ctx.now) >= ctx.full_refresh_hours
        )
        lower = None if full else watermark.since(state.get("watermark"), ctx.overlap_seconds)
        running = {"watermark": ctx.now, "since": lower, "last_id": 0}
        state["pass"] = running
    lower = running.get("since")
    extra, params = (" AND t.updated_at >= %s", (lower,)) if lower else ("", ())
    for rows in ctx.pages(query, int(running["last_id"]), extra, params):
        good, bad = split(entity, rows)
        running["last_id"] = int(rows[-1]["id"])
        yield Batch(entity=entity, rows=good, cursor=ctx.cursor(), rejected=bad)
    keys = ctx.ids(query)
    ctx.hints = deletion_hints(ctx)
    state["watermark"] = running["watermark"]
    if not lower:
        state["last_full"] = running["watermark"]
    state.pop("pass", None)
    yield KeySet(entity=entity, keys=keys, cursor=ctx.cursor())


def deletion_hints(ctx: PullContext) -> list[tuple[int | None, str]]:
    """``log_hapus_penduduk`` rows as (id_pend, 16-digit NIK): a hint only, the KeySet is what counts.

    In v2410 the FK cascade erases these rows with the resident (OPENSID_DB.md §9), so this is usually
    empty; ``nik`` is ``decimal(16,0)`` there, so a temporary NIK's leading zero is restored.
    """
    rows = ctx.db.query(
        "SELECT id_pend, nik FROM log_hapus_penduduk WHERE config_id = %s ORDER BY id", (ctx.config_id,)
    )
    ctx.stats["queries"] += 1
    ctx.stats["penduduk_hapus_hint"] += len(rows)
    return [(row["id_pend"], f"{int(row['nik']):016d}") for row in rows if row["nik"] is not None]


def peristiwa_pass(ctx: PullContext) -> Iterator[PullEvent]:
    """Events: new ones by ``id > last_id``, edited ones by ``updated_at`` since the watermark.

    Cursor ``{"last_id", "watermark", "pass": {"watermark", "since", "base_id", "after"}}``.
    """
    entity = "peristiwa"
    query = build(ctx.db, entity)
    state = ctx.entity_state(entity)
    running = state.get("pass")
    if not isinstance(running, dict):
        running = {
            "watermark": ctx.now,
            "since": watermark.since(state.get("watermark"), ctx.overlap_seconds),
            "base_id": int(state.get("last_id") or 0),
            "after": 0,
        }
        state["pass"] = running
    lower = running.get("since")
    if lower:
        extra, params = " AND (t.id > %s OR t.updated_at >= %s)", (running["base_id"], lower)
    else:
        extra, params = "", ()
    for rows in ctx.pages(query, int(running["after"]), extra, params):
        good, bad = split(entity, rows)
        running["after"] = int(rows[-1]["id"])
        yield Batch(entity=entity, rows=good, cursor=ctx.cursor(), rejected=bad)
    keys = ctx.ids(query)
    state["last_id"] = max(int(running["base_id"]), int(running["after"]))
    state["watermark"] = running["watermark"]
    state.pop("pass", None)
    yield KeySet(entity=entity, keys=keys, cursor=ctx.cursor())


def peristiwa_keluarga_pass(ctx: PullContext) -> Iterator[PullEvent]:
    """Family events have no timestamp: read ``id > last_id``; the id itself is a safe resume point."""
    entity = "peristiwa_keluarga"
    query = build(ctx.db, entity)
    state = ctx.entity_state(entity)
    for rows in ctx.pages(query, int(state.get("last_id") or 0)):
        good, bad = split(entity, rows)
        state["last_id"] = int(rows[-1]["id"])
        yield Batch(entity=entity, rows=good, cursor=ctx.cursor(), rejected=bad)
    yield KeySet(entity=entity, keys=ctx.ids(query), cursor=ctx.cursor())
