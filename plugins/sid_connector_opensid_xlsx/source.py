"""The ``opensid-xlsx`` source: one village's residents from an OpenSID export/import workbook.

A workbook has no ids and no change dates, so every pull is a full snapshot of three entities derived from
its single sheet: ``wilayah`` (distinct dusun/RW/RT), ``keluarga`` (distinct ``no_kk``) and ``penduduk``.

Two passes, bounded memory: the first pass reads every row once and keeps only what is small — the distinct
areas, one short entry per family, and an 8-byte hash per resident key (to find duplicated NIKs) — never the
rows. Areas and families are emitted from that; the second pass streams the residents in batches.

Resumability: every batch carries ``{"generation": <sha256 of the file>, "entity": ..., "row": ...}``; for
``penduduk`` ``row`` is the last sheet row done, for the two small entities the count of items done. A pull
that finds the same generation continues with the entity and row it stopped at (completed entities are not
sent again); a changed file or a completed pull starts over.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from sid_connector.models import Desa, Penduduk
from sid_connector.models.codes import normalise_label
from sid_connector.models.fields import parse_id_number
from sid_connector.privacy import scrub
from sid_connector.source_options import file_generation, kode_desa
from sid_connector.sources import (
    Batch,
    Check,
    JSONDict,
    PullEvent,
    RawRow,
    ReadStats,
    Rejected,
    Snapshot,
    SnapshotEnd,
    SourceError,
    VillageRef,
)
from sid_connector_opensid_xlsx.columns import MAX_CELL
from sid_connector_opensid_xlsx.reader import MAX_RATIO, MAX_TOTAL_BYTES, SheetRow, WorkbookReader
from sid_connector_opensid_xlsx.writer import export_row, export_rows, write_workbook

BATCH_SIZE = 1000
ENTITIES = ("wilayah", "keluarga", "penduduk")
_NIK = re.compile(r"^\d{16}$")
_MASK64 = (1 << 64) - 1


@dataclass(slots=True)
class Family:
    row: int
    no_kk: str
    alamat: str | None
    dusun: str | None
    rw: str | None
    rt: str | None
    from_head: bool


@dataclass(slots=True)
class Scan:
    """What the first pass keeps: small sets, never the rows."""

    rows: int = 0
    areas: dict[tuple[str, str, str], int] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)
    duplicates: set[int] = field(default_factory=set)


def key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") & _MASK64


def base_key(values: Mapping[str, str | None]) -> str:
    """NIK when it is 16 digits; otherwise a stable key from the family number, name and birth date."""
    nik = parse_id_number(values.get("nik"))
    if nik and _NIK.match(nik):
        return nik
    basis = "|".join(str(values.get(name) or "") for name in ("no_kk", "nama", "tanggallahir"))
    return "tanpa-nik:" + hashlib.sha256(basis.encode()).hexdigest()[:12]


def area(values: Mapping[str, str | None]) -> tuple[str, str, str] | None:
    dusun = values.get("dusun")
    if not dusun:
        return None
    return dusun, values.get("rw") or "-", values.get("rt") or "-"


def is_head(values: Mapping[str, str | None]) -> bool:
    level = (values.get("kk_level") or "").strip()
    return level in ("1", "1.0") or normalise_label(level) == "KEPALA KELUARGA"


def describe(error: ValidationError) -> tuple[str, str]:
    """(field, reason in Bahasa Indonesia) of the first error pydantic found."""
    first = error.errors()[0]
    column = str(first["loc"][0]) if first.get("loc") else "baris"
    message = str(first.get("msg", "")).removeprefix("Value error, ")
    return column, scrub(f"kolom {column} tidak dapat dibaca: {message}")


class OpenSIDWorkbookSource:
    """Source adapter over one OpenSID resident workbook (options: ``path``, ``kode_desa``, ``nama_desa``)."""

    name: ClassVar[str] = "opensid-xlsx"

    def __init__(self, options: Mapping[str, Any]) -> None:
        if not options.get("path"):
            raise SourceError("opsi 'path' (lokasi berkas xlsx) wajib diisi")
        kode = kode_desa(options.get("kode_desa") or "")
        self.path = Path(str(options["path"])).expanduser()
        self.kode_desa = kode
        self.nama_desa = options.get("nama_desa") or None
        self.max_total = int(options.get("max_total_mb", MAX_TOTAL_BYTES // 1024 // 1024)) * 1024 * 1024
        self.max_ratio = int(options.get("max_ratio", MAX_RATIO))

    # -- protocol -------------------------------------------------------------------------------------------
    def villages(self) -> Sequence[VillageRef]:
        return [VillageRef(self.kode_desa, self.nama_desa)]

    def identity(self, village: VillageRef) -> Desa:
        return Desa(kode_desa=village.kode_desa, nama_desa=village.nama_desa or self.nama_desa)

    def close(self) -> None:
        """Nothing stays open between passes."""

    def _open(self) -> WorkbookReader:
        return WorkbookReader(self.path, max_total=self.max_total, max_ratio=self.max_ratio)

    def check(self) -> Sequence[Check]:
        checks = [
            Check("berkas", self.path.is_file(), f"berkas {self.path}" + ("" if self.path.is_file() else " tidak ada"))
        ]
        if not self.path.is_file():
            return checks
        try:
            with self._open() as reader:
                checks.append(Check("xlsx", True, f"lembar {reader.sheet.title} terbaca"))
                checks.append(Check("judul kolom", True, f"{sum(1 for c in reader.columns if c)} kolom dikenali"))
                count = sum(1 for _ in reader.rows())
        except SourceError as exc:
            checks.append(Check("xlsx", False, str(exc)))
            return checks
        checks.append(Check("jumlah baris", count > 0, f"{count} baris penduduk", warning=count == 0))
        return checks

    # -- pull -----------------------------------------------------------------------------------------------
    def pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[PullEvent]:
        if village.kode_desa != self.kode_desa:
            raise SourceError(f"berkas ini dikonfigurasi untuk desa {self.kode_desa}, bukan {village.kode_desa}")
        generation = file_generation(self.path)
        resume = state.get("generation") == generation and not state.get("complete")
        start_entity = state.get("entity") if resume and state.get("entity") in ENTITIES else ENTITIES[0]
        start_row = int(state.get("row") or 0) if resume else 0
        scan = self._scan()  # raises SourceError (missing, not xlsx, bad header) before any event
        yield ReadStats(counts={"baris": scan.rows, "wilayah": len(self._areas(scan)), "keluarga": len(scan.families)})
        for index, entity in enumerate(ENTITIES):
            if index < ENTITIES.index(start_entity):
                continue
            skip = start_row if entity == start_entity else 0
            expected = {"wilayah": len(self._areas(scan)), "keluarga": len(scan.families), "penduduk": scan.rows}
            yield Snapshot(entity, generation, expected=expected[entity])
            if entity == "penduduk":
                yield from self._penduduk(scan, generation, skip)
            else:
                items = self._areas(scan) if entity == "wilayah" else self._keluarga(scan)
                yield from self._small(entity, items, generation, skip)
            following = ENTITIES[index + 1] if index + 1 < len(ENTITIES) else None
            end = {"generation": generation, "entity": following, "row": 0} if following else None
            yield SnapshotEnd(entity, cursor=end or {"generation": generation, "complete": True})

    def _scan(self) -> Scan:
        scan = Scan()
        keys = array("Q")
        with self._open() as reader:
            for row in reader.rows():
                scan.rows += 1
                keys.append(key_hash(base_key(row.values)))
                if row.too_long:
                    continue
                where = area(row.values)
                if where is not None:
                    scan.areas.setdefault(where, row.number)
                no_kk = parse_id_number(row.values.get("no_kk"))
                if no_kk:
                    known = scan.families.get(no_kk)
                    head = is_head(row.values)
                    if known is None or (head and not known.from_head):
                        dusun, rw, rt = where or (None, None, None)
                        alamat = row.values.get("alamat")
                        scan.families[no_kk] = Family(row.number, no_kk, alamat, dusun, rw, rt, head)
        ordered = sorted(keys)
        scan.duplicates = {a for a, b in itertools.pairwise(ordered) if a == b}
        return scan

    @staticmethod
    def _areas(scan: Scan) -> list[RawRow]:
        """Dusun, RW, placeholder-RT and RT rows, as OpenSID's importer creates them (OPENSID_DB.md §4)."""
        seen: dict[tuple[str, str, str], int] = {}
        for (dusun, rw, rt), number in scan.areas.items():
            for node in ((dusun, "0", "0"), (dusun, rw, "0"), (dusun, rw, "-"), (dusun, rw, rt)):
                seen.setdefault(node, number)
        return [RawRow(f"{d}|{w}|{t}", f"baris {n}", {"dusun": d, "rw": w, "rt": t}) for (d, w, t), n in seen.items()]

    @staticmethod
    def _keluarga(scan: Scan) -> list[RawRow]:
        return [
            RawRow(
                f.no_kk,
                f"baris {f.row}",
                {"no_kk": f.no_kk, "alamat": f.alamat, "dusun": f.dusun, "rw": f.rw, "rt": f.rt},
            )
            for f in scan.families.values()
        ]

    @staticmethod
    def _small(entity: str, items: list[RawRow], generation: str, skip: int) -> Iterator[Batch]:
        for start in range(skip, len(items), BATCH_SIZE):
            chunk = items[start : start + BATCH_SIZE]
            cursor = {"generation": generation, "entity": entity, "row": start + len(chunk)}
            yield Batch(entity, chunk, cursor=cursor)

    def _penduduk(self, scan: Scan, generation: str, skip: int) -> Iterator[Batch]:
        counts: dict[str, int] = {}
        rows: list[RawRow] = []
        rejected: list[Rejected] = []
        last = skip
        with self._open() as reader:
            for row in reader.rows():
                key = base_key(row.values)
                if key_hash(key) in scan.duplicates:
                    counts[key] = counts.get(key, 0) + 1
                    key = key if counts[key] == 1 else f"{key}#{counts[key]}"
                if row.number <= skip:
                    continue
                self._read_row(row, key, rows, rejected)
                last = row.number
                if len(rows) + len(rejected) >= BATCH_SIZE:
                    yield Batch("penduduk", rows, cursor=self._cursor(generation, last), rejected=rejected)
                    rows, rejected = [], []
        if rows or rejected:
            yield Batch("penduduk", rows, cursor=self._cursor(generation, last), rejected=rejected)

    @staticmethod
    def _cursor(generation: str, row: int) -> JSONDict:
        return {"generation": generation, "entity": "penduduk", "row": row}

    @staticmethod
    def _read_row(row: SheetRow, key: str, rows: list[RawRow], rejected: list[Rejected]) -> None:
        ref = f"baris {row.number}"
        data = dict(row.values)
        if row.too_long:
            reason = f"isi kolom {row.too_long} lebih dari {MAX_CELL} karakter"
            rejected.append(Rejected("penduduk", ref, row.too_long, reason, data, key=key))
            return
        try:
            Penduduk.model_validate(data)
        except ValidationError as error:
            column, reason = describe(error)
            rejected.append(Rejected("penduduk", ref, column, reason, data, key=key))
            return
        rows.append(RawRow(key, ref, data))

    # -- demo -----------------------------------------------------------------------------------------------
    @classmethod
    def write_demo(cls, village: Any, target: Mapping[str, Any]) -> JSONDict:
        """Write a ``SyntheticVillage`` as ``penduduk.xlsx`` (and, when planted, ``second_source.xlsx``)."""
        folder = Path(str(target["dir"]))
        path = folder / "penduduk.xlsx"
        write_workbook(export_rows(village), path)
        options: JSONDict = {
            "path": str(path),
            "kode_desa": village.spec.kode_desa,
            "nama_desa": village.spec.nama_desa,
        }
        if village.spec.planted:
            second = folder / "second_source.xlsx"
            write_workbook((export_row(p, None, None) for p in village.second_source_penduduk()), second)
            options["second_source_path"] = str(second)
        return options
