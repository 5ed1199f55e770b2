"""The generated villages of the fast-path tests and the golden findings recorded for them.

``test_fast_paths_a`` (event, family and KK rules) and ``test_fast_paths_b`` (NIK, person, region and officials
rules) compare the pack's findings on these villages with ``golden/fast_paths_{a,b}.json.gz``, which
``golden/regenerate.py`` wrote with the row-by-row rules of commit 9c9ff37 (before the column-wise fast paths).
So this module imports nothing that commit lacks, and every village is a pure function of its name: seeded
``random.Random`` only, choices drawn from lists in a fixed order (never from a set), fixed dates (no clock).
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import cache, partial
from pathlib import Path
from typing import Any

from sid_connector import synth
from sid_connector.rules import Rule, RuleReport, RuleSettings, run_rules
from sid_connector.village import VillageData
from tests.rules.conftest import KODE, REF, VB, base, officials_tables
from tests.rules.test_synth_village import to_village

GOLDEN = Path(__file__).parent / "golden"
SETTINGS = RuleSettings(ref_date=REF)


# --- villages of test_fast_paths_a -------------------------------------------------------------------------


@cache
def clean_village(seed: int) -> VillageData:
    return to_village(synth.generate(synth.VillageSpec(residents=400, seed=seed, ref_date=REF)))


def mutated_village(seed: int, rate: float, *, strip_ids: bool, partition: bool) -> VillageData:
    """A copy of a clean generated village with ``rate`` of its values replaced by odd ones.

    ``partition`` keeps every resident in at most one family (no ``id_kk`` removed, no repeated family id or
    number), so the family rules take their column-wise path; otherwise they mostly take the general one.
    """
    rng = random.Random(seed * 1000 + int(rate * 100) + 10 * strip_ids + 20 * partition)
    v = clean_village(seed % 2)
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
                value = rng.choice(
                    [
                        None,
                        "",
                        "0",
                        rng.choice(numbers),
                        "0330102200100012",
                        "3302010101200001",
                        "3301023213150001",
                        "12345",
                    ]
                )
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
    return VillageData(
        kode_desa=v.kode_desa,
        desa=v.desa,
        wilayah=v.wilayah,
        keluarga=families,
        penduduk=people,
        peristiwa=logs,
        peristiwa_keluarga=family_logs,
    )


CASES_A = [
    (seed, rate, strip, part)
    for seed in range(3)
    for rate in (0.02, 0.15)
    for strip in (False, True)
    for part in (True, False)
]
"""(seed, rate, strip_ids, partition) of each mutated village."""


def case_name(seed: int, rate: float, strip: bool, partition: bool) -> str:
    """The name of a mutated village in the golden file (and its pytest id)."""
    return f"s{seed}-r{rate}-{'noids' if strip else 'ids'}-{'part' if partition else 'mixed'}"


def _mutated_run(case: tuple[int, float, bool, bool], rules: Sequence[Rule]) -> RuleReport:
    seed, rate, strip, partition = case
    return run_rules(mutated_village(seed, rate, strip_ids=strip, partition=partition), rules, SETTINGS)


def _kk_across_run(rules: Sequence[Rule]) -> RuleReport:
    """KK-ONE-PER-PERSON with a neighbour village (another kode_desa) sharing NIKs."""
    here = mutated_village(1, 0.02, strip_ids=False, partition=True)
    other = mutated_village(2, 0.02, strip_ids=False, partition=True)
    other = VillageData(kode_desa="3301022002", desa=other.desa, penduduk=other.penduduk, keluarga=other.keluarga)
    return run_rules(here, _only(rules, "KK-ONE-PER-PERSON"), SETTINGS, other_villages=[other])


RUNS_A: dict[str, Callable[[Sequence[Rule]], RuleReport]] = {
    "clean-0": lambda rules: run_rules(clean_village(0), rules, SETTINGS),
    **{case_name(*case): partial(_mutated_run, case) for case in CASES_A},
    "kk-across": _kk_across_run,
}
"""Each run of test_fast_paths_a by name: given the event, family and KK rules, run (a subset of) them."""


# --- villages of test_fast_paths_b -------------------------------------------------------------------------


def _odd_nik(rng: random.Random, b: VB, pid: int) -> str | None:
    own = b.pend[pid]["nik"]
    other = b.pend[rng.randrange(1, pid + 1)]["nik"]
    return rng.choice(
        [
            own,
            other,
            None,
            "0",
            "12345",
            "330102150790000",
            "33010215079000X1",
            "1.2345e+15",
            f"0{KODE}{rng.randrange(100000):05d}",
            f"03301020001{rng.randrange(100000):05d}",
            "\u0663" * 16,
            own[:6] + "\u0661\u0665" + own[8:],
            own[:12] + "0000",
            "3300" + own[4:],
            "3301" + "00" + own[6:],
            "40" + own[2:],
            "330199" + own[6:],
            "3302011507900001",
            own[:6] + "3102" + own[10:],
            own[:6] + "2902" + "95" + own[12:],
            own[:6] + "2902" + "96" + own[12:],
            own[:6] + "7112" + own[10:],
            own[:6] + "3213" + own[10:],
            own[:6] + "0001" + own[10:],
            own[:6] + "0712" + own[10:],
            own[:6] + f"{int(own[6:8]) + 40:02d}" + own[8:] if int(own[6:8]) <= 31 else own,
        ]
    )


def _odd_birth(rng: random.Random) -> date | None:
    seventeen, old = REF.replace(year=REF.year - 17), REF.replace(year=REF.year - 121)
    return rng.choice(
        [
            None,
            date(2000, 2, 29),
            date(1996, 2, 29),
            date(2024, 2, 29),
            date(2022, 1, 1),
            date(2021, 12, 31),
            seventeen,
            seventeen + timedelta(days=1),
            seventeen - timedelta(days=1),
            old,
            old + timedelta(days=1),
            REF + timedelta(days=1),
            REF,
            date(1905, 1, 1),
            date(2008, 1, 1),
            date(rng.randint(1930, 2026), rng.randint(1, 12), rng.randint(1, 28)),
        ]
    )


_NAMES = [
    "BUDI SANTOSO",
    "BUDI",
    "Budi O'Neil-Putra, S.Pd.",
    "BUDI 2",
    "BÜDI SANTOSO",
    "BUDI\nSANTOSO",
    "-",
    "A" * 30 + " " + "B" * 31,
    "SITI  AMINAH",
    "Z",
    None,
]
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


def mixed_village(seed: int) -> VB:
    rng = random.Random(seed)
    b = base(with_ids=seed % 5 != 0)
    b.wilayah("Krajan", "-", "-")
    b.wilayah("Sidamulya", "0", "0", id_kepala=rng.choice([None, 1, 3, 99]))
    b.wilayah("Sidamulya", "-", "-", id_kepala=rng.choice([None, 2]))
    b.wilayah("Krajan", "-", "002", id_kepala=rng.choice([None, 3, 4]))
    b.family(cluster=rng.choice([2, 3, 5, 99]), nik_kepala=4)
    for _ in range(rng.randint(5, 30)):
        b.person(
            fam=rng.choice([1, 2, None]),
            kk_level=rng.choice([1, 3, 4, 9]),
            sex=rng.choice([1, 2]),
            born=date(rng.randint(1940, 2025), rng.randint(1, 12), rng.randint(1, 28)),
            kawin=rng.choice([1, 2, 2, 3, 4]),
            cluster=rng.choice([2, 2, 6, 3, 5]),
            event=rng.random() < 0.8,
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


def _mixed_run(seed: int, rules: Sequence[Rule]) -> RuleReport:
    vb = mixed_village(seed)
    return run_rules(vb.build(), rules, SETTINGS, tables=vb.tables, options=vb.options)


LATEST_RULE_IDS = ("PER-STATUS-LOG-SYNC", "PER-LOG-MISSING", "NIK-TEMP")
LATEST_VARIANTS = ("as-built", "newest-first", "nik-only")


def latest_event_village(seed: int, variant: str) -> VillageData:
    """``mixed_village(seed)`` as built, or with its log newest first (log order is not id order), or that with
    its first event known by NIK only: the cases of the latest-event shortcut."""
    village = mixed_village(seed).build()
    if variant != "as-built":
        village.peristiwa = dict(reversed(village.peristiwa.items()))
    if variant == "nik-only":
        next(iter(village.peristiwa.values())).id_pend = None
    return village


def _latest_run(seed: int, variant: str, rules: Sequence[Rule]) -> RuleReport:
    return run_rules(latest_event_village(seed, variant), _only(rules, *LATEST_RULE_IDS), SETTINGS)


RUNS_B: dict[str, Callable[[Sequence[Rule]], RuleReport]] = {
    **{f"mixed-{seed}": partial(_mixed_run, seed) for seed in range(60)},
    **{f"latest-{seed}-{v}": partial(_latest_run, seed, v) for seed in range(1, 60, 7) for v in LATEST_VARIANTS},
}
"""Each run of test_fast_paths_b by name: given the NIK, region, person and officials rules, run (some of) them."""


def _only(rules: Sequence[Rule], *rule_ids: str) -> list[Rule]:
    return [r for r in rules if r.id in rule_ids]


# --- golden findings ---------------------------------------------------------------------------------------


def outcome(report: RuleReport) -> dict[str, list]:
    """What the golden files keep of a run: sorted finding rows and the ids of the rules that raised."""
    rows = [
        [f.rule_id, str(f.severity), f.entity, f.record_key, f.message, f.message_en, f.record_id, f.dusun, f.rw, f.rt]
        for f in report.findings
    ]
    return {"findings": sorted(rows, key=_row_key), "errors": sorted(e.rule_id for e in report.errors)}


def _row_key(row: list) -> str:
    return json.dumps(row, ensure_ascii=False)


def encode_golden(outcomes: dict[str, dict[str, list]]) -> bytes:
    """Stable compact JSON (one village a line, keys sorted), gzipped without a timestamp: reproducible bytes."""
    lines = [f"{json.dumps(name)}:{_compact(outcomes[name])}" for name in sorted(outcomes)]
    return gzip.compress(("{\n" + ",\n".join(lines) + "\n}\n").encode(), compresslevel=9, mtime=0)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@cache
def read_golden(name: str) -> dict[str, dict[str, list]]:
    """The outcomes stored in ``golden/<name>.json.gz``, by village name."""
    return json.loads(gzip.decompress((GOLDEN / f"{name}.json.gz").read_bytes()))


def check_golden(golden: str, name: str, rules: Sequence[Rule]) -> dict[str, list]:
    """Run ``name`` of ``golden``'s runs with ``rules``; fail, listing the first differences, unless the outcome is
    the golden one. Returns the outcome."""
    runs = {"fast_paths_a": RUNS_A, "fast_paths_b": RUNS_B}[golden]
    got, expected = outcome(runs[name](rules)), read_golden(golden)[name]
    assert got == expected, f"{name}: not the findings of golden/{golden}.json.gz\n{differences(expected, got)}"
    return got


def differences(expected: dict[str, list], got: dict[str, list], *, most: int = 5) -> str:
    """A short account of how two outcomes differ (empty when they are equal): the first few rows each way."""
    lines = []
    if got["errors"] != expected["errors"]:
        lines.append(f"rule errors {got['errors']} instead of {expected['errors']}")
    want, have = set(map(_row_key, expected["findings"])), set(map(_row_key, got["findings"]))
    for label, rows in (("missing", sorted(want - have)), ("unexpected", sorted(have - want))):
        lines += [f"{label} ({len(rows)}): {row}" for row in rows[:most]]
    if not lines and got["findings"] != expected["findings"]:
        lines.append("same findings, different counts of repeated rows")
    return "\n".join(lines)
