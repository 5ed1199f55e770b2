"""A tiny stand-in for the engine: applies pull events and commits cursors the way the store does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sid_connector.sources import Batch, KeySet, ReadStats, Snapshot, SnapshotEnd, VillageRef


class Killed(Exception):
    """Raised to stop a pull after N committed batches, as a SIGKILL would."""


@dataclass
class Applier:
    store: dict[str, dict[str, Mapping[str, Any]]] = field(default_factory=dict)
    cursor: dict[str, Any] = field(default_factory=dict)
    generations: dict[str, str] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    rejected: list[Any] = field(default_factory=list)
    read: dict[str, list[str]] = field(default_factory=dict)

    def entity(self, name: str) -> dict[str, Mapping[str, Any]]:
        return self.store.setdefault(name, {})

    def run(self, source: Any, village: VillageRef, *, kill_after_batches: int | None = None) -> Applier:
        self.read = {}
        self.stats = {}
        batches = 0
        events = source.pull(village, dict(self.cursor))
        try:
            for event in events:
                if isinstance(event, Snapshot):
                    if self.generations.get(event.entity) != event.generation:
                        self.generations[event.entity] = event.generation
                        self.seen[event.entity] = set()
                elif isinstance(event, Batch):
                    rows = self.entity(event.entity)
                    for row in event.rows:
                        rows[row.key] = dict(row.data)
                        self.seen.setdefault(event.entity, set()).add(row.key)
                        self.read.setdefault(event.entity, []).append(row.key)
                    self.rejected.extend(event.rejected)
                    if event.cursor is not None:
                        self.cursor = event.cursor
                    batches += 1
                    if kill_after_batches is not None and batches >= kill_after_batches:
                        raise Killed
                elif isinstance(event, SnapshotEnd):
                    rows = self.entity(event.entity)
                    for key in set(rows) - self.seen.pop(event.entity, set()):
                        del rows[key]
                    self.generations.pop(event.entity, None)
                    if event.cursor is not None:
                        self.cursor = event.cursor
                elif isinstance(event, KeySet):
                    rows = self.entity(event.entity)
                    for key in set(rows) - set(event.keys):
                        del rows[key]
                    if event.cursor is not None:
                        self.cursor = event.cursor
                elif isinstance(event, ReadStats):
                    self.stats = dict(event.counts)
        finally:
            events.close()
        return self
