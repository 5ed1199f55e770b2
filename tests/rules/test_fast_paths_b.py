"""The column-wise fast paths of the NIK, person, region and officials rules give exactly the old findings.

Each fast path tests whole columns and reads only suspicious rows; the oracle is ``golden/fast_paths_b.json.gz``,
the findings of the row-by-row originals (commit 9c9ff37) on the generated villages of ``fast_path_villages``
(``RUNS_B``), which plant many defects and near misses at once (odd NIKs, ages on the 17th/121st birthday,
29 February, blank-looking documents, dangling clusters, ...).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from sid_connector.models import Penduduk
from sid_connector.rules import RuleSettings, run_rules
from sid_connector.rules.model import RuleContext, age_on
from sid_connector_rules_dukcapil import ids, nik, officials, person, region
from sid_connector_rules_dukcapil._base import (
    NO_DATE,
    birth_ordinals,
    blank_flags,
    born_by,
    born_ordinals,
    classify_niks,
    date_blocks,
    empty,
    joined_text,
    nik_date_mismatches,
    real_niks,
    suspect_rows,
)
from tests.rules.conftest import REF, VB, base
from tests.rules.fast_path_villages import RUNS_B, check_golden, mixed_village, read_golden

FAST = [*nik.RULES, *region.RULES, *person.RULES, *officials.RULES]
MIXED = [name for name in RUNS_B if name.startswith("mixed-")]
LATEST = [name for name in RUNS_B if name.startswith("latest-")]


def _findings(vb: VB, rules: list) -> list[tuple]:
    report = run_rules(vb.build(), rules, RuleSettings(ref_date=REF), tables=vb.tables, options=vb.options)
    assert not report.errors, report.errors
    return sorted((f.rule_id, f.record_key, f.message) for f in report.findings)


# --- generated villages --------------------------------------------------------------------------------------


def test_golden_file_holds_every_generated_run():
    assert sorted(read_golden("fast_paths_b")) == sorted(RUNS_B)


@pytest.mark.parametrize("name", MIXED)
def test_generated_village_findings_equal_the_golden_ones(name):
    check_golden("fast_paths_b", name, FAST)


def test_generated_villages_exercise_most_rules():
    """The generator is only a useful oracle if it makes most of these rules fire somewhere."""
    golden = read_golden("fast_paths_b")
    fired: Counter[str] = Counter()
    for name in MIXED:
        fired.update({row[0] for row in golden[name]["findings"]})
    silent = {r.id for r in FAST} - set(fired)
    assert len(silent) <= 8, sorted(silent)


@pytest.mark.parametrize("name", LATEST)
def test_latest_event_shortcut_agrees_when_the_log_is_out_of_id_order_or_lacks_ids(name):
    """Variants: the log as built, newest first (log order is not id order), and with an event known by NIK only."""
    check_golden("fast_paths_b", name, FAST)


# --- building blocks -----------------------------------------------------------------------------------------

_TRICKY_NIKS = [
    None,
    "",
    "0",
    "00",
    "3301021507900001",
    "0330102200100001",
    "330102150790000",
    "33010215079000011",
    "\u0663301021507900001",
    "3\u06633010215079000",
    "33010215079000X1",
    "1.2345e+15",
    "3301021507900000",
    "1" * 16,
    "0" * 16,
    "9" * 16,
]


@pytest.mark.parametrize("start", range(len(_TRICKY_NIKS)))
def test_classify_niks_equals_classify_nik_per_value(start):
    values = _TRICKY_NIKS[start:] + _TRICKY_NIKS[:start]
    assert classify_niks(values) == [ids.classify_nik(v) for v in values]
    only_16 = [v for v in values if v is not None and len(v) == 16]
    assert classify_niks(only_16) == [ids.classify_nik(v) for v in only_16]
    real = ["3301021507900001", "9999999999999999"] * 3
    assert classify_niks(real) == [ids.REAL] * 6


def _unknown_births() -> VB:
    b = base()
    for status, born in ((1, None), (2, None), (2, date(1950, 1, 1)), (None, None), (6, date(2000, 2, 29))):
        b.person(fam=None, status_dasar=status, tanggallahir=born, event=False)
    return b


@pytest.mark.parametrize("seed", [None, 45, 50, 56])  # generated villages with unknown births, HIDUP or not
def test_birth_ordinals_of_all_and_of_hidup_residents_follow_tanggallahir(seed):
    ctx = RuleContext((_unknown_births() if seed is None else mixed_village(seed)).build(), REF)
    every = [NO_DATE if p.tanggallahir is None else p.tanggallahir.toordinal() for _, p in ctx.residents]
    hidup = [NO_DATE if p.tanggallahir is None else p.tanggallahir.toordinal() for _, p in ctx.hidup]
    assert birth_ordinals(ctx) == every
    assert born_ordinals(ctx) == hidup
    assert NO_DATE in hidup and len(hidup) < len(every)  # unknown dates and non-HIDUP residents are exercised
    assert date.min.toordinal() > NO_DATE  # before every real date


def test_born_by_agrees_with_age_on_around_every_birthday():
    refs = [date(2026, 6, 30), date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2026, 1, 1)]
    for ref in refs:
        for years in (0, 1, 17, 19, 121):
            cut = born_by(ref, years)
            start = date(ref.year - years - 1, 1, 1)
            for offset in range(3 * 366):
                born = start + timedelta(days=offset)
                assert (born.toordinal() <= cut) == (age_on(born, ref) >= years), (ref, years, born)


def test_nik_date_mismatches_leave_only_valid_matching_dates_unlisted():
    b = VB()
    rows = [
        ("3301021507900001", date(1990, 7, 15)),
        ("3301025507900002", date(1990, 7, 15)),
        ("3301021507910003", date(1990, 7, 15)),
        ("3301022902000004", date(2000, 2, 29)),
        ("3301026902000005", date(2000, 2, 29)),
        ("3301023102900006", date(1990, 2, 28)),
        ("3301021507900007", None),
        ("330102\u0661\u06650790000", date(1990, 7, 15)),
        ("3301027112990009", date(1999, 12, 31)),
        ("3301023112990010", date(1999, 12, 31)),
    ]
    for number, born in rows:
        b.person(fam=None, nik=number, tanggallahir=born, event=False)
    village = b.build()
    ctx = RuleContext(village, REF)
    listed = set(nik_date_mismatches(ctx))
    for i, (_, p) in enumerate(real_niks(ctx).rows):
        parts = ids.nik_birth(p.nik)
        same = (
            parts is not None
            and p.tanggallahir is not None
            and parts[:3] == (p.tanggallahir.day, p.tanggallahir.month, p.tanggallahir.year % 100)
        )
        assert (i not in listed) == same, p.nik


def test_suspect_rows_judges_each_combination_once():
    calls: list[tuple[int, str]] = []

    def judge(a: int, b: str) -> bool:
        calls.append((a, b))
        return a == 2 and b == "x"

    rows = suspect_rows([[1, 2, 2, 1, 2], ["x", "x", "y", "x", "x"]], judge)
    assert rows == [1, 4]
    assert sorted(calls) == [(1, "x"), (2, "x"), (2, "y")]
    assert suspect_rows([[1, 1], ["y", "y"]], judge) == []


def test_blank_flags_follow_empty_per_value():
    b = VB()
    values = [None, "-", "AK-1", "0", "x-"]
    for value in values:
        b.person(fam=None, akta_perkawinan=value, event=False)
    ctx = RuleContext(b.build(), REF)
    stored = [p.akta_perkawinan for _, p in ctx.hidup]
    assert blank_flags(ctx, "akta_perkawinan") == [empty(v) for v in stored]
    assert True in blank_flags(ctx, "akta_perkawinan") and False in blank_flags(ctx, "akta_perkawinan")


def test_names_with_any_character_outside_the_pattern_are_found():
    for name in ["BUDI 2", "BÜDI", "BUDI\nSANTOSO", "BUDI_S", "BUDI\tS"]:
        b = base()
        b.set(1, nama=name)
        assert [f[0] for f in _findings(b, [person.per_name_chars])] == ["PER-NAME-CHARS"], name
    b = base()
    b.set(1, nama="Budi O'Neil-Putra, S.Pd.")
    assert _findings(b, [person.per_name_chars]) == []


def test_penduduk_model_keeps_the_odd_values_the_generator_relies_on():
    """If the model starts normalising these, the generated villages stop testing the odd paths."""
    p = Penduduk.model_validate({"nik": "\u0663" * 16, "nama": "BUDI\nSANTOSO", "akta_perkawinan": "-"})
    assert (p.nik, p.nama, p.akta_perkawinan) == ("\u0663" * 16, "BUDI\nSANTOSO", "-")


@pytest.mark.parametrize(
    "names",
    [
        ["BUDI", "SITI"],
        ["BUDI", None, "SITI"],
        ["", "BUDI"],
        ["BUDI", ""],
        ["BUDI", "-"],
        ["-"],
        ["B\nC", "D"],
        ["BUDI", "\n"],
        ["A-B", "C"],
        [None],
        ["X"],
    ],
)
def test_joined_text_knows_blanks_and_exact_values(names):
    b = VB()
    for _ in names:
        b.person(fam=None, nama="TMP", event=False)
    ctx = RuleContext(b.build(), REF)
    for p, name in zip(ctx.people, names, strict=True):  # bypass the model's trimming: any stored text
        p.__dict__["nama"] = name
    text = joined_text(ctx, "nama")
    assert text.total == len(names)
    assert text.filled == sum(1 for name in names if name)
    found = text.has_value("-")
    assert found is None or found == ("-" in names)
    filled = [name for name in names if name]
    assert text.joined is None or (text.joined == "\n".join(filled) and "\n" not in "".join(filled))


def test_date_blocks_equal_the_ddmmyy_of_each_date():
    days = [
        date(1900, 2, 28),
        date(1900, 3, 1),
        date(2000, 2, 29),
        date(1999, 12, 31),
        date(2026, 6, 30),
        date(1960, 1, 1),
        date(2024, 2, 29),
        date(2024, 3, 1),
        date(1985, 7, 15),
        date(1985, 7, 15),
    ]
    blocks = date_blocks([d.toordinal() for d in days])
    assert blocks == "".join(f"{d.day:02d}{d.month:02d}{d.year % 100:02d}" for d in days)
    assert date_blocks([]) == ""
    assert date_blocks([date(1990, 1, 1).toordinal(), NO_DATE]) is None
    assert date_blocks([date(1700, 1, 1).toordinal(), date(2000, 1, 1).toordinal()]) is None
