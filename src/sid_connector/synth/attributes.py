"""Coded attributes plausible for a person's age, sex and marital status (OpenSID v2410 ids).

Each choice stays inside what RULES.md §6 accepts for a clean village: KTP-el status follows the *wajib KTP*
rule (age 17 or ever married), contraception only for married women of fertile age, pregnancy only for
women, education and occupation that fit the age.
"""

from __future__ import annotations

import datetime as dt
import random


def age_on(born: dt.date, on: dt.date) -> int:
    """Full years (RULES.md §0.4)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def pick(rng: random.Random, weighted: tuple[tuple[int, int], ...]) -> int:
    total = sum(weight for _, weight in weighted)
    roll = rng.randrange(total)
    for value, weight in weighted:
        roll -= weight
        if roll < 0:
            return value
    return weighted[-1][0]


def education(rng: random.Random, age: int, birth_year: int) -> tuple[int, int]:
    """``(pendidikan_kk_id, pendidikan_sedang_id)``."""
    if age < 5:
        return 1, 1 if age < 3 else 2
    if age < 7:
        return 1, 2
    if age < 13:
        return 2, 4
    if age < 16:
        return 3, 6
    if age < 19:
        return 4, 7
    if age < 23 and rng.random() < 0.25:
        return 5, 11
    if birth_year < 1960:
        level = pick(rng, ((1, 15), (2, 30), (3, 40), (4, 8), (5, 6), (8, 1)))
    elif birth_year < 1980:
        level = pick(rng, ((2, 8), (3, 40), (4, 25), (5, 20), (6, 2), (7, 2), (8, 3)))
    else:
        level = pick(rng, ((3, 15), (4, 25), (5, 40), (6, 4), (7, 5), (8, 10), (9, 1)))
    return level, 18


# Construction trades and driving, which village registers almost only record for men.
_MEN_TRADES = frozenset({13, 26, 27, 81})


def occupation(rng: random.Random, age: int, sex: int, pendidikan_kk: int) -> int:
    """``pekerjaan_id`` for the age; school children are PELAJAR, the very young BELUM/TIDAK BEKERJA."""
    if age < 5:
        return 1
    if age < 19:
        return 3
    if age < 23 and pendidikan_kk == 5 and rng.random() < 0.25:
        return 3
    if age >= 65:
        return pick(rng, ((4, 15), (9, 35), (1, 40), (84, 10)))
    common = ((9, 20), (20, 15), (19, 12), (88, 14), (84, 8), (15, 12), (13, 3), (81, 2), (27, 2), (26, 2))
    if pendidikan_kk >= 8:
        common = ((65, 25), (5, 20), (15, 25), (88, 15), (74, 5), (73, 5), (72, 2), (64, 3))
    if sex == 2:
        common = tuple(item for item in common if item[0] not in _MEN_TRADES)
        return pick(rng, ((2, 45), *common)) if pendidikan_kk < 8 else pick(rng, common)
    return pick(rng, common)


def ktp(rng: random.Random, wajib: bool) -> tuple[int, int]:
    """``(ktp_el, status_rekam)`` consistent with ``tweb_status_ktp`` and the *wajib KTP* rule."""
    if not wajib:
        return 1, 1
    # Every wajib-KTP adult has recorded (no BELUM REKAM, which PER-WAJIB-KTP lists for follow-up).
    status_rekam = pick(rng, ((8, 60), (4, 15), (3, 15), (6, 3), (7, 2)))
    return (2 if status_rekam >= 3 else 1), status_rekam


def blood_group(rng: random.Random) -> int:
    return pick(rng, ((13, 50), (1, 12), (2, 15), (4, 18), (3, 5)))


def religion(rng: random.Random) -> int:
    return pick(rng, ((1, 950), (2, 30), (3, 18), (4, 1), (5, 1)))


def insurance(rng: random.Random) -> tuple[int | None, str | None]:
    kind = pick(rng, ((2, 40), (3, 30), (1, 20), (0, 10)))
    if kind in (2, 3):
        return kind, f"000{rng.randrange(10**9, 10**10)}"
    return (kind or None), None


def contraception(rng: random.Random, age: int) -> int | None:
    """A method for a married woman of fertile age (female methods or *Lainnya*), or none."""
    if not 20 <= age <= 49 or rng.random() < 0.45:
        return None
    methods = ((3, 45), (1, 20), (2, 15), (5, 10), (99, 3)) + (((6, 7),) if age >= 35 else ())
    return pick(rng, methods)
