"""Pull one village from a source into the store, batch by batch, each batch committed with its cursor.

The order of writes inside each transaction is the whole crash-safety argument: records, their history,
quarantined rows and the cursor that follows them commit together. Killed anywhere, the next pull continues
from the last committed cursor, and full passes keep their generation mark, so the result equals one clean
pull.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sid_connector.sources import (
    Batch,
    KeySet,
    ReadStats,
    Rejected,
    Snapshot,
    SnapshotEnd,
    Source,
    VillageRef,
)
from sid_connector.store import Store, now
from sid_connector.store import records as rec
from sid_connector.sync import state as st
from sid_connector.sync.validate import content_hash, validate_rows

ProgressCallback = Callable[[str, int, int | None], None]
"""(entity, rows just processed, expected rows of the pass or None) — for progress bars."""


class MassDeletionBlockedError(RuntimeError):
    """More than the allowed share of a village's records would be deleted in one pull."""

    def __init__(self, village: str, entity: str, would_delete: int, total: int, threshold: float) -> None:
        super().__init__(f"{village}/{entity}: {would_delete} of {total} would be deleted")
        self.village = village
        self.entity = entity
        self.would_delete = would_delete
        self.total = total
        self.threshold = threshold


@dataclass(frozen=True, slots=True)
class DeletionPolicy:
    """The mass-deletion guard: a wrong config_id, an emptied table or a restore must not wipe the store."""

    threshold: float = 0.2
    minimum: int = 5
    allow_mass_delete: bool = False

    def check(self, village: str, entity: str, would_delete: int, total: int) -> None:
        if self.allow_mass_delete or would_delete < self.minimum or total == 0:
            return
        if would_delete / total > self.threshold:
            raise MassDeletionBlockedError(village, entity, would_delete, total, self.threshold)


@dataclass(slots=True)
class PullResult:
    village: str
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    read: dict[str, int] = field(default_factory=dict)
    resumed: bool = False


def _quarantine_rows(rejected: list[Rejected]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    return [(r.entity, r.ref, r.field, r.reason, dict(r.data)) for r in rejected]


class VillagePull:
    """One pull of one village. Create, then :meth:`run`."""

    def __init__(
        self,
        store: Store,
        source: Source,
        source_name: str,
        village: VillageRef,
        run_id: int,
        *,
        deletion: DeletionPolicy | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.source_name = source_name
        self.village = village
        self.code = village.kode_desa
        self.run_id = run_id
        self.deletion = deletion or DeletionPolicy()
        self.progress = progress or (lambda entity, done, expected: None)
        self.state: dict[str, Any] = {}

    # Each handler writes in one transaction and commits the state that follows it.
    def _commit(self, write: Callable[[Any], None]) -> None:
        with self.store.transaction() as conn:
            write(conn)
            Store.put_state(conn, self.source_name, self.code, self.state, self.run_id)

    def _store_identity(self) -> None:
        desa = self.source.identity(self.village)
        canonical = desa.model_dump_json()
        item = rec.StoredItem(self.code, content_hash(canonical), canonical)

        def write(conn: Any) -> None:
            rec.apply_items(
                conn, run_id=self.run_id, village=self.code, entity="desa", items=[item], seen=None, at=now()
            )

        self._commit(write)

    def _on_batch(self, batch: Batch) -> None:
        validated = validate_rows(batch.entity, batch.rows)
        rejected = [*batch.rejected, *validated.rejected]
        generation = st.snapshot_generation(self.state, batch.entity)
        self.state = st.with_cursor(self.state, batch.cursor)

        def write(conn: Any) -> None:
            rec.apply_items(
                conn,
                run_id=self.run_id,
                village=self.code,
                entity=batch.entity,
                items=validated.items,
                seen=generation,
                at=now(),
            )
            kept = [r.key for r in rejected if r.key is not None]
            if generation is not None and kept:
                # A row we could not read this time keeps its stored version: quarantine never deletes.
                rec.mark_seen(conn, village=self.code, entity=batch.entity, keys=kept, seen=generation)
            if rejected:
                Store.add_quarantine(conn, self.run_id, self.code, _quarantine_rows(rejected))

        self._commit(write)
        self.progress(batch.entity, len(batch.rows), None)

    def _on_snapshot_end(self, event: SnapshotEnd) -> None:
        if st.snapshot_generation(self.state, event.entity) is None:
            return
        self.state = st.with_cursor(st.complete_snapshot(self.state, event.entity), event.cursor)
        self._commit(lambda conn: None)

    def _on_keyset(self, event: KeySet) -> None:
        self.state = st.with_cursor(st.record_keyset(self.state, event.entity), event.cursor)
        self._commit(
            lambda conn: rec.replace_present_keys(conn, village=self.code, entity=event.entity, keys=event.keys)
        )

    def _finish(self) -> None:
        """Apply every deletion the pull implies — all of them or, when the guard objects, none."""
        complete, keysets = st.pending_deletions(self.state)
        conn = self.store.conn
        deletions: dict[str, list[str]] = {}
        for entity, generation in complete.items():
            deletions[entity] = rec.unseen_keys(conn, village=self.code, entity=entity, seen=generation)
        for entity in keysets:
            missing = rec.keys_not_present(conn, village=self.code, entity=entity)
            deletions[entity] = sorted({*deletions.get(entity, []), *missing})
        for entity, keys in deletions.items():
            self.deletion.check(self.code, entity, len(keys), rec.count(conn, village=self.code, entity=entity))
        self.state = st.finish(self.state)

        def write(conn: Any) -> None:
            for entity, keys in deletions.items():
                rec.delete_keys(conn, run_id=self.run_id, village=self.code, entity=entity, keys=keys, at=now())
            rec.clear_present_keys(conn, village=self.code)

        self._commit(write)

    def run(self) -> PullResult:
        self.state = self.store.get_state(self.source_name, self.code)
        resumed = st.in_progress(self.state)
        self.state = st.begin(
            self.state,
            since_change=self.store.last_change_id(),
            since_quarantine=self._last_quarantine_id(),
            run_id=self.run_id,
        )
        self._store_identity()
        for event in self.source.pull(self.village, st.cursor(self.state)):
            if isinstance(event, Batch):
                self._on_batch(event)
            elif isinstance(event, Snapshot):
                self.state = st.open_snapshot(self.state, event.entity, st.pass_mark(self.state, event.generation))
                self._commit(lambda conn: None)
                self.progress(event.entity, 0, event.expected)
            elif isinstance(event, SnapshotEnd):
                self._on_snapshot_end(event)
            elif isinstance(event, KeySet):
                self._on_keyset(event)
            elif isinstance(event, ReadStats):
                self.state = st.add_read(self.state, event.counts)
                self._commit(lambda conn: None)
        self._finish()
        return self.result(resumed)

    def _last_quarantine_id(self) -> int:
        (value,) = self.store.conn.execute("SELECT coalesce(max(id), 0) FROM quarantine").fetchone()
        return int(value)

    def result(self, resumed: bool = False) -> PullResult:
        pull = st.pull_state(self.state)
        since_quarantine = int(pull.get("since_quarantine", 0))
        quarantined = [
            {"entity": e, "ref": r, "field": f, "reason": why}
            for e, r, f, why in self.store.conn.execute(
                "SELECT entity, ref, field, reason FROM quarantine WHERE village = ? AND id > ? ORDER BY id",
                (self.code, since_quarantine),
            )
        ]
        return PullResult(
            village=self.code,
            changes=self.store.change_counts(self.code, int(pull.get("since_change", 0))),
            quarantined=quarantined,
            read=dict(pull.get("read", {})),
            resumed=resumed,
        )
