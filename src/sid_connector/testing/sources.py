"""Conformance checks for source adapters: the contract of ``sid_connector.sources`` as executable checks.

The checks drive the real engine into throw-away stores, so they test what matters to an operator: a second
pull of unchanged data changes nothing, and a pull that crashes mid-way and is run again ends exactly as a
clean pull.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sid_connector.models import ENTITY_MODELS, Desa
from sid_connector.sources import Batch, KeySet, ReadStats, Snapshot, SnapshotEnd, Source, VillageRef
from sid_connector.store import Store
from sid_connector.sync.engine import VillagePull

SourceFactory = Callable[[], Source]
EVENT_TYPES = (Batch, Snapshot, SnapshotEnd, KeySet, ReadStats)


class _Crash(Exception):
    """Raised inside a pull to imitate a process killed between two batches."""


def check_identity(factory: SourceFactory) -> list[str]:
    problems: list[str] = []
    source = factory()
    try:
        villages = list(source.villages())
        if not villages:
            problems.append("villages() returned no village")
        for village in villages:
            if not (isinstance(village, VillageRef) and village.kode_desa.isdigit() and len(village.kode_desa) == 10):
                problems.append(f"villages() returned {village!r}: kode_desa must be 10 digits")
                continue
            desa = source.identity(village)
            if not isinstance(desa, Desa):
                problems.append(f"identity() returned {type(desa).__name__}, not Desa")
        for check in source.check():
            if not hasattr(check, "ok") or not hasattr(check, "message"):
                problems.append(f"check() returned {check!r}, not a Check")
    finally:
        source.close()
    return problems


def check_events(factory: SourceFactory) -> list[str]:
    """The event stream is well formed: known types and entities, unique keys, passes opened before closed."""
    problems: list[str] = []
    source = factory()
    try:
        for village in source.villages():
            open_passes: set[str] = set()
            keys: dict[str, set[str]] = {}
            for event in source.pull(village, {}):
                if not isinstance(event, EVENT_TYPES):
                    problems.append(f"pull() yielded {type(event).__name__}, not a pull event")
                    continue
                entity = getattr(event, "entity", None)
                if entity is not None and entity not in ENTITY_MODELS:
                    problems.append(f"unknown entity {entity!r}")
                if isinstance(event, Snapshot):
                    open_passes.add(event.entity)
                elif isinstance(event, SnapshotEnd):
                    if event.entity not in open_passes:
                        problems.append(f"SnapshotEnd({event.entity}) without a Snapshot")
                    open_passes.discard(event.entity)
                elif isinstance(event, Batch):
                    seen = keys.setdefault(event.entity, set())
                    for row in event.rows:
                        if not isinstance(row.key, str) or not row.key:
                            problems.append(f"{event.entity}: a row without a string key ({row.ref})")
                        elif row.key in seen:
                            problems.append(f"{event.entity}: key {row.key!r} sent twice in one pull")
                        seen.add(row.key)
            for entity in open_passes:
                problems.append(f"Snapshot({entity}) never ended")
    finally:
        source.close()
    return problems


def _pull(store: Store, source: Source, name: str) -> dict[str, Any]:
    totals: dict[str, Any] = {}
    for village in source.villages():
        run_id = store.start_run("conformance")
        result = VillagePull(store, source, name, village, run_id).run()
        store.finish_run(run_id, "ok", {})
        totals[village.kode_desa] = result.changes
    return totals


def _records(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT village, entity, key, hash FROM record ORDER BY 1, 2, 3").fetchall()
    finally:
        conn.close()


def check_noop_repull(factory: SourceFactory, workdir: Path) -> list[str]:
    """Pulling unchanged data a second time must change nothing."""
    with Store.open(workdir / "noop.db") as store:
        source = factory()
        try:
            _pull(store, source, "conformance")
            again = _pull(store, source, "conformance")
        finally:
            source.close()
    changed = {code: changes for code, changes in again.items() if changes}
    return [f"a second pull of unchanged data reported changes: {changed}"] if changed else []


class _CrashingSource:
    """Wraps a source; its pull raises after ``batches`` batches, like a process killed at that point."""

    def __init__(self, inner: Source, batches: int) -> None:
        self.inner, self.left = inner, batches
        self.name = getattr(inner, "name", "conformance")

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)

    def pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[Any]:
        for event in self.inner.pull(village, state):
            if isinstance(event, Batch):
                if self.left == 0:
                    raise _Crash
                self.left -= 1
            yield event


def check_resume_after_crash(
    factory: SourceFactory, workdir: Path, crash_points: tuple[int, ...] = (0, 1, 2)
) -> list[str]:
    """A pull that dies after N batches, then runs again, must store exactly what one clean pull stores."""
    with Store.open(workdir / "clean.db") as store:
        source = factory()
        try:
            _pull(store, source, "conformance")
        finally:
            source.close()
    expected = _records(workdir / "clean.db")
    problems = []
    for point in crash_points:
        path = workdir / f"crash-{point}.db"
        with Store.open(path) as store:
            source = factory()
            try:
                with contextlib.suppress(_Crash):
                    _pull(store, _CrashingSource(source, point), "conformance")  # type: ignore[arg-type]
                _pull(store, source, "conformance")
            finally:
                source.close()
        if _records(path) != expected:
            problems.append(f"after a crash at batch {point} and a rerun, the store differs from a clean pull")
    return problems


def source_problems(factory: SourceFactory, workdir: Path) -> list[str]:
    """Every check; an empty list means the source conforms."""
    workdir.mkdir(parents=True, exist_ok=True)
    return [
        *check_identity(factory),
        *check_events(factory),
        *check_noop_repull(factory, workdir),
        *check_resume_after_crash(factory, workdir),
    ]


def assert_source_conforms(factory: SourceFactory, workdir: Path) -> None:
    problems = source_problems(factory, workdir)
    assert not problems, "source does not conform:\n- " + "\n- ".join(problems)
