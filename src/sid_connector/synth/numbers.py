"""Collision-free NIK and KK numbers, and cheap deterministic hashing.

A NIK is ``PPKKCC DDMMYY SSSS`` (RULES.md §1.1). Uniqueness must hold for a million residents without
remembering the numbers already issued, so a person's running number ``k`` fixes both the day of the year
of their birth and the serial: ``(k mod 365, k div 365)`` is injective for ``k < 365 × 9999``. The birth
*year* is free, so the age pyramid is untouched and the NIK always agrees with the birth date and sex.
KK numbers use the same scheme with the family's running number (the date part is the day of issue).
"""

from __future__ import annotations

import datetime as dt

# Serials 0001-0020 stay free for the hand-written fixture numbers of RULES.md §12.
SERIAL_OFFSET = 365 * 20
CAPACITY = 365 * 9999 - SERIAL_OFFSET
_MASK64 = (1 << 64) - 1
_SCRAMBLE = 1_000_003  # coprime with CAPACITY, so k → k·_SCRAMBLE mod CAPACITY is a bijection
_COMMON_YEAR_START = dt.date(2001, 1, 1)


def mix64(*parts: int) -> int:
    """SplitMix64 over the parts: a stable, fast 64-bit hash (Python's ``hash`` is salted per process)."""
    state = 0x9E3779B97F4A7C15
    for part in parts:
        state = (state + (part & _MASK64) + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        state = z ^ (z >> 31)
    return state


def day_and_serial(k: int) -> tuple[int, int]:
    """Day of year (0-364) and serial (21-9999) for running number ``k``.

    ``k`` is first scrambled by a bijection of ``[0, CAPACITY)`` so that neighbours (members of one family)
    get unrelated birthdays.
    """
    if not 0 <= k < CAPACITY:
        raise ValueError("terlalu banyak nomor untuk satu awalan wilayah")
    k = (k * _SCRAMBLE) % CAPACITY + SERIAL_OFFSET
    return k % 365, k // 365 + 1


def date_in_year(year: int, day: int, latest: dt.date) -> dt.date:
    """The ``day``-th (0-364) month/day of a common year, in ``year``; a year earlier if after ``latest``."""
    common = _COMMON_YEAR_START + dt.timedelta(days=day)
    value = dt.date(year, common.month, common.day)
    return value if value <= latest else dt.date(year - 1, common.month, common.day)


def nik(prefix: str, birth: dt.date, sex: int, serial: int) -> str:
    """A real NIK: region prefix, birth date (women: day + 40), four-digit serial."""
    day = birth.day + (40 if sex == 2 else 0)
    return f"{prefix}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def no_kk(prefix: str, issued: dt.date, serial: int) -> str:
    """A real KK number: region prefix, date of recording (no +40 offset), four-digit serial."""
    return f"{prefix}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{serial:04d}"
