"""The synthetic village generator: reproducible, realistic, valid when clean, complete when planted."""

from __future__ import annotations

import datetime as dt
import re
import resource
import time
from collections import Counter

import pytest

from sid_connector.synth import PLANTED, PLANTED_OTHER, VillageSpec, fixture_villages, generate, generate_gabungan

from .checker import REAL_NIK, check

REF = dt.date(2026, 6, 30)


def _all(village):
    return {
        "config": village.config,
        "wilayah": village.wilayah,
        "pamong": village.pamong,
        "keluarga": list(village.keluarga()),
        "penduduk": list(village.penduduk()),
        "log_penduduk": list(village.log_penduduk()),
        "log_keluarga": list(village.log_keluarga()),
        "second": list(village.second_source_penduduk()),
    }


@pytest.fixture(scope="module")
def clean():
    return generate(VillageSpec(residents=2000, seed=11))


@pytest.fixture(scope="module")
def planted():
    return generate(VillageSpec(residents=2000, seed=11, planted=True))


def test_same_seed_gives_identical_rows():
    spec = VillageSpec(residents=300, seed=5, planted=True)
    assert repr(_all(generate(spec))) == repr(_all(generate(spec)))


def test_other_seed_gives_other_rows():
    a = list(generate(VillageSpec(residents=200, seed=1)).penduduk())
    b = list(generate(VillageSpec(residents=200, seed=2)).penduduk())
    assert [p["nama"] for p in a] != [p["nama"] for p in b]


def test_iterators_are_reiterable(clean):
    assert list(clean.penduduk()) == list(clean.penduduk())
    assert list(clean.log_penduduk()) == list(clean.log_penduduk())


@pytest.mark.parametrize("residents", [1, 100, 2000])
def test_exact_size_and_contiguous_ids(residents):
    village = generate(VillageSpec(residents=residents, seed=3))
    people = list(village.penduduk())
    assert len(people) == residents
    assert [p["id"] for p in people] == list(range(1, residents + 1))
    assert len(list(village.keluarga())) == village.families


def test_200k_residents_stream_with_flat_memory():
    village = generate(VillageSpec(residents=200_000, seed=9))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    count = sum(1 for _ in village.penduduk())
    assert count == 200_000
    assert time.monotonic() - start < 180
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 60


def test_nik_structure_matches_birth_date_and_sex(clean):
    people = list(clean.penduduk())
    niks = [p["nik"] for p in people]
    assert len(set(niks)) == len(niks)
    for p in people:
        nik, born = p["nik"], p["tanggallahir"]
        assert REAL_NIK.match(nik), nik
        day = int(nik[6:8])
        assert (day > 40) == (p["sex"] == 2)
        assert (day - 40 if day > 40 else day, int(nik[8:10]), int(nik[10:12])) == (
            born.day,
            born.month,
            born.year % 100,
        )
    local = sum(1 for n in niks if n.startswith("330102"))
    assert local > 0.7 * len(niks)  # most were first registered here; the rest moved in


def test_kk_numbers_are_local_dated_and_unique(clean):
    families = list(clean.keluarga())
    numbers = [f["no_kk"] for f in families]
    assert len(set(numbers)) == len(numbers)
    for kk in numbers:
        assert re.fullmatch(r"330102\d{10}", kk)
        issued = dt.date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
        assert issued <= REF
        assert kk[12:] != "0000"


def test_one_head_per_family_and_nik_kepala_points_to_it(clean):
    people = list(clean.penduduk())
    by_id = {p["id"]: p for p in people}
    heads = Counter(p["id_kk"] for p in people if p["kk_level"] == 1)
    for family in clean.keluarga():
        assert heads[family["id"]] == 1
        head = by_id[family["nik_kepala"]]
        assert head["kk_level"] == 1
        assert head["id_kk"] == family["id"]
    for p in people:
        if p["kk_level"] == 4 and p["ayah_nik"]:
            father = next(q for q in people if q["nik"] == p["ayah_nik"])
            assert father["sex"] == 1
            assert father["tanggallahir"].year <= p["tanggallahir"].year - 19


def test_wilayah_encoding(clean):
    rows = clean.wilayah
    keys = Counter((r["dusun"], r["rw"], r["rt"]) for r in rows)
    assert max(keys.values()) == 1
    dusun = [r for r in rows if r["rw"] == "0" and r["rt"] == "0"]
    assert [r["dusun"] for r in dusun[:2]] == ["Krajan", "Sidamulya"]
    for d in dusun:
        assert any(r["dusun"] == d["dusun"] and r["rw"] == "-" and r["rt"] == "0" for r in rows)
        assert any(r["dusun"] == d["dusun"] and r["rw"] == "-" and r["rt"] == "-" for r in rows)
    rt_rows = {r["id"]: r for r in rows if r["rt"] not in ("0", "-")}
    people = {p["id"]: p for p in clean.penduduk()}
    for row in dusun + list(rt_rows.values()):
        assert people[row["id_kepala"]]["status_dasar"] == 1
    sizes = Counter(f["id_cluster"] for f in clean.keluarga())
    assert set(sizes) <= set(rt_rows)
    assert all(25 <= n <= 70 for n in sizes.values())


def test_officials_are_living_residents(clean):
    people = {p["id"]: p for p in clean.penduduk()}
    names = {j["id"]: j["nama"] for j in clean.jabatan}
    assert sorted(names[o["jabatan_id"]] for o in clean.pamong) == ["Kasi Pemerintahan", "Kepala Desa", "Sekretaris"]
    for official in clean.pamong:
        assert people[official["id_pend"]]["status_dasar"] == 1
        assert official["pamong_nik"] == people[official["id_pend"]]["nik"]


def test_events_match_status(clean):
    people = {p["id"]: p for p in clean.penduduk()}
    latest = {}
    for event in clean.log_penduduk():
        latest[event["id_pend"]] = event["kode_peristiwa"]
    assert set(latest) == set(people)
    status = {1: 1, 5: 1, 2: 2, 3: 3}
    assert all(status[latest[i]] == p["status_dasar"] for i, p in people.items())
    assert Counter(p["status_dasar"] for p in people.values())[2] > 0


@pytest.mark.parametrize(
    "spec",
    [
        VillageSpec(residents=2000, seed=11),
        VillageSpec(residents=100, seed=2),
        VillageSpec(residents=3000, seed=4, use_rw=True),
    ],
)
def test_clean_village_breaks_no_rule(spec):
    assert check(generate(spec)) == {}


SECOND_SOURCE = {"NIK-UNIQUE", "KK-UNIQUE", "KK-ONE-PER-PERSON", "REG-RT-UNIQUE", "FAM-ORPHAN-HEAD", "EVT-DUP-LOG",
                 "PER-UNIQUE-CONTACT"}  # fmt: skip


def test_every_planted_rule_fires(planted):
    found = check(planted)
    assert set(PLANTED) - SECOND_SOURCE <= set(found)


def test_second_source_rows_complete_the_plan(planted):
    village_niks = {p["nik"]: p for p in planted.penduduk()}
    village_kks = {f["no_kk"] for f in planted.keluarga()}
    families = {f["id"] for f in planted.keluarga()}
    areas = {(w["dusun"], w["rw"], w["rt"]) for w in planted.wilayah}
    second = list(planted.second_source_penduduk())
    twin = next(p for p in second if p["nik"] in village_niks)  # NIK-UNIQUE
    assert twin["no_kk"] != "3301020101200001"
    assert village_niks[twin["nik"]]["status_dasar"] == 1
    assert any(p["no_kk"] in village_kks and p["nik"] not in village_niks for p in second)  # KK-UNIQUE
    assert all((p["dusun"], p["rw"], p["rt"]) in areas for p in second)  # REG-RT-UNIQUE
    assert any(p["id_kk"] == 9999 and 9999 not in families and p["kk_level"] == 1 for p in second)
    emails = [p["email"] for p in [*village_niks.values(), *second] if p.get("email")]
    assert any(n > 1 for n in Counter(e.lower() for e in emails).values())  # PER-UNIQUE-CONTACT
    dup = list(planted.second_source_log_penduduk())
    assert len(dup) == 2
    assert dup[0] == dup[1]


def test_planted_covers_every_village_a_bullet_of_section_12():
    village_a = {
        "NIK-FORMAT", "NIK-ZERO", "NIK-TEMP", "NIK-TEMP-DUP", "NIK-PROV", "NIK-REGION-ZERO", "NIK-REGION-KNOWN",
        "NIK-DATE", "NIK-SERIAL", "NIK-SEX-MATCH", "NIK-DOB-MATCH", "NIK-UNIQUE", "NIK-PARENT-FORMAT",
        "NIK-FOREIGNER", "KK-FORMAT", "KK-TEMP", "KK-DATE", "KK-REGION", "KK-UNIQUE", "KK-ONE-PER-PERSON",
        "KK-PENDUDUK-LEPAS", "REG-CLUSTER-EXISTS", "REG-CLUSTER-NO-RT", "REG-DUSUN-DUP", "REG-RT-UNIQUE",
        "FAM-MULTI-HEAD", "FAM-NO-HEAD", "FAM-HEAD-POINTER", "FAM-HEAD-IN-2-KK", "FAM-HEAD-NOT-ALIVE",
        "FAM-ORPHAN-HEAD", "FAM-EMPTY", "FAM-SPOUSE-SEX", "FAM-SPOUSE-MARRIED", "FAM-CHILD-BEFORE-PARENT",
        "FAM-GENERATION-ORDER", "FAM-PARENT-LINK", "FAM-LOG-MISSING", "FAM-LOG-DUP", "RTM-MULTI-HEAD",
        "PER-STATUS-LOG-SYNC", "PER-LOG-NULL", "PER-LOG-UNKNOWN", "PER-LOG-MISSING", "PER-DOB-MISSING",
        "PER-REQUIRED-NULL", "PER-AGE-RANGE", "PER-ENUM", "PER-NAME-CHARS", "PER-MINOR-MARRIED", "PER-KAWIN-DOCS",
        "PER-HAMIL-MALE", "PER-KB", "PER-KTP-STATUS", "PER-KTP-DATE-FUTURE", "PER-UNIQUE-CONTACT",
        "PER-DEAD-ACTIVE", "EVT-BIRTH-60D", "EVT-BIRTH-DOB", "EVT-DEATH-30D", "EVT-DATES", "EVT-DUP-LOG",
        "EVT-MOVE-OUT", "EVT-MOVE-IN",
    }  # fmt: skip
    assert set(PLANTED) == village_a


def test_fixture_values(planted):
    people = list(planted.penduduk())
    by_nik = {p["nik"]: p for p in people}
    fixture = by_nik["3301021507900001"]
    assert fixture["tanggallahir"] == dt.date(1990, 7, 15)
    assert fixture["sex"] == 1
    assert {"330102150790001", "0", "0330102200100001", "4001021507900004", "3301023102900007"} <= set(by_nik)
    assert any(w["dusun"] == " KRAJAN" for w in planted.wilayah)
    kks = {f["no_kk"] for f in planted.keluarga()}
    assert {"33010201012000", "0330102200100001", "3301023213150001", "3302010101200001"} <= kks


def test_gabungan_ids_unique_across_villages():
    villages = generate_gabungan(
        [
            VillageSpec(residents=400, seed=1, config_id=1, planted=True),
            VillageSpec(kode_desa="3301022002", nama_desa="Slarang", residents=300, seed=2, config_id=2),
        ]
    )
    assert [v.config["id"] for v in villages] == [1, 2]
    for table in ("penduduk", "keluarga", "log_penduduk", "log_keluarga"):
        ids = [row["id"] for v in villages for row in getattr(v, table)()]
        assert len(ids) == len(set(ids)), table
    wilayah = [row["id"] for v in villages for row in v.wilayah]
    assert len(wilayah) == len(set(wilayah))
    niks = [p["nik"] for v in villages for p in v.penduduk() if p["nik"] and len(p["nik"]) == 16]
    duplicated = {n for n, c in Counter(niks).items() if c > 1}
    assert duplicated <= {"3301021507900001"}  # only the planted twin of the fixture (second source)
    assert all(row["config_id"] == 2 for row in villages[1].penduduk())
    with pytest.raises(ValueError, match="config_id"):
        generate_gabungan([VillageSpec(), VillageSpec(kode_desa="3301022002")])


def test_fixture_villages_of_section_12_1():
    a, b, c = fixture_villages(300)
    assert (a.config["kode_desa"], b.config["kode_desa"], c.config["kode_desa"]) == (
        "3301022001",
        "3301020001",
        "5201142005",
    )
    assert b.config["kode_kecamatan"] == "330103"
    assert c.config["nama_desa"] == "Senggigi"
    assert len(a.pamong) == 3
    assert [j["nama"] for j in b.jabatan if j["id"] == b.pamong[0]["jabatan_id"]] == ["Kepala Desa"]
    assert len(b.pamong) == 1  # CFG-PERANGKAT, ROUTE-ROLE-MISSING
    shared = "3301021507900001"  # KK-ONE-PER-PERSON: HIDUP in a family of A and of B
    for village in (a, b):
        holder = next(p for p in village.penduduk() if p["nik"] == shared)
        assert holder["status_dasar"] == 1
        assert holder["id_kk"] is not None
    assert set(PLANTED_OTHER) == {"KK-ONE-PER-PERSON", "CFG-PERANGKAT", "ROUTE-ROLE-MISSING"}


def test_fixture_villages_for_the_demo():
    """A sized apart from B and C, all as of one ref_date, and D with a desa code starting with 4."""
    when = dt.date(2027, 3, 1)
    a, b, c, d = fixture_villages(300, others=100, seed=5, ref_date=when, desa_kel=True)
    assert [v.spec.residents for v in (a, b, c, d)] == [300, 100, 100, 100]
    assert {v.spec.ref_date for v in (a, b, c, d)} == {when}
    assert d.config["kode_desa"] == "3301024001" and d.spec.planted is False
    ids = [row["id"] for v in (a, b, c, d) for row in v.penduduk()]
    assert len(ids) == len(set(ids))


def test_future_dates_follow_ref_date_and_every_dusun_has_a_kadus_defect():
    """EVT-DATES and PER-KTP-DATE-FUTURE stay in the future of any ref_date; each dusun gets a FAM-MULTI-HEAD."""
    when = dt.date(2027, 3, 1)
    village = generate(VillageSpec(residents=3000, planted=True, ref_date=when))
    moves = [e for e in village.log_penduduk() if e["kode_peristiwa"] == 3]
    assert any(e["tgl_peristiwa"].date() > when for e in moves)
    assert any(p["tanggal_cetak_ktp"] and p["tanggal_cetak_ktp"] > when for p in village.penduduk())
    heads: dict[int, int] = Counter(p["id_kk"] for p in village.penduduk() if p["kk_level"] == 1)
    areas = {row["id"]: row["dusun"] for row in village.wilayah}
    families = {row["id"]: row for row in village.keluarga()}
    multi = {areas[families[kk]["id_cluster"]] for kk, count in heads.items() if count > 1 and kk in families}
    dusun = {rt.dusun for rt in village.rts}
    assert len(dusun) > 2
    assert multi == dusun
