"""Example plugin: residents from a CSV file, as a third party would write a sid-connector source."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sid_connector import SourcePlugin, hookimpl
from sid_connector.models import Desa
from sid_connector.sources import Batch, Check, RawRow, ReadStats, Snapshot, SnapshotEnd, SourceError, VillageRef

BATCH = 500


class CsvSource:
    """Every pull is a full pass over the file; the engine deletes residents missing from it."""

    name = "example-csv"

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.path = Path(options["path"])
        self.kode_desa = str(options["kode_desa"])

    def villages(self) -> Sequence[VillageRef]:
        return [VillageRef(self.kode_desa)]

    def identity(self, village: VillageRef) -> Desa:
        return Desa(kode_desa=village.kode_desa)

    def pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[Any]:
        if not self.path.exists():
            raise SourceError(f"Berkas {self.path} tidak ditemukan.")
        generation = hashlib.sha256(self.path.read_bytes()).hexdigest()
        yield Snapshot("penduduk", generation)
        rows: list[RawRow] = []
        count = 0
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                rows.append(RawRow(key=row["id"], ref=f"baris {line}", data=row))
                count += 1
                if len(rows) == BATCH:
                    yield Batch("penduduk", rows)
                    rows = []
        if rows:
            yield Batch("penduduk", rows)
        yield SnapshotEnd("penduduk")
        yield ReadStats({"penduduk": count})

    def check(self) -> Sequence[Check]:
        return [Check("csv", self.path.exists(), f"{self.path}")]

    def close(self) -> None:
        pass


@hookimpl
def sid_connector_sources() -> list[SourcePlugin]:
    return [SourcePlugin(name="example-csv", factory=CsvSource, description="Residents from a CSV file")]
