"""The column-wise fast paths of the event, family and KK rules and of the shared RuleContext indexes give
exactly the old answers.

The frozen row-by-row rules (``tests.rules.reference_a``) are the oracle for the rules; the indexes are checked
against their row-by-row definitions. Generated villages are mutated to plant many defects and near misses at
once: duplicate and missing ids, residents without ``id_kk``, dead heads, odd KK numbers, events around the 30/60
day limits, duplicate logs, sources without ids (workbook-like), and the cases where family membership is no
partition (the general path) as well as where it is (the fast path).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import pytest

from sid_connector import synth
from sid_connector.rules import RuleSettings, run_rules
from sid_connector.rules.model import RuleContext, _event_order, _read_columns, group_rows
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil import events, family, ids, kk
from sid_connector_rules_dukcapil._base import empty
from sid_connector_rules_dukcapil._index import (
    all_real,
    empty_mask,
    first_of,
    ordinals,
    real_flags,
    repeated,
)
from tests.rules import reference_a
from tests.rules.test_synth_village import to_village

FAST = [*kk.RULES, *family.RULES, *events.RULES]
REF = date(2026, 6, 30)


@cache
def _clean(seed: int) -> VillageData:
    return to_village(synth.generate(synth.VillageSpec(residents=400, seed=seed, ref_date=REF)))


def _mutated(seed: int, rate: float, *, strip_ids: bool, partition: bool) -> VillageData:
    """A copy of a clean generated village with ``rate`` of its values replaced by odd ones.

    ``partition`` keeps every resident in at most one family (no ``id_kk`` removed, no repeated family id or
    number), so the family rules take their column-wise path; otherwise they mostly take the general one.
    """
    rng = random.Random(seed * 1000 + int(rate * 100) + 10 * strip_ids + 20 * partition)
    v = _clean(seed % 2)
    people = {k: p.model_copy() for k, p in v.penduduk.items()}
    families = {k: f.model_copy() for k, f in v.keluarga.items()}
    logs = {k: e.model_copy() for k, e in v.peristiwa.items()}
    family_logs = {k: e.model_copy() for k, e in v.peristiwa_keluarga.items()}
    plist, flist, elist = list(people.values()), list(families.values()), list(logs.values())
    niks, pids, fids = [p.nik for p in plist], [p.id for p in plist], [f.id for f in flist]
    numbers = [f.no_kk for f in flist]

    def day() -> date:
        return REF - timedelta(days=rng.choice([-5, 0, 1, 10, 29, 30, 31, 45, 50, 59, 60, 61, 62, 400, 4000, 12000]))

    def moment() -> datetime:
        return datetime.combine(day(), datetime.min.time()) + timedelta(hours=rng.choice([0, 13, 23]))

    person_values: dict[str, Any] = {
        "kk_level": lambda p: rng.choice([None, 1, 1, 2, 3, 4, 5, 6, 7, 8]),
        "status_dasar": lambda p: rng.choice([None, 1, 2, 3, 4, 6]),
        "sex": lambda p: rng.choice([None, 1, 2]),
        "id_kk": lambda p: rng.choice(([] if partition else [None]) + [999999, rng.choice(fids)]),
        "tanggallahir": lambda p: rng.choice([None, day(), date(1990, 2, 28), date(2000, 2, 29), date(2016, 3, 1)]),
        "ayah_nik": lambda p: rng.choice([None, "0", rng.choice(niks), "123", p.nik]),
        "ibu_nik": lambda p: rng.choice([None, "0", rng.choice(niks), "123", p.nik]),
        "status_kawin": lambda p: rng.choice([None, 1, 2, 3, 4]),
        "akta_lahir": lambda p: rng.choice([None, "", " ", "-", " - ", "AL-9"]),
        "status": lambda p: rng.choice([None, 1, 2]),
        "alamat_sebelumnya": lambda p: rng.choice([None, "", "-", "Desa X"]),
        "nik": lambda p: rng.choice([None, "0", "0330102200100001", "12345", "\u0663" * 16, rng.choice(niks)]),
        "no_kk_sebelumnya": lambda p: rng.choice([None, "-", "3301-0201 0120.0001", "'3301020101200001", "123"]),
        "id": lambda p: rng.choice([None, rng.choice(pids)]),
        "no_kk": lambda p: rng.choice([None, "", rng.choice(numbers)]),
    }
    for p in plist:
        if rng.random() < rate:
            name = rng.choice(list(person_values))
            setattr(p, name, person_values[name](p))
        if rng.random() < rate / 2:  # recent marriages and divorces, with or without their certificate
            if rng.random() < 0.5:
                p.status_kawin, p.tanggalperkawinan, p.akta_perkawinan = 2, day(), rng.choice([None, " - ", "X"])
            else:
                p.status_kawin, p.tanggalperceraian, p.akta_perceraian = 3, day(), rng.choice([None, "", "X"])
    used = set(numbers)
    for f in flist:
        if rng.random() < rate * 2:
            name = rng.choice(["nik_kepala", "no_kk"] if partition else ["nik_kepala", "id", "no_kk"])
            if name == "nik_kepala":
                f.nik_kepala = rng.choice([None, 999999, rng.choice(pids)])
            elif name == "id":
                f.id = rng.choice([None, rng.choice(fids)])
            else:
                value = rng.choice([None, "", "0", rng.choice(numbers), "0330102200100012", "3302010101200001",
                                    "3301023213150001", "12345"])
                if partition and value and value in used:
                    value = f"3301020101{rng.randrange(10**6):06d}"
                used.add(value)
                f.no_kk = value
    event_values: dict[str, Any] = {
        "kode_peristiwa": lambda: rng.choice([None, 1, 2, 3, 4, 5, 6]),
        "tgl_peristiwa": lambda: rng.choice([None, moment()]),
        "tgl_lapor": lambda: rng.choice([None, moment()]),
        "id_pend": lambda: rng.choice([None, 999999, rng.choice(pids)]),
        "nik": lambda: rng.choice([None, "", rng.choice(niks)]),
        "akta_mati": lambda: rng.choice([None, "-", "AM"]),
        "ref_pindah": lambda: rng.choice([None, 1, 3, 7]),
        "alamat_tujuan": lambda: rng.choice([None, " ", "X"]),
        "id": lambda: rng.choice([None, rng.randrange(1, 50)]),
    }
    for e in elist:
        if rng.random() < rate * 2:
            name = rng.choice(list(event_values))
            setattr(e, name, event_values[name]())
        if e.kode_peristiwa == 2 and rng.random() < 0.3:
            e.tgl_peristiwa = moment()
    for i, e in enumerate(rng.sample(elist, max(1, int(len(elist) * rate / 4)))):
        logs[f"dup{i}"] = e.model_copy()
    for i, e in enumerate(rng.sample(list(family_logs.values()), 2)):
        family_logs[f"dup{i}"] = e.model_copy()
    for key in rng.sample(list(family_logs), 3):
        del family_logs[key]
    for e in family_logs.values():
        if rng.random() < rate:
            e.id_peristiwa = rng.choice([1, 2, 3, 5, 12, 14])
    if strip_ids:
        for p in plist:
            p.id = p.id_kk = None
        for f in flist:
            f.id = f.nik_kepala = None
        for e in elist:
            e.id_pend = e.id = None
        family_logs = {}
    return VillageData(kode_desa=v.kode_desa, desa=v.desa, wilayah=v.wilayah, keluarga=families, penduduk=people,
                       peristiwa=logs, peristiwa_keluarga=family_logs)


CASES = [
    pytest.param(seed, rate, strip, part,
                 id=f"s{seed}-r{rate}-{'noids' if strip else 'ids'}-{'part' if part else 'mixed'}")
    for seed in range(3) for rate in (0.02, 0.15) for strip in (False, True) for part in (True, False)
]


def _findings(village: VillageData, rules: list, **kw: Any) -> list[tuple]:
    report = run_rules(village, rules, RuleSettings(ref_date=REF), **kw)
    assert not report.errors, report.errors
    return sorted(
        (f.rule_id, f.severity, f.entity, f.record_key, f.message, f.message_en, f.record_id, f.dusun, f.rw, f.rt)
        for f in report.findings
    )


# --- rules ---------------------------------------------------------------------------------------------------

def test_clean_generated_village_gives_the_reference_findings_none():
    assert _findings(_clean(0), FAST) == _findings(_clean(0), reference_a.RULES) == []


@pytest.mark.parametrize(("seed", "rate", "strip", "partition"), CASES)
def test_fast_rules_give_the_reference_findings(seed, rate, strip, partition):
    village = _mutated(seed, rate, strip_ids=strip, partition=partition)
    expected = _findings(village, reference_a.RULES)
    assert _findings(village, FAST) == expected
    assert expected  # the mutations plant problems, so the comparison is not between two empty lists


@pytest.mark.parametrize("partition", [True, False])
def test_generated_cases_reach_both_family_paths(partition):
    fast_path = [RuleContext(_mutated(seed, rate, strip_ids=strip, partition=partition), REF).member_family
                 is not None for seed, rate, strip, part in (c.values for c in CASES) if part == partition]
    assert all(fast_path) if partition else not all(fast_path)


def test_every_fast_rule_fires_somewhere_in_the_generated_cases():
    fired = {row[0] for seed, rate, strip, part in (c.values for c in CASES)
             for row in _findings(_mutated(seed, rate, strip_ids=strip, partition=part), FAST)}
    never = {r.id for r in FAST} - fired - {"RTM-MULTI-HEAD"}  # needs tables; covered by test_rule_cases
    assert not never


def test_kk_one_per_person_across_villages_matches_the_reference():
    here = _mutated(1, 0.02, strip_ids=False, partition=True)
    other = _mutated(2, 0.02, strip_ids=False, partition=True)
    other = VillageData(kode_desa="3301022002", desa=other.desa, penduduk=other.penduduk, keluarga=other.keluarga)
    rules = [r for r in FAST if r.id == "KK-ONE-PER-PERSON"]
    reference = [r for r in reference_a.RULES if r.id == "KK-ONE-PER-PERSON"]
    expected = _findings(here, reference, other_villages=[other])
    assert _findings(here, rules, other_villages=[other]) == expected
    assert expected


# --- shared indexes --------------------------------------------------------------------------------------------

def _definitions(ctx: RuleContext) -> dict[str, Any]:
    """Each index as the row-by-row code that used to build it."""
    v = ctx.village
    residents = list(v.penduduk.items())
    hidup = [(k, p) for k, p in residents if p.status_dasar in (1, None)]
    by_nik: dict[str, list] = {}
    for k, p in residents:
        if p.nik:
            by_nik.setdefault(p.nik, []).append((k, p))
    by_person: dict[Any, list] = {}
    for key, e in v.peristiwa.items():
        pk = ("id", e.id_pend) if e.id_pend is not None else (("nik", e.nik) if e.nik else None)
        if pk is not None:
            by_person.setdefault(pk, []).append((key, e))
    for rows in by_person.values():
        rows.sort(key=_event_order)
    family_logs: dict[int, list] = {}
    for key, e in v.peristiwa_keluarga.items():
        if e.id_kk is not None:
            family_logs.setdefault(e.id_kk, []).append((key, e))
    for rows in family_logs.values():
        rows.sort(key=lambda row: (row[1].id is None, row[1].id or 0, row[0]))
    return {
        "hidup": hidup,
        "hidup_people": [p for _, p in hidup],
        "by_id": {p.id: (k, p) for k, p in residents if p.id is not None},
        "by_nik": by_nik,
        "events_by_person": by_person,
        "event_people": {key: ctx.person_of_event(e) for key, e in v.peristiwa.items()},
        "family_events": family_logs,
        "active_families": {key for key, f in v.keluarga.items()
                            if any(p.status_dasar in (1, None) for _, p in ctx.members_of(f))},
    }


@pytest.mark.parametrize(("seed", "rate", "strip", "partition"), CASES[:8])
def test_context_indexes_equal_their_row_by_row_definitions(seed, rate, strip, partition):
    village = _mutated(seed, rate, strip_ids=strip, partition=partition)
    ctx = RuleContext(village, REF)
    for name, expected in _definitions(RuleContext(village, REF)).items():
        got = getattr(ctx, name)
        assert got == expected, name
        if isinstance(expected, dict):
            assert list(got) == list(expected), name  # same key order too
    for name in ("nik", "kk_level", "status_dasar", "id_kk", "ayah_nik", "tanggallahir", "dusun", "telepon"):
        for alive in (False, True):
            rows = ctx.hidup if alive else ctx.residents
            assert ctx.column(name, hidup=alive) == [getattr(p, name) for _, p in rows], name
    for name in ("id_pend", "kode_peristiwa", "tgl_peristiwa", "catatan"):
        assert ctx.event_column(name) == [getattr(e, name) for e in village.peristiwa.values()]
    for name in ("id", "no_kk", "nik_kepala", "alamat"):
        assert ctx.family_column(name) == [getattr(f, name) for f in village.keluarga.values()]
    rows = [*ctx.residents, None]
    assert [rows[i] for i in ctx.event_positions] == [ctx.person_of_event(e) for e in village.peristiwa.values()]


@pytest.mark.parametrize(("seed", "rate", "strip", "partition"), CASES)
def test_member_family_is_members_of_turned_around_or_none(seed, rate, strip, partition):
    ctx = RuleContext(_mutated(seed, rate, strip_ids=strip, partition=partition), REF)
    member_family = ctx.member_family
    if member_family is None:
        assert not partition
        return
    for key, f in ctx.village.keluarga.items():
        assert [row for row, fam in zip(ctx.residents, member_family, strict=True) if fam == key] == ctx.members_of(f)
    in_families = {id(p) for f in ctx.village.keluarga.values() for _, p in ctx.members_of(f)}
    assert {id(p) for (_, p), fam in zip(ctx.residents, member_family, strict=True) if fam is not None} == in_families


def test_member_family_is_none_when_a_resident_is_in_two_families():
    village = _mutated(0, 0.0, strip_ids=False, partition=True)
    first, second = list(village.keluarga.values())[:2]
    second.id = first.id
    assert RuleContext(village, REF).member_family is None


def test_group_rows_keeps_first_seen_order_and_reports_repeats():
    index, twice = group_rows(["a", "b", "a", None, "c", "b", "a"], [1, 2, 3, 4, 5, 6, 7])
    assert index == {"a": [1, 3, 7], "b": [2, 6], None: [4], "c": [5]}
    assert list(index) == ["a", "b", None, "c"]
    assert twice == {"a", "b"}
    assert group_rows([1, 2], ["x", "y"]) == ({1: ["x"], 2: ["y"]}, set())


class _Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a: int) -> None:
        self.a, self.b = a, -a


class _Computed:
    def __init__(self, a: int) -> None:
        self.a = a

    @property
    def b(self) -> int:
        return -self.a


@pytest.mark.parametrize("make", [_Slotted, _Computed])
@pytest.mark.parametrize("count", [0, 1, 255, 256, 257, 1000])
def test_read_columns_reads_any_record_in_chunks(make, count):
    records = [make(i) for i in range(count)]
    assert _read_columns(records, ("a", "b")) == {"a": list(range(count)), "b": [-i for i in range(count)]}


# --- column helpers --------------------------------------------------------------------------------------------

_ODD_NUMBERS = [
    "3301020101900001", "0330102200100001", "330102010190000", "33010201019000011", "\u0663" * 16,
    "3" + "\u0663" * 15, "\u00b2" * 16, "33010201019000X1", "1.2345e+15", "", "0", None, " 3301020101900001",
    "9999999999999999", "1000000000000000",
]


@pytest.mark.parametrize("value", _ODD_NUMBERS)
def test_real_flags_and_all_real_agree_with_classify_nik(value):
    real = ids.classify_nik(value) == ids.REAL
    assert real_flags([value]) == [real]
    assert all_real([value, "3301020101900001"]) is real
    assert real_flags(_ODD_NUMBERS) == [ids.classify_nik(v) == ids.REAL for v in _ODD_NUMBERS]


def test_all_real_needs_every_value_sixteen_digits_long():
    assert all_real(["3301020101900001", "3301020101900002"])
    assert not all_real(["33010201019000013", "301020101900002"])  # 32 characters in all, but not 16 + 16
    assert not all_real(["3301020101900001", "0301020101900002"])


def test_empty_mask_agrees_with_empty():
    values = [None, "", " ", "-", " - ", "--", "x", "AL-1", 0, 5, "\t-\n", "-", None]
    assert empty_mask(values) == [empty(v) for v in values]
    assert empty_mask(["a", "", "a"]) == [False, True, False]


def test_repeated_first_of_and_ordinals():
    assert repeated([1, 2, 1, None, None, 3, 2]) == {1, 2}
    assert repeated(["a", "b"]) == set()
    assert first_of(["a", "b", "a"], [1, 2, 3]) == {"a": 1, "b": 2}
    when = [date(2020, 1, 2), datetime(2020, 1, 2, 23, 59), None]
    assert ordinals(when, -1) == [date(2020, 1, 2).toordinal()] * 2 + [-1]
