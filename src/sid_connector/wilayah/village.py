"""Checking an OpenSID ``(kode_desa, nama_desa)`` pair against the list (REG-KODE-DESA, REG-KODE-DESA-NAME).

Codes in real installs are often stale or copied from OpenSID's sample (5201142005 "Senggigi", which the 2025
list calls Senteluk). The result says what the code really names and where the name really is, so the operator
can fix the right field; nothing here rewrites a code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sid_connector.wilayah.codes import normalise_code
from sid_connector.wilayah.names import name_key, name_similarity, names_match
from sid_connector.wilayah.regions import Region, children, lookup

DECREE = "Kepmendagri 300.2.2-2138/2025"


@dataclass(frozen=True, slots=True)
class VillageCodeCheck:
    """Outcome of check_village."""

    code: str  # dotted
    name: str  # as given
    region: Region | None  # what the code names in the list; None if the code is unknown
    kecamatan: Region | None  # the kecamatan of the code's prefix, if listed
    name_matches: bool  # the given name matches region.name (False when the code is unknown)
    name_codes: tuple[Region, ...]  # when the name does not match: regions of that name in the same kecamatan

    @property
    def known(self) -> bool:
        return self.region is not None

    @property
    def ok(self) -> bool:
        return self.region is not None and self.name_matches

    @property
    def message(self) -> str:
        """One line in Bahasa Indonesia for the operator."""
        if self.region is not None and self.name_matches:
            return f"Kode desa {self.code} cocok dengan {self.region.name}."
        if self.region is not None:
            text = f"Kode desa {self.code} adalah {self.region.name} menurut {DECREE}, bukan {self.name}."
        else:
            text = f"Kode desa {self.code} tidak ada dalam daftar {DECREE}."
        if self.name_codes:
            where = f" di Kecamatan {self.kecamatan.name}" if self.kecamatan else ""
            codes = ", ".join(f"{r.code} ({r.name})" for r in self.name_codes)
            text += f" Nama {self.name}{where} berkode {codes}."
        elif self.kecamatan is not None:
            text += f" Nama {self.name} tidak ditemukan di Kecamatan {self.kecamatan.name}."
        else:
            text += f" Kecamatan {self.code[:8]} juga tidak ada dalam daftar."
        return text


def _named_in(kecamatan: Region | None, name: str) -> tuple[Region, ...]:
    if kecamatan is None:
        return ()
    key = name_key(name)
    found = [r for r in children(kecamatan.code) if names_match(name, r.name)]
    found.sort(key=lambda r: (name_key(r.name) != key, -name_similarity(name, r.name), r.code))
    return tuple(found)


def check_village(kode_desa: str, nama_desa: str) -> VillageCodeCheck:
    """Is the desa code listed, does the name agree, and if not, what do code and name really point to?

    Accepts dotted or undotted codes; raises ValueError when ``kode_desa`` is not a 10-digit desa code.
    """
    code = normalise_code(kode_desa)
    if len(code) != 13:
        raise ValueError(f"Kode {kode_desa!r} bukan kode desa/kelurahan (harus 10 angka, mis. 5201142005).")
    region = lookup(code)
    kecamatan = lookup(code[:8])
    matches = region is not None and names_match(nama_desa, region.name)
    return VillageCodeCheck(
        code=code,
        name=nama_desa,
        region=region,
        kecamatan=kecamatan,
        name_matches=matches,
        name_codes=() if matches else _named_in(kecamatan, nama_desa),
    )
