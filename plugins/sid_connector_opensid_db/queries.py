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

# Fields joined in from other tables, as (SQL expression, name), and the joins they need. Joins name the
# primary key explicitly: on a small area table the optimizer otherwise prefers the (config_id, rt, rw, dusun)
# key and scans every RT row of the village for each resident.
_AREA = (("w.dusun", "dusun"), ("w.rw", "rw"), ("w.rt", "rt"))
_JOINED: dict[str, tuple[tuple[str, str], ...]] = {
    "keluarga": _AREA,
    "penduduk": (
        ("k.no_kk", "no_kk"),
        ("k.alamat", "alamat"),
        *_AREA,
        ("(SELECT m.lat FROM tweb_penduduk_map m WHERE m.id = t.id LIMIT 1)", "lat"),
        ("(SELECT m.lng FROM tweb_penduduk_map m WHERE m.id = t.id LIMIT 1)", "lng"),
    ),
    "peristiwa": (("p.nik", "nik"),),
}
_AREA_JOIN = (
    " LEFT JOIN tweb_wil_clusterdesa w FORCE INDEX (PRIMARY) ON w.id = t.id_cluster AND w.config_id = t.config_id"
)
_JOINS: dict[str, str] = {
    "keluarga": _AREA_JOIN,
    "penduduk": " LEFT JOIN tweb_keluarga k FORCE INDEX (PRIMARY) ON k.id = t.id_kk AND k.config_id = t.config_id"
    + _AREA_JOIN,
    "peristiwa": " LEFT JOIN tweb_penduduk p FORCE INDEX (PRIMARY) ON p.id = t.id_pend AND p.config_id = t.config_id",
}


@dataclass(frozen=True, slots=True)
class EntityQuery:
    """A ready SELECT for one entity: ``page(extra_where)`` adds a filter and keyset paging.

    ``values`` are the SQL expressions of the selected fields (own columns and joined ones), so a digest of
    a row covers exactly what the engine receives.
    """

    entity: str
    table: str
    select: str
    values: tuple[str, ...] = ()
    joins: str = ""

    def page(self, extra_where: str = "") -> str:
        """One village's rows with ``id > %s`` in id order; params: config_id, [extra], last id, limit."""
        return f"{self.select} WHERE t.config_id = %s{extra_where} AND t.id > %s ORDER BY t.id LIMIT %s"

    def count(self) -> str:
        """How many rows the village has (for the engine's progress bar)."""
        return f"SELECT COUNT(*) FROM {self.table} WHERE config_id = %s"

    def ids(self) -> str:
        """Ids only, for deletion detection: the cheapest full read there is."""
        return f"SELECT id FROM {self.table} WHERE config_id = %s ORDER BY id"

    def id_facts(self) -> str:
        """Count and sum of the village's ids up to a bound (params: config_id, max id).

        See ``watermark.covers`` and ``watermark.unchanged``.
        """
        return f"SELECT COUNT(*) AS n, COALESCE(SUM(id), 0) AS s FROM {self.table} WHERE config_id = %s AND id <= %s"

    def digests(self, width: int) -> str:
        """A 64-bit digest of every selected value per block of ``width`` ids (params: config_id).

        ``QUOTE`` makes the concatenation unambiguous (NULL is the bare word, strings are quoted and escaped);
        each row's MD5 is folded with XOR, so a block's digest changes when any of its rows does.
        """
        row = "CONCAT_WS(',', " + ", ".join(f"QUOTE({value})" for value in self.values) + ")"
        digest = f"BIT_XOR(CAST(CONV(LEFT(MD5({row}), 16), 16, 10) AS UNSIGNED))"
        return (
            f"SELECT t.id DIV {int(width)} AS block, {digest} AS digest FROM `{self.table}` t{self.joins}"
            " WHERE t.config_id = %s GROUP BY block"
        )


def table_columns(db: Database, table: str) -> list[str]:
    """The table's real columns, in table order."""
    return [str(row["Field"]) for row in db.query(f"SHOW COLUMNS FROM `{table}`")]


def build(db: Database, entity: str) -> EntityQuery:
    """The entity's SELECT for this database's schema version."""
    table = TABLES[entity]
    joined = _JOINED.get(entity, ())
    wanted = set(ENTITY_MODELS[entity].model_fields) - {name for _, name in joined}
    own = [c for c in table_columns(db, table) if c in wanted and c not in SECRET_COLUMNS]
    if "id" not in own:
        own.insert(0, "id")
    values = (*(f"t.`{c}`" for c in own), *(value for value, _ in joined))
    fields = ", ".join([*values[: len(own)], *(f"{value} AS {name}" for value, name in joined)])
    joins = _JOINS.get(entity, "")
    select = f"SELECT {fields} FROM `{table}` t{joins}"
    return EntityQuery(entity=entity, table=table, select=select, values=values, joins=joins)


def desa_query(db: Database) -> str:
    """The village identity row by ``config.id``."""
    wanted = set(ENTITY_MODELS["desa"].model_fields)
    own = [c for c in table_columns(db, "config") if c in wanted]
    return "SELECT " + ", ".join(f"`{c}`" for c in own) + " FROM config WHERE id = %s"
