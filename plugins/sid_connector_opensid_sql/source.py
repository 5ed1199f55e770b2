"""The ``opensid-sql`` source: villages from an OpenSID database backup (``.sql`` or ``.sql.gz``).

Every OpenSID admin can download a backup, even where the database server is out of reach. A dump carries
OpenSID's ids, so records keep the database source's keys (``str(id)``) and refs (``"id N"``), and deletions
are found by full passes: every pull is a snapshot of ``wilayah``, ``keluarga``, ``penduduk``, ``peristiwa``
(``log_penduduk``) and ``peristiwa_keluarga`` (``log_keluarga``), each Snapshot → Batches → SnapshotEnd.

A "gabungan" backup holds several villages (``config`` rows). As with the database source, ``kode_desa`` takes
one code, a list of codes or ``"*"`` (every village in the dump); a village's rows are those carrying its
``config_id`` (rows without one belong to every village).

Memory stays bounded: a first read keeps only the village identity and the small lookups the joins need;
each entity is then streamed from the file in batches. Events need each resident's NIK, so the resident pass
keeps a compact ``id → NIK`` map (about 100 bytes a resident).

Resumability: a batch's cursor is ``{"generation": sha256 of the file, "entity": ..., "row": rows done}``. A
pull that finds the same generation continues where the last committed batch stopped; a changed file starts
over. A ``SnapshotEnd`` cursor names the next entity at row 0, and the last one says ``complete``, so a
finished pass is never continued: the next pull reads the whole file afresh.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from sid_connector.models import Desa
from sid_connector.source_options import file_generation
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
from sid_connector_opensid_sql import checks
from sid_connector_opensid_sql.dump import MAX_BYTES, DumpError, DumpReader
from sid_connector_opensid_sql.rows import ENTITIES, Resolver, table_of
from sid_connector_opensid_sql.scan import DumpIndex, Scan, config_id_of, normalise_code, read_index, select_config

BATCH_SIZE = 1000
EXTRA_TABLES = ("tweb_desa_pamong", "ref_jabatan", "tweb_rtm")


def _positive(options: Mapping[str, Any], name: str, default: int) -> int:
    try:
        value = int(options.get(name, default))
    except (TypeError, ValueError):
        raise SourceError(f"Opsi {name} harus bilangan bulat.") from None
    if value <= 0:
        raise SourceError(f"Opsi {name} harus lebih dari 0.")
    return value


def wanted_codes(option: Any) -> list[str] | None:
    """``kode_desa`` as codes: ``None`` for "the only village", ``["*"]`` for all; SourceError when malformed."""
    if option in (None, "", []):
        return None
    if option == "*":
        return ["*"]
    if isinstance(option, str | int):
        return [normalise_code(option)]
    if isinstance(option, list | tuple):
        return [normalise_code(code) for code in option]
    raise SourceError('Opsi kode_desa harus berupa kode, daftar kode, atau "*".')


def _code_of(config: Mapping[str, Any]) -> str:
    return str(config.get("kode_desa") or "").strip().replace(".", "")


class OpenSQLDumpSource:
    """Source adapter over one OpenSID dump (options: ``path``, ``kode_desa``, ``batch_size``, ``max_mb``)."""

    name: ClassVar[str] = "opensid-sql"
    demo_gabungan: ClassVar[bool] = True  # write_demo takes a list of villages: one gabungan backup

    def __init__(self, options: Mapping[str, Any]) -> None:
        if not options.get("path"):
            raise SourceError("opsi 'path' (lokasi berkas cadangan .sql) wajib diisi")
        self.path = Path(str(options["path"])).expanduser()
        self.codes = wanted_codes(options.get("kode_desa"))  # fail fast on a malformed code
        self.kode_desa = self.codes[0] if self.codes and len(self.codes) == 1 and self.codes != ["*"] else None
        self.nama_desa = options.get("nama_desa") or None
        self.batch_size = _positive(options, "batch_size", BATCH_SIZE)
        self.max_bytes = _positive(options, "max_mb", MAX_BYTES >> 20) << 20
        self._index: DumpIndex | None = None
        self._scans: dict[str, Scan] = {}
        self._scan_stamp: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"OpenSQLDumpSource({self.path.name})"

    # -- first read -----------------------------------------------------------------------------------------
    def _stamp(self) -> tuple[int, int]:
        try:
            stat = os.stat(self.path)
        except OSError:
            raise SourceError(f"Berkas dump {self.path} tidak ditemukan.") from None
        return stat.st_mtime_ns, stat.st_size

    def _read(self) -> dict[str, Scan]:
        """kode_desa → Scan of each configured village, from one read cached while the file is unchanged."""
        stamp = self._stamp()
        if self._index is None or self._scan_stamp != stamp:
            index = read_index(self.path, max_bytes=self.max_bytes)
            if self.codes == ["*"]:
                chosen = [row for row in sorted(index.configs, key=lambda row: row.get("id") or 0) if _code_of(row)]
                if not chosen:
                    raise SourceError("Tabel config dalam dump tidak berisi desa dengan kode_desa.")
            else:
                chosen = [select_config(index.configs, code) for code in self.codes or [None]]  # type: ignore[list-item]
            # A configured code names its village even where config.kode_desa is written with dots.
            codes = self.codes if self.codes and self.codes != ["*"] else [_code_of(row) for row in chosen]
            self._scans = {code: index.village(row) for code, row in zip(codes, chosen, strict=True)}
            self._index, self._scan_stamp = index, stamp
        return self._scans

    def scan(self, village: VillageRef | None = None) -> Scan:
        """The first read of ``village`` (default: the first configured one)."""
        scans = self._read()
        if village is None:
            return next(iter(scans.values()))
        found = scans.get(village.kode_desa.replace(".", ""))
        if found is None:
            known = ", ".join(scans)
            raise SourceError(f"Dump ini dikonfigurasi untuk desa {known}, bukan {village.kode_desa}.")
        return found

    # -- Source protocol ------------------------------------------------------------------------------------
    def villages(self) -> Sequence[VillageRef]:
        scans = self._read()
        single = len(scans) == 1
        return [
            VillageRef(code, found.config().get("nama_desa") or (self.nama_desa if single else None))
            for code, found in scans.items()
        ]

    def identity(self, village: VillageRef) -> Desa:
        return Desa.model_validate(self.scan(village).config())

    def check(self) -> Sequence[Check]:
        return checks.run(self)

    def close(self) -> None:
        """Nothing stays open between passes."""

    # -- pull -----------------------------------------------------------------------------------------------
    def pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[PullEvent]:
        """Yield the village's data; resumes from ``state`` (the last cursor the engine committed)."""
        found = self.scan(village)  # raises SourceError before any event
        generation = file_generation(self.path)
        resume = state.get("generation") == generation and not state.get("complete")
        start_entity = state.get("entity") if resume and state.get("entity") in ENTITIES else ENTITIES[0]
        start_row = int(state.get("row") or 0) if resume else 0
        counts: dict[str, int] = {}
        niks: dict[int, Any] | None = None
        for index, entity in enumerate(ENTITIES):
            if index < ENTITIES.index(start_entity):
                continue
            skip = start_row if entity == start_entity else 0
            expected = {"wilayah": len(found.wilayah), "keluarga": found.family_rows}.get(entity)
            yield Snapshot(entity, generation, expected=expected)
            if entity == "penduduk":
                niks = {}
            elif entity == "peristiwa" and niks is None:
                niks = self._niks(found)
            resolver = Resolver(entity, found, niks)
            yield from self._entity(resolver, generation, skip, counts, niks if entity == "penduduk" else None)
            following = ENTITIES[index + 1] if index + 1 < len(ENTITIES) else None
            end = {"generation": generation, "entity": following, "row": 0} if following else None
            yield SnapshotEnd(entity, cursor=end or {"generation": generation, "complete": True})
        yield ReadStats(counts=counts)

    def _rows(self, table: str, config_id: Any) -> Iterator[dict[str, Any] | Any]:
        """The village's rows of ``table`` in file order (RowProblems included)."""
        reader = DumpReader(self.path, (table,), max_bytes=self.max_bytes)
        try:
            for _, row in reader.rows():
                values = row if isinstance(row, dict) else row.values
                owner = config_id_of(values)
                if owner is None or owner == config_id:
                    yield row
        except DumpError as exc:
            raise SourceError(f"Dump {self.path.name} tidak dapat dibaca: {exc}") from None

    def _entity(
        self,
        resolver: Resolver,
        generation: str,
        skip: int,
        counts: dict[str, int],
        niks: dict[int, Any] | None,
    ) -> Iterator[Batch]:
        entity = resolver.entity
        found = resolver.scan
        source_rows = found.wilayah if entity == "wilayah" else self._rows(table_of(entity), found.config_id)
        rows: list[RawRow] = []
        rejected: list[Rejected] = []
        done = 0
        for row in source_rows:
            done += 1
            if niks is not None and isinstance(row, dict) and isinstance(row.get("id"), int):
                niks[row["id"]] = row.get("nik")
            if done <= skip:
                continue
            item = resolver.shape(row) if isinstance(row, dict) else resolver.problem(row)
            (rows if isinstance(item, RawRow) else rejected).append(item)  # type: ignore[arg-type]
            if len(rows) + len(rejected) >= self.batch_size:
                yield Batch(entity, rows, cursor=self._cursor(generation, entity, done), rejected=rejected)
                rows, rejected = [], []
        if rows or rejected:
            yield Batch(entity, rows, cursor=self._cursor(generation, entity, done), rejected=rejected)
        counts[entity] = max(done - skip, 0)

    @staticmethod
    def _cursor(generation: str, entity: str, row: int) -> JSONDict:
        return {"generation": generation, "entity": entity, "row": row}

    def _niks(self, found: Scan) -> dict[int, Any]:
        """``id → nik`` of the village's residents, for a pull that resumes after the resident pass."""
        return {
            row["id"]: row.get("nik")
            for row in self._rows("tweb_penduduk", found.config_id)
            if isinstance(row, dict) and isinstance(row.get("id"), int)
        }

    # -- for the rule engine --------------------------------------------------------------------------------
    def extra_tables(self, village: VillageRef) -> dict[str, list[dict[str, Any]]]:
        """The village's officials, posts and households (``tables=`` of the rule engine)."""
        config_id = self.scan(village).config_id
        tables: dict[str, list[dict[str, Any]]] = {name: [] for name in EXTRA_TABLES}
        reader = DumpReader(self.path, EXTRA_TABLES, max_bytes=self.max_bytes)
        try:
            for table, row in reader.rows():
                if isinstance(row, dict) and config_id_of(row) in (config_id, None):
                    tables[table].append(row)
        except DumpError as exc:
            raise SourceError(f"Dump {self.path.name} tidak dapat dibaca: {exc}") from None
        return tables

    # -- demo -----------------------------------------------------------------------------------------------
    @classmethod
    def write_demo(cls, village: Any, target: Mapping[str, Any]) -> JSONDict:
        """Write a ``SyntheticVillage`` (or a list of them: one gabungan backup) as ``opensid_backup.sql`` in
        ``target["dir"]``; return the options (``kode_desa = "*"`` for several villages).

        A planted village's second-source rows go into the same dump (see ``second_source``): a dump is text,
        not a database, so rows that OpenSID's unique keys would refuse survive in it.
        """
        from sid_connector_opensid_sql.writer import write_dump

        villages = list(village) if isinstance(village, list | tuple) else [village]
        folder = Path(str(target["dir"]))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "opensid_backup.sql"
        write_dump(villages, path)
        if len(villages) > 1:
            return {"path": str(path), "kode_desa": "*"}
        only = villages[0].spec
        return {"path": str(path), "kode_desa": only.kode_desa, "nama_desa": only.nama_desa}
