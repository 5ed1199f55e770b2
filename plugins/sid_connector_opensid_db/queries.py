"""The SELECTs the source runs: one per entity, always scoped by ``config_id`` and paged by id.

Column lists come from the canonical models intersected with the table's real columns, so an older or newer
OpenSID that lacks a column still reads, and secret columns are never selected.
"""

from __future__ import annotations

from dataclasses import dataclass

from sid_connector.models import ENTITY_MODELS
from sid_connector_opensid_db.driver import Database

# Never read (OPENSID_DB.md §11): login tokens; tweb_penduduk_mandiri is not touched at all.
SECRET_COLUMNS = frozenset({"email_token", "telegram_token"})

TABLES: dict[str, str] = {
    "desa": "config",
    "wilayah": "tweb_wil_clusterdesa",
    "keluarga": "tweb_keluarga",
    "penduduk": "tweb_penduduk",
    "peristiwa": "log_penduduk",
    "peristiwa_keluarga": "log_keluarga",
}

# Fields a model carries that do not come from the entity's own table (joined in below).
_RESOLVED: dict[str, frozenset[str]] = {
    "keluarga": frozenset({"dusun", "rw", "rt"}),
    "penduduk": frozenset({"no_kk", "alamat", "dusun", "rw", "rt", "lat", "lng"}),
    "peristiwa": frozenset({"nik"}),
}

# Joins name the primary key explicitly: on a small area table the optimizer otherwise prefers the
# (config_id, rt, rw, dusun) key and scans every RT row of the village for each resident.
_JOINS: dict[str, tuple[str, str]] = {
    "wilayah": ("", ""),
    "keluarga": (
        ", w.dusun AS dusun, w.rw AS rw, w.rt AS rt",
        " LEFT JOIN tweb_wil_clusterdesa w FORCE INDEX (PRIMARY) ON w.id = t.id_cluster AND w.config_id = t.config_id",
    ),
    "penduduk": (
        ", k.no_kk AS no_kk, k.alamat AS alamat, w.dusun AS dusun, w.rw AS rw, w.rt AS rt"
        ", (SELECT m.lat FROM tweb_penduduk_map m WHERE m.id = t.id LIMIT 1) AS lat"
        ", (SELECT m.lng FROM tweb_penduduk_map m WHERE m.id = t.id LIMIT 1) AS lng",
        " LEFT JOIN tweb_keluarga k FORCE INDEX (PRIMARY) ON k.id = t.id_kk AND k.config_id = t.config_id"
        " LEFT JOIN tweb_wil_clusterdesa w FORCE INDEX (PRIMARY) ON w.id = t.id_cluster AND w.config_id = t.config_id",
    ),
    "peristiwa": (
        ", p.nik AS nik",
        " LEFT JOIN tweb_penduduk p FORCE INDEX (PRIMARY) ON p.id = t.id_pend AND p.config_id = t.config_id",
    ),
    "peristiwa_keluarga": ("", ""),
}


@dataclass(frozen=True, slots=True)
class EntityQuery:
    """A ready SELECT for one entity: ``page(extra_where)`` adds a filter and keyset paging."""

    entity: str
    table: str
    select: str

    def page(self, extra_where: str = "") -> str:
        """One village's rows with ``id > %s`` in id order; params: config_id, [extra], last id, limit."""
        return f"{self.select} WHERE t.config_id = %s{extra_where} AND t.id > %s ORDER BY t.id LIMIT %s"

    def count(self) -> str:
        """How many rows the village has (for the engine's progress bar)."""
        return f"SELECT COUNT(*) FROM {self.table} WHERE config_id = %s"

    def ids(self) -> str:
        """Ids only, for deletion detection: the cheapest full read there is."""
        return f"SELECT id FROM {self.table} WHERE config_id = %s ORDER BY id"


def table_columns(db: Database, table: str) -> list[str]:
    """The table's real columns, in table order."""
    return [str(row["Field"]) for row in db.query(f"SHOW COLUMNS FROM `{table}`")]


def build(db: Database, entity: str) -> EntityQuery:
    """The entity's SELECT for this database's schema version."""
    table = TABLES[entity]
    wanted = set(ENTITY_MODELS[entity].model_fields) - _RESOLVED.get(entity, frozenset())
    own = [c for c in table_columns(db, table) if c in wanted and c not in SECRET_COLUMNS]
    if "id" not in own:
        own.insert(0, "id")
    columns, joins = _JOINS.get(entity, ("", ""))
    select = "SELECT " + ", ".join(f"t.`{c}`" for c in own) + columns + f" FROM `{table}` t" + joins
    return EntityQuery(entity=entity, table=table, select=select)


def desa_query(db: Database) -> str:
    """The village identity row by ``config.id``."""
    wanted = set(ENTITY_MODELS["desa"].model_fields)
    own = [c for c in table_columns(db, "config") if c in wanted]
    return "SELECT " + ", ".join(f"`{c}`" for c in own) + " FROM config WHERE id = %s"
