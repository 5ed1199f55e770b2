"""Parsing and classifying NIK and KK numbers (RULES.md §1.1, §2.1) — pure functions, no I/O.

Values arrive already normalised by ``norm_id`` (the models' ``IdNumber`` type), so these functions only
classify and read structure. They are total: any string gives an answer, never an exception.
"""

from __future__ import annotations

import re
from datetime import date

MISSING = "MISSING"
TEMP = "TEMP"
REAL = "REAL"
MALFORMED = "MALFORMED"

_TEMP = re.compile(r"0\d{15}")
_REAL = re.compile(r"[1-9]\d{15}")
_NORM_STRIP = re.compile(r"[\s.\-]")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def norm_id(value: object) -> str:
    """RULES.md ``norm_id`` for free-text columns (e.g. ``no_kk_sebelumnya``): trim, drop spaces . - and '."""
    if value is None:
        return ""
    text = str(value).strip()
    if text.startswith("'"):
        text = text[1:]
    return _NORM_STRIP.sub("", text)


def classify_nik(nik: str | None) -> str:
    """MISSING (empty or ``'0'``), TEMP (``0`` + 15 digits), REAL (16 digits, no leading 0) or MALFORMED."""
    if not nik or nik == "0":
        return MISSING
    if _REAL.fullmatch(nik):
        return REAL
    if _TEMP.fullmatch(nik):
        return TEMP
    return MALFORMED


def classify_kk(no_kk: str | None) -> str:
    """TEMP, REAL or MALFORMED; for a KK, empty and ``'0'`` are MALFORMED (RULES.md §2.1)."""
    if no_kk and _REAL.fullmatch(no_kk):
        return REAL
    if no_kk and _TEMP.fullmatch(no_kk):
        return TEMP
    return MALFORMED


def nik_birth(nik: str) -> tuple[int, int, int, bool] | None:
    """``(day, month, yy, female)`` from digits 7-12 of a REAL NIK, or None when it is no possible date."""
    dd, mm, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = dd > 40
    day = dd - 40 if female else dd
    if not 1 <= mm <= 12 or day < 1 or (not female and dd > 31) or (female and dd > 71):
        return None
    limit = _DAYS[mm - 1]
    if mm == 2 and yy % 4 != 0:
        limit = 28
    if day > limit:
        return None
    return day, mm, yy, female


def make_nik(prefix6: str, born: date, female: bool, serial: int) -> str:
    """A structurally valid NIK (used by tests and the docs; the inverse of :func:`nik_birth`)."""
    day = born.day + 40 if female else born.day
    return f"{prefix6}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def kk_date(no_kk: str, ref_date: date) -> date | None:
    """The recording date in digits 7-12 of a REAL KK (no +40), century resolved against ``ref_date``."""
    dd, mm, yy = int(no_kk[6:8]), int(no_kk[8:10]), int(no_kk[10:12])
    year = 2000 + yy if 2000 + yy <= ref_date.year else 1900 + yy
    try:
        return date(year, mm, dd)
    except ValueError:
        return None


def temp_village_code(number: str) -> str:
    """Digits 2-11 of a temporary number: the village code it was generated under."""
    return number[1:11]
