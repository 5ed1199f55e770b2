"""Which ``config`` rows (villages) a source configuration means: one code, several, or ``"*"``."""

from __future__ import annotations

from typing import Any

from sid_connector.source_options import kode_desa, kode_desa_list
from sid_connector.sources import SourceError, VillageRef
from sid_connector_opensid_db.driver import Database

normalise_code = kode_desa  # one reading of kode_desa for every source


def wanted_codes(option: Any) -> list[str] | None:
    """The configured codes, or None for "every village in the database"."""
    return kode_desa_list(option)


def resolve(db: Database, option: Any) -> dict[str, tuple[int, VillageRef]]:
    """kode_desa → (config_id, VillageRef), in the order configured (or ``config.id`` order for all)."""
    rows = db.query("SELECT id, kode_desa, nama_desa FROM config ORDER BY id")
    by_code = {str(row["kode_desa"]).strip(): row for row in rows if row.get("kode_desa")}
    codes = wanted_codes(option)
    if codes is None:
        if option is None and len(rows) > 1:
            raise SourceError(
                f'Basis data berisi {len(rows)} desa (gabungan): isi opsi kode_desa dengan kode desa atau "*".'
            )
        if not by_code:
            raise SourceError("Tabel config tidak berisi desa dengan kode_desa: isi Identitas Desa di OpenSID.")
        codes = list(by_code)
    result: dict[str, tuple[int, VillageRef]] = {}
    for code in codes:
        row = by_code.get(code)
        if row is None:
            raise SourceError(f"Desa dengan kode_desa {code} tidak ditemukan di tabel config basis data OpenSID.")
        result[code] = (int(row["id"]), VillageRef(kode_desa=code, nama_desa=row.get("nama_desa")))
    return result
