"""The column-wise fast paths of the event, family and KK rules and of the shared RuleContext indexes give
exactly the old answers.

The rules' oracle is ``golden/fast_paths_a.json.gz``: the findings of the row-by-row rules (commit 9c9ff37) on
the generated villages of ``fast_path_villages`` (``RUNS_A``); the indexes are checked against their row-by-row
definitions. Generated villages are mutated to plant many defects and near misses at once: duplicate and missing
ids, residents without ``id_kk``, dead heads, odd KK numbers, events around the 30/60 day limits, duplicate logs,
sources without ids (workbook-like), and the cases where family membership is no partition (the general path) as
well as where it is (the fast path).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from sid_connector.rules.model import RuleContext, _event_order, _read_columns, group_rows
from sid_connector_rules_dukcapil import events, family, ids, kk
from sid_connector_rules_dukcapil._base import empty, ordinals
from sid_connector_rules_dukcapil._index import (
    all_real,
    empty_mask,
    first_of,
    repeated,
)
from tests.rules.fast_path_villages import CASES_A, REF, RUNS_A, case_name, check_golden, mutated_village, read_golden

FAST = [*kk.RULES, *family.RULES, *events.RULES]
CASES = [pytest.param(*case, id=case_name(*case)) for case in CASES_A]


# --- rules ---------------------------------------------------------------------------------------------------


def test_golden_file_holds_every_generated_run():
    assert sorted(read_golden("fast_paths_a")) == sorted(RUNS_A)


def test_clean_generated_village_gives_the_golden_findings_none():
    assert check_golden("fast_paths_a", "clean-0", FAST) == {"findings": [], "errors": []}


@pytest.mark.parametrize(("seed", "rate", "strip", "partition"), CASES)
def test_fast_rules_give_the_golden_findings(seed, rate, strip, partition):
    found = check_golden("fast_paths_a", case_name(seed, rate, strip, partition), FAST)
    assert found["findings"]  # the mutations plant problems, so the comparison is not between two empty lists
    assert not found["errors"]


@pytest.mark.parametrize("partition", [True, False])
def test_generated_cases_reach_both_family_paths(partition):
    fast_path = [
        RuleContext(mutated_village(seed, rate, strip_ids=strip, partition=partition), REF).member_family is not None
        for seed, rate, strip, part in CASES_A
        if part == partition
    ]
    assert all(fast_path) if partition else not all(fast_path)


def test_every_fast_rule_fires_somewhere_in_the_generated_cases():
    golden = read_golden("fast_paths_a")
    fired = {row[0] for case in CASES_A for row in golden[case_name(*case)]["findings"]}
    never = {r.id for r in FAST} - fired - {"RTM-MULTI-HEAD"}  # needs tables; covered by test_rule_cases
    assert not never


def test_kk_one_per_person_across_villages_gives_the_golden_findings():
    assert check_golden("fast_paths_a", "kk-across", FAST)["findings"]


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
        "active_families": {
            key for key, f in v.keluarga.items() if any(p.status_dasar in (1, None) for _, p in ctx.members_of(f))
        },
    }


@pytest.mark.parametrize(("seed", "rate", "strip", "partition"), CASES[:8])
def test_context_indexes_equal_their_row_by_row_definitions(seed, rate, strip, partition):
    village = mutated_village(seed, rate, strip_ids=strip, partition=partition)
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
    ctx = RuleContext(mutated_village(seed, rate, strip_ids=strip, partition=partition), REF)
    member_family = ctx.member_family
    if member_family is None:
        assert not partition
        return
    for key, f in ctx.village.keluarga.items():
        assert [row for row, fam in zip(ctx.residents, member_family, strict=True) if fam == key] == ctx.members_of(f)
    in_families = {id(p) for f in ctx.village.keluarga.values() for _, p in ctx.members_of(f)}
    assert {id(p) for (_, p), fam in zip(ctx.residents, member_family, strict=True) if fam is not None} == in_families


def test_member_family_is_none_when_a_resident_is_in_two_families():
    village = mutated_village(0, 0.0, strip_ids=False, partition=True)
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
    "3301020101900001",
    "0330102200100001",
    "330102010190000",
    "33010201019000011",
    "\u0663" * 16,
    "3" + "\u0663" * 15,
    "\u00b2" * 16,
    "33010201019000X1",
    "1.2345e+15",
    "",
    "0",
    None,
    " 3301020101900001",
    "9999999999999999",
    "1000000000000000",
]


@pytest.mark.parametrize("value", _ODD_NUMBERS)
def test_all_real_agrees_with_classify_kk(value):
    real = ids.classify_kk(value) == ids.REAL
    assert all_real([value, "3301020101900001"]) is real


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
