"""The read passes of one pull, each driven by (and advancing) the source's cursor.

The cursor is one JSON dict for the whole village; every event carries a full copy, because the engine
commits it with that event's rows and hands back only the latest one. Per entity it holds the *committed*
position and, while a pass runs, a ``pass`` entry: a new watermark becomes effective only when the pass
that read from it has ended, so a kill anywhere resumes without skipping a change.

Each KeySet's cursor also keeps the facts of its id list (``keys``: count, sum, max id; see
``watermark.id_facts``), so a later pass that can prove nothing was deleted ends with an empty Batch that
commits its cursor instead of reading the whole id list again.
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

    def ids(self, query: EntityQuery) -> tuple[list[str], JSONDict]:
        """Every id of the village as keys, with the facts that later stand in for the list."""
        values = [int(value) for value in self.db.column(query.ids(), (self.config_id,))]
        self.stats["queries"] += 1
        self.stats[f"{query.entity}_ids"] += len(values)
        return [str(value) for value in values], watermark.id_facts(values, self.now)


def close_keys(
    ctx: PullContext, query: EntityQuery, state: JSONDict, read_max: int, *, force: bool = False
) -> PullEvent:
    """A pass's last event: its KeySet, or an empty Batch committing the cursor when no deletion is possible.

    ``read_max`` is the largest id the pass read. Call it once the pass's cursor is final: the new facts go
    into ``state`` here, so they are committed with the KeySet that establishes them and never earlier.
    """
    facts = state.get("keys")
    if not force and watermark.covers(facts, read_max, ctx.now, ctx.full_refresh_hours):
        row = ctx.db.query(query.id_facts(), (ctx.config_id, int(facts["max"])))[0]
        ctx.stats["queries"] += 1
        if watermark.unchanged(facts, row["n"], row["s"]):
            ctx.stats[f"{query.entity}_ids_skipped"] += 1
            return Batch(entity=query.entity, rows=[], cursor=ctx.cursor())
    keys, state["keys"] = ctx.ids(query)
    return KeySet(entity=query.entity, keys=keys, cursor=ctx.cursor())


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


BLOCK = 500
"""Ids per digest block of the family pass: a changed family costs one block of rows re-read."""


def keluarga_pass(ctx: PullContext) -> Iterator[PullEvent]:
    """Families whose block digest moved (all on the first pull and each full refresh), then deletions.

    ``tweb_keluarga.updated_at`` has no ON UPDATE (OPENSID_DB.md §8), so a watermark would miss edits. The
    server digests every selected value, the RT fields joined in included, per block of ``BLOCK`` ids; only
    blocks whose digest differs from the one stored are read. Cursor ``{"blocks", "last_full", "keys",
    "pass": {"full", "done", "read_max"}}``: ``pass.done`` holds the digests of the blocks this pass has read
    completely, so a resumed pass re-reads at most the block it was in, and one that changed meanwhile.
    """
    entity = "keluarga"
    query = build(ctx.db, entity)
    state = ctx.entity_state(entity)
    running = state.get("pass")
    if not isinstance(running, dict) or "done" not in running:  # new, or an older version's Snapshot pass
        full = "blocks" not in state or (
            watermark.hours_between(state.get("last_full"), ctx.now) >= ctx.full_refresh_hours
        )
        running = {"full": full, "done": {}, "read_max": 0}
        state["pass"] = running
    current = block_digests(ctx, query)
    known = {} if running["full"] else dict(state.get("blocks") or {})
    known.update(running["done"])
    stale = sorted(int(block) for block, digest in current.items() if known.get(block) != digest)
    ctx.stats[f"{entity}_blocks"] += len(stale)
    for first, last in _consecutive(stale):
        yield from _read_blocks(ctx, query, running, current, first, last)
    state["blocks"] = current
    if running["full"]:
        state["last_full"] = ctx.now
    read_max = int(running["read_max"])
    state.pop("pass", None)
    yield close_keys(ctx, query, state, read_max, force=bool(running["full"]))


def block_digests(ctx: PullContext, query: EntityQuery) -> dict[str, str]:
    """Block number → digest of its rows, as text (JSON keeps 64-bit integers only as strings everywhere)."""
    rows = ctx.db.query(query.digests(BLOCK), (ctx.config_id,))
    ctx.stats["queries"] += 1
    return {str(row["block"]): str(row["digest"]) for row in rows}


def _consecutive(blocks: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted block numbers as (first, last) runs, so adjacent blocks are read in one paged range."""
    start = None
    for index, block in enumerate(blocks):
        if start is None:
            start = block
        if index + 1 == len(blocks) or blocks[index + 1] != block + 1:
            yield start, block
            start = None


def _read_blocks(
    ctx: PullContext, query: EntityQuery, running: JSONDict, current: dict[str, str], first: int, last: int
) -> Iterator[PullEvent]:
    """Read blocks ``first..last``; a block is marked done in the cursor of the page that finishes it."""
    done = running["done"]
    pending = first
    for rows in ctx.pages(query, first * BLOCK - 1, " AND t.id < %s", ((last + 1) * BLOCK,)):
        good, bad = split(query.entity, rows)
        top = int(rows[-1]["id"])
        running["read_max"] = max(int(running["read_max"]), top)
        while pending <= last and (pending + 1) * BLOCK - 1 <= top:
            done[str(pending)] = current[str(pending)]
            pending += 1
        yield Batch(entity=query.entity, rows=good, cursor=ctx.cursor(), rejected=bad)
    for block in range(pending, last + 1):  # no rows left in the range: committed with the next event
        done[str(block)] = current[str(block)]


def penduduk_pass(ctx: PullContext) -> Iterator[PullEvent]:
    """Residents changed since the watermark (all on the first pull), then the id list for deletions.

    Cursor ``{"watermark", "last_full", "keys", "pass": {"watermark", "since", "last_id"}}``: ``pass.watermark``
    is this pass's ``NOW()`` and replaces ``watermark`` only in the cursor of the pass's last event (its KeySet,
    or the empty Batch that stands in for it), after every row was read.
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
    count_deletion_hints(ctx)
    state["watermark"] = running["watermark"]
    if not lower:
        state["last_full"] = running["watermark"]
    state.pop("pass", None)
    yield close_keys(ctx, query, state, int(running["last_id"]), force=not lower)


def count_deletion_hints(ctx: PullContext) -> None:
    """Count ``log_hapus_penduduk`` rows (``penduduk_hapus_hint``): a hint only, the id list is what counts.

    In v2410 the FK cascade erases these rows with the resident (OPENSID_DB.md §9), so this is usually 0.
    """
    count = ctx.db.scalar("SELECT COUNT(*) FROM log_hapus_penduduk WHERE config_id = %s", (ctx.config_id,))
    ctx.stats["queries"] += 1
    ctx.stats["penduduk_hapus_hint"] += int(count or 0)


def peristiwa_pass(ctx: PullContext) -> Iterator[PullEvent]:
    """Events: new ones by ``id > last_id``, edited ones by ``updated_at`` since the watermark.

    Cursor ``{"last_id", "watermark", "keys", "pass": {"watermark", "since", "base_id", "after"}}``.
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
    state["last_id"] = max(int(running["base_id"]), int(running["after"]))
    state["watermark"] = running["watermark"]
    state.pop("pass", None)
    yield close_keys(ctx, query, state, int(running["after"]))


def peristiwa_keluarga_pass(ctx: PullContext) -> Iterator[PullEvent]:
    """Family events have no timestamp: read ``id > last_id``; the id itself is a safe resume point."""
    entity = "peristiwa_keluarga"
    query = build(ctx.db, entity)
    state = ctx.entity_state(entity)
    for rows in ctx.pages(query, int(state.get("last_id") or 0)):
        good, bad = split(entity, rows)
        state["last_id"] = int(rows[-1]["id"])
        yield Batch(entity=entity, rows=good, cursor=ctx.cursor(), rejected=bad)
    # ``last_id`` is the largest id ever read: above the facts' max only when something new was read since.
    yield close_keys(ctx, query, state, int(state.get("last_id") or 0))
