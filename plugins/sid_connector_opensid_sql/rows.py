"""Dump rows as the engine's RawRows: the database source's columns, with the same fields joined in.

Each entity carries exactly what ``sid_connector_opensid_db`` selects — the model's fields that the table
has, never the login tokens — plus the resolved fields, so a village read from its dump and from its database
gives the same records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sid_connector.models import ENTITY_MODELS
from sid_connector.privacy import scrub
from sid_connector.sources import RawRow, Rejected
from sid_connector_opensid_db.queries import SECRET_COLUMNS, TABLES
from sid_connector_opensid_db.rows import shape
from sid_connector_opensid_sql.dump import RowProblem
from sid_connector_opensid_sql.scan import Scan

ENTITIES = ("wilayah", "keluarga", "penduduk", "peristiwa", "peristiwa_keluarga")
RESOLVED: dict[str, tuple[str, ...]] = {
    "keluarga": ("dusun", "rw", "rt"),
    "penduduk": ("no_kk", "alamat", "dusun", "rw", "rt", "lat", "lng"),
    "peristiwa": ("nik",),
}
_NO_AREA = (None, None, None)
_NO_FAMILY = (None, None, None)


def own_columns(entity: str) -> frozenset[str]:
    """The columns of the entity's table the engine wants (the database source's SELECT list)."""
    wanted = set(ENTITY_MODELS[entity].model_fields) - set(RESOLVED.get(entity, ())) - SECRET_COLUMNS
    return frozenset(wanted | {"id"})


def table_of(entity: str) -> str:
    return TABLES[entity]


class Resolver:
    """Adds the joined fields to one entity's rows, from the scan's lookups (and the NIK map for events)."""

    def __init__(self, entity: str, scan: Scan, niks: Mapping[int, Any] | None = None) -> None:
        self.entity = entity
        self.columns = own_columns(entity)
        self.scan = scan
        self.niks = niks or {}

    def data(self, row: Mapping[str, Any]) -> dict[str, Any]:
        data = {column: value for column, value in row.items() if column in self.columns}
        if self.entity == "keluarga":
            data["dusun"], data["rw"], data["rt"] = self.scan.areas.get(row.get("id_cluster"), _NO_AREA)  # type: ignore[arg-type]
        elif self.entity == "penduduk":
            no_kk, alamat, _ = self.scan.families.get(row.get("id_kk"), _NO_FAMILY)  # type: ignore[arg-type]
            data["no_kk"], data["alamat"] = no_kk, alamat
            data["dusun"], data["rw"], data["rt"] = self.scan.areas.get(row.get("id_cluster"), _NO_AREA)  # type: ignore[arg-type]
            data["lat"], data["lng"] = self.scan.points.get(row.get("id"), (None, None))  # type: ignore[arg-type]
        elif self.entity == "peristiwa":
            data["nik"] = self.niks.get(row.get("id_pend"))  # type: ignore[arg-type]
        return data

    def shape(self, row: Mapping[str, Any]) -> RawRow | Rejected:
        """``RawRow(key=str(id), ref="id N")`` or a ``Rejected`` naming id and field (as the database source)."""
        return shape(self.entity, self.data(row))

    def problem(self, problem: RowProblem) -> Rejected:
        """A row the reader could not map onto its columns."""
        raw_id = problem.values.get("id")
        known = isinstance(raw_id, int)
        ref = f"id {raw_id}" if known else f"baris {problem.line}"
        reason = scrub(f"baris {problem.line} dump: {problem.reason}")
        return Rejected(
            entity=self.entity,
            ref=ref,
            field="baris",
            reason=reason,
            data={"id": raw_id} if known else {},
            key=str(raw_id) if known else None,
        )
