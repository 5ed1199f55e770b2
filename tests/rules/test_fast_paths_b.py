"""The column-wise fast paths of the NIK, person, region and officials rules give exactly the old findings.

Each fast path tests whole columns and reads only suspicious rows; the frozen row-by-row originals
(``tests.rules.reference_b``) are the oracle. Generated villages plant many defects and near misses at once
(odd NIKs, ages on the 17th/121st birthday, 29 February, blank-looking documents, dangling clusters, ...).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from sid_connector.models import Penduduk
from sid_connector.rules import RuleSettings, run_rules
from sid_connector.rules.model import RuleContext, age_on
from sid_connector_rules_dukcapil import ids, nik, officials, person, region
from sid_connector_rules_dukcapil._base import (
    NO_DATE,
    blank_flags,
    born_by,
    classify_niks,
    date_blocks,
    empty,
    joined_text,
    nik_date_mismatches,
    real_niks,
    suspect_rows,
)
from tests.rules import reference_b
from tests.rules.conftest import KODE, REF, VB, base, officials_tables

FAST = [*nik.RULES, *region.RULES, *person.RULES, *officials.RULES]


def _findings(vb: VB, rules: list) -> tuple[list, list]:
    report = run_rules(vb.build(), rules, RuleSettings(ref_date=REF), tables=vb.tables, options=vb.options)
    findings = sorted(
        (f.rule_id, f.severity, f.entity, f.record_key, f.message, f.message_en, f.record_id, f.dusun, f.rw, f.rt)
        for f in report.findings
    )
    return findings, sorted(e.rule_id for e in report.errors)


# --- generated villages --------------------------------------------------------------------------------------

def _odd_nik(rng: random.Random, b: VB, pid: int) -> str | None:
    own = b.pend[pid]["nik"]
    other = b.pend[rng.randrange(1, pid + 1)]["nik"]
    return rng.choice([
        own, other, None, "0", "12345", "330102150790000", "33010215079000X1", "1.2345e+15",
        f"0{KODE}{rng.randrange(100000):05d}", f"03301020001{rng.randrange(100000):05d}",
        "\u0663" * 16, own[:6] + "\u0661\u0665" + own[8:], own[:12] + "0000", "3300" + own[4:], "3301" + "00" + own[6:],
        "40" + own[2:], "330199" + own[6:], "3302011507900001", own[:6] + "3102" + own[10:],
        own[:6] + "2902" + "95" + own[12:], own[:6] + "2902" + "96" + own[12:], own[:6] + "7112" + own[10:],
        own[:6] + "3213" + own[10:], own[:6] + "0001" + own[10:], own[:6] + "0712" + own[10:],
        own[:6] + f"{int(own[6:8]) + 40:02d}" + own[8:] if int(own[6:8]) <= 31 else own,
    ])


def _odd_birth(rng: random.Random) -> date | None:
    seventeen, old = REF.replace(year=REF.year - 17), REF.replace(year=REF.year - 121)
    return rng.choice([
        None, date(2000, 2, 29), date(1996, 2, 29), date(2024, 2, 29), date(2022, 1, 1), date(2021, 12, 31),
        seventeen, seventeen + timedelta(days=1), seventeen - timedelta(days=1), old, old + timedelta(days=1),
        REF + timedelta(days=1), REF, date(1905, 1, 1), date(2008, 1, 1),
        date(rng.randint(1930, 2026), rng.randint(1, 12), rng.randint(1, 28)),
    ])


_NAMES = ["BUDI SANTOSO", "BUDI", "Budi O'Neil-Putra, S.Pd.", "BUDI 2", "BÜDI SANTOSO", "BUDI\nSANTOSO", "-",
          "A" * 30 + " " + "B" * 31, "SITI  AMINAH", "Z", None]
_DOCS = [None, "-", "AK-2", "  -  ", "0"]


def _mutate_person(rng: random.Random, b: VB, pid: int) -> None:
    row = b.pend[pid]
    choices = {
        "nik": lambda: _odd_nik(rng, b, pid),
        "tanggallahir": lambda: _odd_birth(rng),
        "sex": lambda: rng.choice([1, 2, None, 3]),
        "status_dasar": lambda: rng.choice([1, 1, 2, 3, 4, 6, 9, None]),
        "status_kawin": lambda: rng.choice([1, 2, 3, 4, None, 7]),
        "akta_perkawinan": lambda: rng.choice(_DOCS),
        "tanggalperkawinan": lambda: rng.choice([None, date(2014, 1, 1), date(2005, 6, 1), date(2019, 10, 14)]),
        "akta_perceraian": lambda: rng.choice(_DOCS),
        "tanggalperceraian": lambda: rng.choice([None, date(2010, 1, 1), date(2020, 1, 1)]),
        "status_rekam": lambda: rng.choice([None, 1, 2, 3, 4, 8, 9]),
        "ktp_el": lambda: rng.choice([None, 1, 2, 3]),
        "warganegara_id": lambda: rng.choice([1, 2, 3, None]),
        "dokumen_kitas": lambda: rng.choice([None, "-", "KT-1"]),
        "dokumen_pasport": lambda: rng.choice([None, "P-1"]),
        "ayah_nik": lambda: rng.choice([None, "0", row["nik"], "12345", b.pend[1]["nik"], "\u0663" * 16]),
        "ibu_nik": lambda: rng.choice([None, "0", row["nik"], "1" * 17, b.pend[2]["nik"]]),
        "nama": lambda: rng.choice(_NAMES),
        "nama_ayah": lambda: rng.choice(_NAMES),
        "nama_ibu": lambda: rng.choice(_NAMES),
        "email": lambda: rng.choice([None, "-", "a@x.test", "A@X.test"]),
        "telegram": lambda: rng.choice([None, "@warga", "-"]),
        "tag_id_card": lambda: rng.choice([None, "TAG1"]),
        "tanggal_cetak_ktp": lambda: rng.choice([None, date(2020, 1, 1), REF, REF + timedelta(days=3)]),
        "hamil": lambda: rng.choice([None, 1, 2]),
        "cara_kb_id": lambda: rng.choice([None, 1, 2, 3, 99]),
        "kk_level": lambda: rng.choice([None, 1, 4, 9]),
        "agama_id": lambda: rng.choice([1, 0, 9, None]),
        "tempatlahir": lambda: rng.choice(["CILACAP", "-", None]),
        "id_cluster": lambda: rng.choice([None, 1, 2, 3, 4, 5, 6, 99]),
        "id_kk": lambda: rng.choice([None, 1, 2]),
    }
    for column in rng.sample(sorted(choices), rng.randint(0, 6)):
        row[column] = choices[column]()


def _village(seed: int) -> VB:
    rng = random.Random(seed)
    b = base(with_ids=seed % 5 != 0)
    b.wilayah("Krajan", "-", "-")
    b.wilayah("Sidamulya", "0", "0", id_kepala=rng.choice([None, 1, 3, 99]))
    b.wilayah("Sidamulya", "-", "-", id_kepala=rng.choice([None, 2]))
    b.wilayah("Krajan", "-", "002", id_kepala=rng.choice([None, 3, 4]))
    b.family(cluster=rng.choice([2, 3, 5, 99]), nik_kepala=4)
    for _ in range(rng.randint(5, 30)):
        b.person(
            fam=rng.choice([1, 2, None]), kk_level=rng.choice([1, 3, 4, 9]), sex=rng.choice([1, 2]),
            born=date(rng.randint(1940, 2025), rng.randint(1, 12), rng.randint(1, 28)),
            kawin=rng.choice([1, 2, 2, 3, 4]), cluster=rng.choice([2, 2, 6, 3, 5]), event=rng.random() < 0.8,
        )
    for pid in list(b.pend):
        _mutate_person(rng, b, pid)
        if rng.random() < 0.3:
            b.event(pid, rng.choice([1, 2, 3, 4, 5, 6, None, 7]), date(2020 + rng.randint(0, 6), 1, 1 + pid % 28))
    if seed % 3 == 0:
        b.tables = officials_tables(kades=rng.random() < 0.5, sekdes=rng.random() < 0.5, kasi=rng.random() < 0.5)
        b.tables["tweb_desa_pamong"].append({"pamong_id": 9, "id_pend": 3, "pamong_status": 1, "jabatan_id": 2})
    if seed % 4 == 0:
        b.options = {"opensid_version": "2601", "election_date": "2029-02-14"}
    return b


@pytest.mark.parametrize("seed", range(60))
def test_generated_village_findings_equal_the_row_by_row_originals(seed):
    village = _village(seed)
    fast, fast_errors = _findings(village, FAST)
    slow, slow_errors = _findings(village, reference_b.RULES)
    assert fast_errors == slow_errors
    assert fast == slow


def test_generated_villages_exercise_most_rules():
    """The generator is only a useful oracle if it makes most of these rules fire somewhere."""
    fired: Counter[str] = Counter()
    for seed in range(60):
        fired.update({row[0] for row in _findings(_village(seed), FAST)[0]})
    silent = {r.id for r in FAST} - set(fired)
    assert len(silent) <= 8, sorted(silent)


# --- building blocks -----------------------------------------------------------------------------------------

_TRICKY_NIKS = [
    None, "", "0", "00", "3301021507900001", "0330102200100001", "330102150790000", "33010215079000011",
    "\u0663301021507900001", "3\u06633010215079000", "33010215079000X1", "1.2345e+15", "3301021507900000",
    "1" * 16, "0" * 16, "9" * 16,
]


@pytest.mark.parametrize("start", range(len(_TRICKY_NIKS)))
def test_classify_niks_equals_classify_nik_per_value(start):
    values = _TRICKY_NIKS[start:] + _TRICKY_NIKS[:start]
    assert classify_niks(values) == [ids.classify_nik(v) for v in values]
    only_16 = [v for v in values if v is not None and len(v) == 16]
    assert classify_niks(only_16) == [ids.classify_nik(v) for v in only_16]
    real = ["3301021507900001", "9999999999999999"] * 3
    assert classify_niks(real) == [ids.REAL] * 6


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
        ("3301021507900001", date(1990, 7, 15)), ("3301025507900002", date(1990, 7, 15)),
        ("3301021507910003", date(1990, 7, 15)), ("3301022902000004", date(2000, 2, 29)),
        ("3301026902000005", date(2000, 2, 29)), ("3301023102900006", date(1990, 2, 28)),
        ("3301021507900007", None), ("330102\u0661\u06650790000", date(1990, 7, 15)),
        ("3301027112990009", date(1999, 12, 31)), ("3301023112990010", date(1999, 12, 31)),
    ]
    for number, born in rows:
        b.person(fam=None, nik=number, tanggallahir=born, event=False)
    village = b.build()
    ctx = RuleContext(village, REF)
    listed = set(nik_date_mismatches(ctx))
    for i, (_, p) in enumerate(real_niks(ctx).rows):
        parts = ids.nik_birth(p.nik)
        same = parts is not None and p.tanggallahir is not None and parts[:3] == (
            p.tanggallahir.day, p.tanggallahir.month, p.tanggallahir.year % 100)
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
        assert [f[0] for f in _findings(b, [person.per_name_chars])[0]] == ["PER-NAME-CHARS"], name
    b = base()
    b.set(1, nama="Budi O'Neil-Putra, S.Pd.")
    assert _findings(b, [person.per_name_chars])[0] == []


def test_penduduk_model_keeps_the_odd_values_the_generator_relies_on():
    """If the model starts normalising these, the generated villages stop testing the odd paths."""
    p = Penduduk.model_validate({"nik": "\u0663" * 16, "nama": "BUDI\nSANTOSO", "akta_perkawinan": "-"})
    assert (p.nik, p.nama, p.akta_perkawinan) == ("\u0663" * 16, "BUDI\nSANTOSO", "-")


@pytest.mark.parametrize("names", [
    ["BUDI", "SITI"], ["BUDI", None, "SITI"], ["", "BUDI"], ["BUDI", ""], ["BUDI", "-"], ["-"], ["B\nC", "D"],
    ["BUDI", "\n"], ["A-B", "C"], [None], ["X"],
])
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


def _report(village, rules) -> list:
    report = run_rules(village, rules, RuleSettings(ref_date=REF))
    assert not report.errors
    return sorted((f.rule_id, f.record_key, f.message) for f in report.findings)


@pytest.mark.parametrize("seed", range(1, 60, 7))
def test_latest_event_shortcut_agrees_when_the_log_is_out_of_id_order_or_lacks_ids(seed):
    village = _village(seed).build()
    fast = [r for r in FAST if r.id in ("PER-STATUS-LOG-SYNC", "PER-LOG-MISSING", "NIK-TEMP")]
    slow = [r for r in reference_b.RULES if r.id in ("PER-STATUS-LOG-SYNC", "PER-LOG-MISSING", "NIK-TEMP")]
    assert _report(village, fast) == _report(village, slow)
    village.peristiwa = dict(reversed(village.peristiwa.items()))  # newest first: log order is not id order
    assert _report(village, fast) == _report(village, slow)
    first = next(iter(village.peristiwa.values()))
    first.id_pend = None  # an event known only by NIK
    assert _report(village, fast) == _report(village, slow)


def test_date_blocks_equal_the_ddmmyy_of_each_date():
    days = [date(1900, 2, 28), date(1900, 3, 1), date(2000, 2, 29), date(1999, 12, 31), date(2026, 6, 30),
            date(1960, 1, 1), date(2024, 2, 29), date(2024, 3, 1), date(1985, 7, 15), date(1985, 7, 15)]
    blocks = date_blocks([d.toordinal() for d in days])
    assert blocks == "".join(f"{d.day:02d}{d.month:02d}{d.year % 100:02d}" for d in days)
    assert date_blocks([]) == ""
    assert date_blocks([date(1990, 1, 1).toordinal(), NO_DATE]) is None
    assert date_blocks([date(1700, 1, 1).toordinal(), date(2000, 1, 1).toordinal()]) is None
