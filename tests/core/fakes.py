"""An in-memory source for engine tests: behaves like a real adapter, knows nothing of the store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sid_connector.models import Desa
from sid_connector.sources import Batch, Check, KeySet, RawRow, ReadStats, Snapshot, SnapshotEnd, VillageRef


class MemorySource:
    """Full passes over ``rows`` (entity → list of dicts with an ``id``), ``batch_size`` rows per batch.

    ``mode="snapshot"`` sends Snapshot/SnapshotEnd; ``mode="keyset"`` sends every row then a KeySet.
    ``fail_after`` raises after that many batches, to imitate a crash mid-pull.
    """

    name = "memory"

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = options["rows"]
        self.kode_desa = options.get("kode_desa", "3301022001")
        self.batch_size = options.get("batch_size", 2)
        self.mode = options.get("mode", "snapshot")
        self.generation = options.get("generation", "g1")
        self.fail_after: int | None = options.get("fail_after")
        self.batches = 0

    def villages(self) -> Sequence[VillageRef]:
        return [VillageRef(self.kode_desa, "Menganti")]

    def identity(self, village: VillageRef) -> Desa:
        return Desa(kode_desa=village.kode_desa, nama_desa="Menganti")

    def pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[Any]:
        yield ReadStats({"rows": sum(len(rows) for rows in self.rows.values())})
        position = dict(state) if state.get("generation") == self.generation else {}
        for entity, rows in self.rows.items():
            done = position.get(entity, -1)
            if self.mode == "snapshot":
                yield Snapshot(entity, self.generation, expected=len(rows))
            for start in range(0, len(rows), self.batch_size):
                if start < done:
                    continue
                chunk = rows[start : start + self.batch_size]
                self.batches += 1
                if self.fail_after is not None and self.batches > self.fail_after:
                    raise RuntimeError("simulated crash")
                position.update({"generation": self.generation, entity: start + len(chunk)})
                yield Batch(entity, [RawRow(str(row["id"]), f"id {row['id']}", row) for row in chunk], dict(position))
            position.pop(entity, None)  # the pass is complete: the next pull starts it afresh
            if self.mode == "snapshot":
                yield SnapshotEnd(entity, cursor=dict(position))
            else:
                yield KeySet(entity, [str(row["id"]) for row in rows], cursor=dict(position))

    def check(self) -> Sequence[Check]:
        return [Check("memory", True, "ok")]

    def close(self) -> None:
        pass


def residents(count: int, **overrides: Any) -> list[dict[str, Any]]:
    return [
        {"id": i, "nama": f"WARGA {i}", "nik": f"33010215079{i:05d}", "sex": 1, "status_dasar": 1, **overrides}
        for i in range(1, count + 1)
    ]
