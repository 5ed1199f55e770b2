"""Regions of the packaged Kemendagri list and the look-ups rules need (existence, hierarchy, names).

Region objects are made on demand from the cached table, so loading stays cheap and look-ups by code are
dictionary hits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from sid_connector.wilayah._table import table
from sid_connector.wilayah.codes import LEVELS, DesaType, Level, desa_type, normalise_code
from sid_connector.wilayah.names import compact, name_key, name_kind

_LEVEL_BY_LENGTH: dict[int, Level] = {2: "provinsi", 5: "kabupaten", 8: "kecamatan", 13: "desa"}
_CHILD_LENGTH = {0: 2, 2: 5, 5: 8, 8: 13}


@dataclass(frozen=True, slots=True)
class Region:
    """One row of the list: a provinsi, kabupaten/kota, kecamatan or desa/kelurahan."""

    code: str  # dotted, e.g. "52.01.14.2005"
    name: str
    level: Level

    @property
    def parent_code(self) -> str | None:
        """Dotted code of the region one level up; None for a provinsi."""
        return self.code.rpartition(".")[0] or None

    @property
    def undotted(self) -> str:
        """The code as OpenSID stores it."""
        return self.code.replace(".", "")

    @property
    def desa_type(self) -> DesaType | None:
        """For a desa-level region: "kelurahan", "desa" or "desa adat" (from the code); None otherwise."""
        return desa_type(self.code) if self.level == "desa" else None

    @property
    def is_kelurahan(self) -> bool:
        """True for a kelurahan (4-digit part starts with 1): led by a Lurah, not a Kepala Desa."""
        return self.desa_type == "kelurahan"

    @property
    def is_kota(self) -> bool:
        """True for a kota (kab/kota part 71 or more); False for a kabupaten and other levels."""
        return self.level == "kabupaten" and self.code[3] in "789"


def _region(code: str, name: str) -> Region:
    return Region(code=code, name=name, level=_LEVEL_BY_LENGTH[len(code)])


def lookup(code: str) -> Region | None:
    """The region a code names; None for a well-formed code not in the list, ValueError if malformed."""
    dotted = normalise_code(code)
    name = table().names.get(dotted)
    return None if name is None else _region(dotted, name)


def parents(code: str) -> list[Region]:
    """The listed ancestors of a code, provinsi first, excluding the code itself; missing ones are skipped."""
    dotted = normalise_code(code)
    names = table().names
    ancestors = [dotted[:length] for length in (2, 5, 8) if length < len(dotted)]
    return [_region(c, names[c]) for c in ancestors if c in names]


def children(code: str | None = None) -> list[Region]:
    """Direct sub-regions in code order; ``children()`` gives the provinces. Empty for unknown codes, desa."""
    tab = table()
    if code is None:
        return [_region(c, tab.names[c]) for c in tab.codes if len(c) == 2]
    dotted = normalise_code(code)
    if dotted not in tab.names or len(dotted) == 13:
        return []
    length = _CHILD_LENGTH[len(dotted)]
    return [_region(c, tab.names[c]) for c in tab.descendants(dotted) if len(c) == length]


def _exists(code: str, level: Level) -> bool:
    dotted = normalise_code(code)
    if _LEVEL_BY_LENGTH[len(dotted)] != level:
        raise ValueError(f"Kode {code!r} bukan kode {level}.")
    return dotted in table().names


def provinsi_exists(prefix2: str) -> bool:
    """NIK-PROV: are these 2 digits a current province code? Taken from the list, not hard-coded."""
    return _exists(prefix2, "provinsi")


def kabupaten_exists(prefix4: str) -> bool:
    """Is ``PPKK`` a current kabupaten/kota? ``PP00`` never is (NIK-REGION-ZERO)."""
    return _exists(prefix4, "kabupaten")


def kecamatan_exists(prefix6: str) -> bool:
    """NIK-REGION-KNOWN / KK-REGION: is ``PPKKCC`` a current kecamatan? False may mean a pre-split code."""
    return _exists(prefix6, "kecamatan")


def level_counts() -> dict[Level, int]:
    """Number of regions per level in the packaged list (for diagnostics and the data-integrity test)."""
    counts = Counter(_LEVEL_BY_LENGTH[len(c)] for c in table().codes)
    return {level: counts[level] for level in LEVELS}


@cache
def _name_index() -> dict[str, tuple[str, ...]]:
    """Normalised name → codes, for the whole list; built only when a nationwide name search needs it."""
    index: dict[str, list[str]] = {}
    for code, name in table().names.items():
        index.setdefault(name_key(name), []).append(code)
    return {key: tuple(codes) for key, codes in index.items()}


def _fits(region: Region, kind: str) -> bool:
    if kind in ("kabupaten", "kota"):
        return region.level == "kabupaten" and region.is_kota == (kind == "kota")
    if kind in ("provinsi", "kecamatan"):
        return region.level == kind
    if kind == "desa":
        return region.desa_type in ("desa", "desa adat")
    return region.desa_type == kind  # "kelurahan" or "desa adat"


def find_by_name(name: str, *, within: str | None = None, level: Level | None = None) -> list[Region]:
    """Regions whose normalised name equals ``name``'s, optionally below ``within`` and at ``level``.

    A leading type word in the query narrows the result when something fits it ("Kota Bandung" gives the kota,
    not Kabupaten Bandung), and otherwise is ignored. Literal matches come first, then by level and code.
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"Tingkat wilayah {level!r} tidak dikenal; gunakan salah satu dari {', '.join(LEVELS)}.")
    key = name_key(name)
    if not key:
        return []
    tab = table()
    if within is None:
        codes: list[str] | tuple[str, ...] = _name_index().get(key, ())
    else:
        parent = normalise_code(within)
        codes = [c for c in tab.descendants(parent) if name_key(tab.names[c]) == key]
    found = [_region(c, tab.names[c]) for c in codes]
    if level is not None:
        found = [r for r in found if r.level == level]
    kind = name_kind(name)
    if kind is not None:
        fitting = [r for r in found if _fits(r, kind)]
        found = fitting or found
    literal = compact(name)
    return sorted(found, key=lambda r: (compact(r.name) != literal, LEVELS.index(r.level), r.code))
