"""Per-rule planted (positive) and near-miss (negative) mutations of the clean ``base()`` village.

Each entry: rule id → (plant, near_miss). Both receive a fresh ``base()`` builder and mutate it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.rules.conftest import VB, base, officials_tables

Mutation = Callable[[VB], object]


def noop(b: VB) -> None:
    """The clean village itself is the near miss."""


def _woman(b: VB, **kw: object) -> int:
    return b.person(kk_level=9, sex=2, born=date(1990, 7, 15), kawin=1, **kw)


def _lahir_baby(b: VB, born: date, lapor: date, **kw: object) -> int:
    pid = b.person(kk_level=4, sex=1, born=born, kawin=1, event=False, **kw)
    b.event(pid, 1, born, lapor)
    return pid


def _dead_head(b: VB) -> None:
    b.set(1, status_dasar=2)
    b.event(1, 2, "2026-06-20", "2026-06-21", akta_mati="AM-1")


def _temp_pair(b: VB, same: bool) -> None:
    for serial, place in ((2, "CILACAP"), (3, "CILACAP" if same else "BANYUMAS")):
        _woman(b, nama="SITI AMINAH", nik=f"0{b.kode_desa}{serial:05d}",
               tanggallahir=date(2001, 2, 3), tempatlahir=place)


def _second_family(b: VB, no_kk: str, **kw: object) -> int:
    fid = b.family(no_kk, **kw)
    b.person(fam=fid, born=date(1980, 1, 1))
    return fid


def _move_in(b: VB, **kw: object) -> None:
    kw = {"alamat_sebelumnya": "Bandung", **kw}
    pid = b.person(kk_level=9, born=date(1985, 1, 1), event=False, **kw)
    b.event(pid, 5, "2026-06-01")


CASES: dict[str, tuple[Mutation, Mutation]] = {
    # --- NIK ---------------------------------------------------------------------------------------------
    "NIK-FORMAT": (lambda b: b.set(1, nik="330102150790001"), lambda b: b.set(1, nik="3301021507900001")),
    "NIK-ZERO": (lambda b: b.set(2, nik="0"), lambda b: b.set(2, nik="0", status_dasar=2)),
    "NIK-TEMP": (
        lambda b: b.set(1, nik=f"0{b.kode_desa}00001"),
        lambda b: b.set(1, nik=f"0{b.kode_desa}00001", status_dasar=3),
    ),
    "NIK-TEMP-DUP": (lambda b: _temp_pair(b, True), lambda b: _temp_pair(b, False)),
    "NIK-PROV": (lambda b: b.set(1, nik="4001021507900004"), lambda b: b.set(1, nik="3401021507900004")),
    "NIK-REGION-ZERO": (lambda b: b.set(1, nik="3300021507900005"), noop),
    "NIK-REGION-KNOWN": (lambda b: b.set(1, nik="3301991507900006"), lambda b: b.set(1, nik="3301011507900006")),
    "NIK-DATE": (lambda b: b.set(1, nik="3301023102900007"), lambda b: b.set(1, nik="3301022902960007")),
    "NIK-SERIAL": (lambda b: b.set(1, nik="3301021507900000"), noop),
    "NIK-SEX-MATCH": (lambda b: b.set(2, nik="3301021003920008"), lambda b: b.set(2, nik="3301025003920008")),
    "NIK-DOB-MATCH": (lambda b: b.set(1, tanggallahir=date(1990, 7, 16)), lambda b: b.set(1, tanggallahir=None)),
    "NIK-UNIQUE": (lambda b: b.set(2, nik=b.pend[1]["nik"], sex=1), noop),
    "NIK-PARENT-FORMAT": (lambda b: b.set(3, ayah_nik="12345"), lambda b: b.set(3, ayah_nik="0")),
    "NIK-VS-DOMICILE": (
        lambda b: b.set(1, nik="3302011507900001"),
        lambda b: (b.set(1, nik="3302011507900001"), setattr(b, "kode_desa", "3301020001"),
                   b.desa.update(kode_desa="3301020001")),
    ),
    "NIK-FOREIGNER": (lambda b: b.set(1, warganegara_id=2), lambda b: b.set(1, warganegara_id=2,
                                                                               dokumen_pasport="X123")),
    # --- KK ----------------------------------------------------------------------------------------------
    "KK-FORMAT": (lambda b: b.kel[1].update(no_kk="33010201012000"), lambda b: b.set(1, no_kk_sebelumnya="-")),
    "KK-TEMP": (
        lambda b: b.kel[1].update(no_kk=f"0{b.kode_desa}00001"),
        lambda b: _second_family(b, f"0{b.kode_desa}00009") and b.set(4, status_dasar=3),
    ),
    "KK-DATE": (lambda b: b.kel[1].update(no_kk="3301023213150001"),
                lambda b: b.kel[1].update(no_kk="3301023112250001")),
    "KK-REGION": (lambda b: b.kel[1].update(no_kk="3302010101200001"), noop),
    "KK-UNIQUE": (lambda b: _second_family(b, "3301020101200001"), lambda b: _second_family(b, "3301020101200002")),
    "KK-ONE-PER-PERSON": (
        lambda b: b.others.append(_other_village(b.pend[1]["nik"], alive=True)),
        lambda b: b.others.append(_other_village(b.pend[1]["nik"], alive=False)),
    ),
    "KK-PENDUDUK-LEPAS": (
        lambda b: b.person(fam=None, born=date(1980, 1, 1)),
        lambda b: b.person(fam=None, born=date(1980, 1, 1), status=2),
    ),
    # --- region ------------------------------------------------------------------------------------------
    "REG-KODE-DESA": (lambda b: _set_code(b, "3301020001"), noop),
    "REG-PREFIX": (lambda b: b.desa.update(kode_kecamatan="330103"), lambda b: b.desa.update(kode_kecamatan=None)),
    "REG-KODE-DESA-NAME": (lambda b: b.desa.update(nama_desa="Slarang"), lambda b: b.desa.update(nama_desa="MENGANTI")),
    "REG-DESA-KEL": (lambda b: _set_code(b, "3301024001"), lambda b: _set_code(b, "3301021001")),
    "REG-NOT-BPS": (lambda b: _set_code(b, "3301020001"), lambda b: _set_code(b, "3301021999")),
    "REG-CLUSTER-EXISTS": (lambda b: b.set(1, id_cluster=1), lambda b: b.set(1, id_cluster=1, status_dasar=2)),
    "REG-CLUSTER-NO-RT": (
        lambda b: (b.wilayah("Krajan", "-", "-"), b.person(kk_level=9, cluster=3, born=date(1980, 1, 1))),
        lambda b: (b.wilayah("Sidamulya", "-", "-"), b.person(kk_level=9, cluster=3, born=date(1980, 1, 1))),
    ),
    "REG-DUSUN-DUP": (lambda b: b.wilayah("KRAJAN ", "0", "0"), lambda b: b.wilayah("Sidamulya", "0", "0")),
    "REG-RT-UNIQUE": (lambda b: b.wilayah("Krajan", "-", "001"), lambda b: b.wilayah("Krajan", "-", "002")),
    "REG-KADUS-MISSING": (lambda b: b.wil[1].update(id_kepala=None),
                          lambda b: (b.wilayah("Sidamulya", "0", "0"))),
    "REG-KETUA-RT-MISSING": (lambda b: (b.wil[2].update(id_kepala=3), b.set(3, status_dasar=2)),
                             lambda b: b.wilayah("Krajan", "-", "002")),
    # --- family ------------------------------------------------------------------------------------------
    "FAM-MULTI-HEAD": (lambda b: b.set(3, kk_level=1), lambda b: b.set(3, kk_level=1, status_dasar=2, id_kk=None)),
    "FAM-NO-HEAD": (lambda b: b.set(1, kk_level=7) and b.kel[1].update(nik_kepala=None),
                    lambda b: b.set(1, kk_level=1)),
    "FAM-HEAD-POINTER": (lambda b: b.kel[1].update(nik_kepala=3), lambda b: b.kel[1].update(nik_kepala=1)),
    "FAM-HEAD-IN-2-KK": (lambda b: _second_family(b, "3301020101200002", nik_kepala=1),
                         lambda b: _second_family(b, "3301020101200002", nik_kepala=4)),
    "FAM-HEAD-NOT-ALIVE": (_dead_head, lambda b: (_dead_head(b), b.set(2, status_dasar=2), b.set(3, status_dasar=2),
                                                  b.event(2, 2, "2026-06-20"), b.event(3, 2, "2026-06-20"))),
    "FAM-ORPHAN-HEAD": (lambda b: b.set(1, id_kk=9999), lambda b: b.set(1, id_kk=1)),
    "FAM-EMPTY": (lambda b: b.family("3301020101200009"), noop),
    "FAM-SPOUSE-SEX": (lambda b: b.set(2, sex=1), lambda b: b.set(2, sex=1, status_dasar=2)),
    "FAM-SPOUSE-MARRIED": (lambda b: b.set(2, status_kawin=1, akta_perkawinan=None, tanggalperkawinan=None),
                           lambda b: b.set(2, status_kawin=2)),
    "FAM-CHILD-BEFORE-PARENT": (lambda b: b.set(3, tanggallahir=date(1985, 1, 1)),
                                lambda b: b.set(3, tanggallahir=date(2005, 1, 1))),
    "FAM-GENERATION-ORDER": (lambda b: b.person(kk_level=7, born=date(2000, 1, 1)),
                             lambda b: b.person(kk_level=7, born=date(1960, 1, 1))),
    "FAM-PARENT-LINK": (lambda b: b.set(3, ayah_nik=b.pend[2]["nik"], ibu_nik=b.pend[1]["nik"]), noop),
    "FAM-LOG-MISSING": (lambda b: b.kev.clear(), noop),
    "FAM-LOG-DUP": (lambda b: b.family_event(1, 12, "2020-01-01"), lambda b: b.family_event(1, 12, "2021-01-01")),
    "RTM-MULTI-HEAD": (
        lambda b: _rtm(b, ["RT-1", "RT-2"], head_rtm="RT-1"),
        lambda b: _rtm(b, ["RT-1"], head_rtm="RT-1"),
    ),
    # --- person ------------------------------------------------------------------------------------------
    "PER-STATUS-LOG-SYNC": (lambda b: b.event(1, 2, "2026-01-01"), lambda b: b.event(1, 5, "2026-01-01",
                                                                                      alamat_tujuan=None)),
    "PER-LOG-NULL": (lambda b: b.event(1, None, "2020-01-01"), noop),
    "PER-LOG-UNKNOWN": (lambda b: b.event(1, 7, "2020-01-01"), lambda b: b.event(1, 5, "2020-01-01")),
    "PER-LOG-MISSING": (lambda b: b.person(kk_level=9, born=date(1980, 1, 1), event=False), noop),
    "PER-DOB-MISSING": (lambda b: b.set(1, tanggallahir=None), lambda b: b.set(1, tanggallahir=None, status_dasar=2)),
    "PER-REQUIRED-NULL": (lambda b: b.set(1, agama_id=None, nama_ibu=""), lambda b: b.set(1, dokumen_kitas=None)),
    "PER-AGE-RANGE": (lambda b: b.set(1, tanggallahir=date(1890, 1, 1)),
                      lambda b: b.set(1, tanggallahir=date(1910, 1, 1))),
    "PER-ENUM": (lambda b: b.set(1, pekerjaan_id=90), lambda b: b.set(1, pekerjaan_id=89)),
    "PER-NAME-CHARS": (lambda b: b.set(1, nama="AHMAD2 SUBAGYO"),
                       lambda b: b.set(1, nama="AHMAD O'NEIL-SUBAGYO, S.T.")),
    "PER-MINOR-MARRIED": (
        lambda b: _woman(b, tanggallahir=date(2010, 1, 1), status_kawin=2, tanggalperkawinan=date(2025, 6, 1),
                         akta_perkawinan="AK"),
        lambda b: _woman(b, tanggallahir=date(1995, 1, 1), status_kawin=2, tanggalperkawinan=date(2012, 6, 1),
                         akta_perkawinan="AK", nik="3301024101950099"),
    ),
    "PER-KAWIN-DOCS": (lambda b: b.set(3, akta_perkawinan="AK-9"), lambda b: b.set(3, akta_perkawinan="-")),
    "PER-KAWIN-BELUM-TERCATAT": (lambda b: b.set(1, akta_perkawinan=None, tanggalperkawinan=None),
                                 lambda b: b.set(1, akta_perkawinan=None)),
    "PER-HAMIL-MALE": (lambda b: b.set(1, hamil=1), lambda b: b.set(2, hamil=1)),
    "PER-KB": (lambda b: b.set(2, cara_kb_id=4), lambda b: b.set(2, cara_kb_id=1)),
    "PER-WAJIB-KTP": (lambda b: b.set(1, status_rekam=2), lambda b: b.set(3, status_rekam=2)),
    "PER-KTP-STATUS": (lambda b: b.set(3, tanggallahir=date(2016, 1, 1), status_rekam=3),
                       lambda b: b.set(1, status_rekam=8)),
    "PER-KTP-DATE-FUTURE": (lambda b: b.set(1, tanggal_cetak_ktp=date(2026, 12, 1)),
                            lambda b: b.set(1, tanggal_cetak_ktp=date(2026, 6, 30))),
    "PER-DPT-ELIGIBLE": (lambda b: b.options.update(election_date="2029-02-14"), noop),
    "PER-UNIQUE-CONTACT": (lambda b: (b.set(1, email="warga@example.test"), b.set(2, email="WARGA@example.test")),
                           lambda b: (b.set(1, email="a@example.test"), b.set(2, email="b@example.test"))),
    "PER-DEAD-ACTIVE": (lambda b: b.wilayah("Sidamulya", "0", "0", id_kepala=3) and b.set(3, status_dasar=2),
                        lambda b: b.set(3, status_dasar=2)),
    "CFG-PERANGKAT": (lambda b: setattr(b, "tables", officials_tables(sekdes=False)),
                      lambda b: setattr(b, "tables", officials_tables())),
    "ROUTE-ROLE-MISSING": (lambda b: setattr(b, "tables", officials_tables(kasi=False)),
                           lambda b: setattr(b, "tables", officials_tables())),
    # --- events ------------------------------------------------------------------------------------------
    "EVT-BIRTH-60D": (lambda b: _lahir_baby(b, date(2026, 3, 1), date(2026, 3, 2), akta_lahir=None),
                      lambda b: _lahir_baby(b, date(2026, 3, 1), date(2026, 3, 2))),
    "EVT-BIRTH-DOCS": (lambda b: _lahir_baby(b, date(2026, 6, 1), date(2026, 6, 2)),
                       lambda b: _lahir_baby(b, date(2026, 3, 1), date(2026, 3, 2))),
    "EVT-BIRTH-DOB": (
        lambda b: b.event(_lahir_baby(b, date(2026, 5, 1), date(2026, 5, 2)), 1, "2026-05-10"),
        lambda b: _lahir_baby(b, date(2026, 5, 1), date(2026, 5, 2)),
    ),
    "EVT-DEATH-30D": (
        lambda b: (b.set(1, status_dasar=2), b.event(1, 2, "2026-04-01", "2026-05-20", akta_mati="AM")),
        lambda b: (b.set(1, status_dasar=2), b.event(1, 2, "2026-04-01", "2026-04-20", akta_mati="AM")),
    ),
    "EVT-DEATH-DOCS": (_dead_head, lambda b: (b.set(1, status_dasar=2),
                                              b.event(1, 2, "2026-01-01", "2026-01-02", akta_mati="AM"))),
    "EVT-DATES": (lambda b: b.event(1, 3, "2026-08-01", ref_pindah=1, alamat_tujuan="X"),
                  lambda b: b.event(1, 3, "2026-06-01", ref_pindah=1, alamat_tujuan="X")),
    "EVT-DUP-LOG": (lambda b: b.event(1, 1, b.pend[1]["tanggallahir"]), lambda b: b.event(1, 5, "2020-01-01")),
    "EVT-LOST": (lambda b: b.set(1, status_dasar=4), noop),
    "EVT-MOVE-OUT": (
        lambda b: b.event(3, 3, "2026-06-01", ref_pindah=3),
        lambda b: b.event(3, 3, "2026-06-01", ref_pindah=3, alamat_tujuan="Bandung"),
    ),
    "EVT-MOVE-IN": (lambda b: _move_in(b, nik=f"0{b.kode_desa}00077", alamat_sebelumnya=None), _move_in),
    "EVT-MOVE-DEF": (lambda b: b.set(1, status=2), noop),
    "EVT-MARRIAGE-60D": (lambda b: b.set(1, tanggalperkawinan=date(2026, 6, 1), akta_perkawinan=None),
                         lambda b: b.set(1, tanggalperkawinan=date(2026, 6, 1))),
    "EVT-DIVORCE-60D": (lambda b: b.set(1, status_kawin=3, tanggalperceraian=date(2026, 6, 1),
                                        tanggalperkawinan=date(2014, 1, 1)),
                        lambda b: b.set(1, status_kawin=3, tanggalperceraian=date(2026, 6, 1),
                                        akta_perceraian="AC-1")),
}


def _set_code(b: VB, code: str) -> None:
    b.kode_desa = code
    b.desa.update(kode_desa=code)


def _rtm(b: VB, numbers: list[str], head_rtm: str) -> None:
    b.set(1, id_rtm=head_rtm)
    b.tables = {"tweb_rtm": [{"id": i + 1, "nik_kepala": 1, "no_kk": n} for i, n in enumerate(numbers)]}


def _other_village(nik: str, *, alive: bool):
    other = base()
    other.kode_desa = "3301020001"
    other.desa.update(kode_desa="3301020001")
    for pid in other.pend:
        other.set(pid, status_dasar=3)
    other.set(1, nik=nik, status_dasar=1 if alive else 3)
    return other.build()
