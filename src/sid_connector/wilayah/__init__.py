"""Kemendagri region codes (kode wilayah), offline and inside the package.

The list is Kepmendagri 300.2.2-2138/2025 as published by cahyadsn/wilayah (MIT; see data/LICENSE-wilayah and
data/SOURCE.md). It is loaded on first use and cached; the product never needs network or the shared folder.
"""

from sid_connector.wilayah.codes import LEVELS, DesaType, Level, desa_type, level_of, normalise_code, undotted
from sid_connector.wilayah.names import name_key, names_match
from sid_connector.wilayah.regions import (
    Region,
    children,
    find_by_name,
    kabupaten_exists,
    kecamatan_exists,
    level_counts,
    lookup,
    parents,
    provinsi_exists,
)
from sid_connector.wilayah.village import VillageCodeCheck, check_village

__all__ = [
    "LEVELS",
    "DesaType",
    "Level",
    "Region",
    "VillageCodeCheck",
    "check_village",
    "children",
    "desa_type",
    "find_by_name",
    "kabupaten_exists",
    "kecamatan_exists",
    "level_counts",
    "level_of",
    "lookup",
    "name_key",
    "names_match",
    "normalise_code",
    "parents",
    "provinsi_exists",
    "undotted",
]
