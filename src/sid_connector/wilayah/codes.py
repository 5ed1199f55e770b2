"""Kemendagri code syntax: dotted/undotted forms and what a code says by its shape alone.

OpenSID stores codes undotted (``5201142005``), the decree and OpenDK use dotted ones (``52.01.14.2005``);
every other function normalises through here so both forms are accepted everywhere.
"""

from __future__ import annotations

import re
from typing import Literal

Level = Literal["provinsi", "kabupaten", "kecamatan", "desa"]
DesaType = Literal["kelurahan", "desa", "desa adat"]

LEVELS: tuple[Level, ...] = ("provinsi", "kabupaten", "kecamatan", "desa")

# ASCII digits only: ``\d`` would also accept Arabic-Indic and other Unicode digits.
_DOTTED = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?")
_UNDOTTED = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")
_BPS_KECAMATAN = re.compile(r"[0-9]{7}")

_LEVEL_BY_LENGTH: dict[int, Level] = {2: "provinsi", 5: "kabupaten", 8: "kecamatan", 13: "desa"}
_DESA_TYPE: dict[str, DesaType] = {"1": "kelurahan", "2": "desa", "3": "desa adat"}


def normalise_code(code: str) -> str:
    """Return the dotted form of a provinsi/kabupaten/kecamatan/desa code given dotted or undotted.

    Raises ValueError (message in Bahasa Indonesia, for operators) for anything else.
    """
    if not isinstance(code, str):
        raise TypeError(f"kode wilayah harus berupa teks, bukan {type(code).__name__}")
    text = code.strip()
    if _DOTTED.fullmatch(text):
        return text
    if _UNDOTTED.fullmatch(text):
        return ".".join(part for part in (text[0:2], text[2:4], text[4:6], text[6:10]) if part)
    if _BPS_KECAMATAN.fullmatch(text):
        raise ValueError(
            f"Kode {code!r} berisi 7 angka: itu kode kecamatan BPS, bukan kode Kemendagri (6 angka, mis. 520114)."
        )
    raise ValueError(
        f"Kode wilayah {code!r} tidak valid: gunakan 2, 4, 6 atau 10 angka (mis. 5201142005) "
        "atau bentuk bertitik (mis. 52.01.14.2005)."
    )


def undotted(code: str) -> str:
    """Return the undotted form, as OpenSID stores it in ``config`` (validates like normalise_code)."""
    return normalise_code(code).replace(".", "")


def level_of(code: str) -> Level:
    """The level a code's shape implies, whether or not the code exists."""
    return _LEVEL_BY_LENGTH[len(normalise_code(code))]


def desa_type(code: str) -> DesaType | None:
    """Kelurahan/desa/desa adat from the first digit of the 4-digit part (REG-DESA-KEL); None if not 1-3.

    Raises ValueError when the code is not a desa-level code.
    """
    dotted = normalise_code(code)
    if len(dotted) != 13:
        raise ValueError(f"Kode {code!r} bukan kode desa/kelurahan (harus 10 angka, mis. 5201142005).")
    return _DESA_TYPE.get(dotted[9])
