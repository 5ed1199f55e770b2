"""The first read of a dump: the village's identity and the small tables the joins need, kept in memory.

A dump has no JOIN, so the fields the database source joins in (a resident's ``no_kk``/``alamat`` from the
family, ``dusun``/``rw``/``rt`` from the RT row) come from lookups built here. They are small: one tuple per
family and per area row. Tables come in any order (mysqldump sorts them, so ``config`` is first and
``tweb_wil_clusterdesa`` last), so rows are kept for every village: one read (:func:`read_index`) serves every
village of a gabungan dump, each then seen through its own :class:`Scan` (:meth:`DumpIndex.village`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sid_connector.source_options import kode_desa
from sid_connector.sources import SourceError
from sid_connector_opensid_sql.dump import DumpError, DumpReader

Area = tuple[Any, Any, Any]  # dusun, rw, rt
Family = tuple[Any, Any, Any]  # no_kk, alamat, id_cluster
SCAN_TABLES = ("config", "migrasi", "tweb_wil_clusterdesa", "tweb_keluarga", "tweb_penduduk_map")


normalise_code = kode_desa  # one reading of kode_desa for every source


def config_id_of(row: Mapping[str, Any]) -> Any:
    """A row's ``config_id`` as an int when it is one (dbutil dumps quote numbers)."""
    value = row.get("config_id")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


@dataclass(slots=True)
class Scan:
    """What the first read keeps; ``config_id`` is the selected village's ``config.id``."""

    configs: list[dict[str, Any]] = field(default_factory=list)
    version: str | None = None
    has_migrasi: bool = False
    config_id: int | None = None
    wilayah: list[dict[str, Any]] = field(default_factory=list)
    areas: dict[int, Area] = field(default_factory=dict)
    families: dict[int, Family] = field(default_factory=dict)
    family_rows: int = 0
    points: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)

    def config(self) -> dict[str, Any]:
        return next(row for row in self.configs if row.get("id") == self.config_id)


def select_config(configs: list[dict[str, Any]], kode_desa: str | None) -> dict[str, Any]:
    """The ``config`` row of ``kode_desa`` (or the only one); a clear error otherwise."""
    if not configs:
        raise SourceError("Dump tidak berisi tabel config (identitas desa): ini bukan cadangan basis data OpenSID?")
    if kode_desa is None:
        if len(configs) > 1:
            raise SourceError(
                f"Dump berisi {len(configs)} desa (gabungan): isi opsi kode_desa dengan kode desa, daftar kode, "
                'atau "*".'
            )
        return configs[0]
    for row in configs:
        if str(row.get("kode_desa") or "").strip().replace(".", "") == kode_desa:
            return row
    raise SourceError(f"Desa dengan kode_desa {kode_desa} tidak ditemukan di tabel config dalam dump.")


@dataclass(slots=True)
class DumpIndex:
    """The first read of the whole file, every village's rows together (families keep their owner)."""

    configs: list[dict[str, Any]] = field(default_factory=list)
    version: str | None = None
    has_migrasi: bool = False
    tables: set[str] = field(default_factory=set)
    wilayah: list[dict[str, Any]] = field(default_factory=list)
    families: dict[int, tuple[Any, Family]] = field(default_factory=dict)
    points: dict[int, tuple[Any, Any]] = field(default_factory=dict)

    def village(self, chosen: Mapping[str, Any]) -> Scan:
        """The view of one ``config`` row: rows without a ``config_id`` belong to every village."""
        mine = chosen.get("id")
        result = Scan(
            configs=self.configs,
            version=self.version,
            has_migrasi=self.has_migrasi,
            config_id=mine,
            points=self.points,
            tables=self.tables,
        )
        result.wilayah = [row for row in self.wilayah if config_id_of(row) in (mine, None)]
        result.areas = {
            row["id"]: (row.get("dusun"), row.get("rw"), row.get("rt"))
            for row in result.wilayah
            if isinstance(row.get("id"), int)
        }
        result.families = {key: family for key, (owner, family) in self.families.items() if owner in (mine, None)}
        result.family_rows = len(result.families)
        return result


def read_index(path: Path, *, max_bytes: int) -> DumpIndex:
    """Read the small tables once; raises SourceError when the dump is unreadable."""
    result = DumpIndex()
    versions: list[tuple[Any, Any]] = []
    reader = DumpReader(path, SCAN_TABLES, max_bytes=max_bytes)
    try:
        for table, row in reader.rows():
            if not isinstance(row, dict):
                continue  # a broken row of a small table is reported by the pass that emits it
            if table == "config":
                result.configs.append(row)
            elif table == "migrasi":
                versions.append((row.get("id"), row.get("versi_database")))
            elif table == "tweb_wil_clusterdesa":
                result.wilayah.append(row)
            elif table == "tweb_keluarga" and isinstance(row.get("id"), int):
                family = (row.get("no_kk"), row.get("alamat"), row.get("id_cluster"))
                result.families[row["id"]] = (config_id_of(row), family)
            elif table == "tweb_penduduk_map" and isinstance(row.get("id"), int):
                result.points[row["id"]] = (row.get("lat"), row.get("lng"))
    except DumpError as exc:
        raise SourceError(f"Dump {path.name} tidak dapat dibaca: {exc}") from None
    result.tables = set(reader.tables) | set(reader.row_counts)
    result.has_migrasi = "migrasi" in result.tables
    if versions:
        result.version = str(max(versions, key=lambda item: (item[0] is not None, item[0] or 0))[1])
    return result


def scan(path: Path, kode_desa: str | None, *, max_bytes: int) -> Scan:
    """The first read for one village (``kode_desa``, or the only one); SourceError when it is not there."""
    index = read_index(path, max_bytes=max_bytes)
    return index.village(select_config(index.configs, kode_desa))
