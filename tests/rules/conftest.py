"""A compact builder of tiny OpenSID villages for rule tests, clean unless a test plants a defect."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from sid_connector.models import Desa, Keluarga, Penduduk, Peristiwa, PeristiwaKeluarga, Wilayah
from sid_connector.rules import Finding, RuleSettings, run_rules
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil.ids import make_nik
from sid_connector_rules_dukcapil.pack import ALL_RULES

REF = date(2026, 6, 30)
KODE = "3301022001"
RULES_BY_ID = {r.id: r for r in ALL_RULES}


class VB:
    """Village builder. ``base()`` is a clean family of three in Krajan RT 001; tests mutate it."""

    def __init__(self, *, with_ids: bool = True) -> None:
        self.with_ids = with_ids
        self.desa: dict[str, Any] = dict(
            id=1, kode_desa=KODE, nama_desa="Menganti", kode_kecamatan="330102", nama_kecamatan="Kesugihan",
            kode_kabupaten="3301", nama_kabupaten="Cilacap", kode_propinsi="33", nama_propinsi="Jawa Tengah",
        )
        self.kode_desa = KODE
        self.wil: dict[int, dict[str, Any]] = {}
        self.kel: dict[int, dict[str, Any]] = {}
        self.pend: dict[int, dict[str, Any]] = {}
        self.ev: dict[int, dict[str, Any]] = {}
        self.kev: dict[int, dict[str, Any]] = {}
        self.tables: dict[str, list[dict[str, Any]]] | None = None
        self.options: dict[str, Any] = {}
        self.others: list[VillageData] = []
        self._serial = 0

    # --- rows ------------------------------------------------------------------------------------------
    def wilayah(self, dusun: str, rw: str, rt: str, **kw: Any) -> int:
        wid = len(self.wil) + 1
        self.wil[wid] = dict(id=wid, dusun=dusun, rw=rw, rt=rt, **kw)
        return wid

    def family(self, no_kk: str | None = None, *, cluster: int = 2, log: bool = True, **kw: Any) -> int:
        fid = len(self.kel) + 1
        self.kel[fid] = dict(id=fid, no_kk=no_kk or f"33010201012{fid:05d}", id_cluster=cluster,
                             tgl_daftar="2020-01-01", **kw)
        if log:
            self.family_event(fid, 1, "2020-01-01")
        return fid

    def family_event(self, fid: int, kind: int, when: str, **kw: Any) -> int:
        eid = len(self.kev) + 1
        self.kev[eid] = dict(id=eid, id_kk=fid, id_peristiwa=kind, tgl_peristiwa=when, **kw)
        return eid

    def person(
        self, *, fam: int | None = 1, kk_level: int | None = 1, sex: int = 1, born: date = date(1990, 7, 15),
        kawin: int = 2, event: bool = True, cluster: int = 2, **kw: Any,
    ) -> int:
        pid = len(self.pend) + 1
        self._serial += 1
        adult = (REF.year - born.year) >= 17 or kawin != 1
        row: dict[str, Any] = dict(
            id=pid, nama=f"WARGA {chr(64 + (pid % 26 or 26))}", nik=make_nik("330102", born, sex == 2, self._serial),
            id_kk=fam, kk_level=kk_level if fam is not None else None, sex=sex, tempatlahir="CILACAP",
            tanggallahir=born, agama_id=1, pendidikan_kk_id=5, pekerjaan_id=9, golongan_darah_id=13,
            status_kawin=kawin, warganegara_id=1, nama_ayah="AYAH", nama_ibu="IBU", status=1, status_dasar=1,
            ktp_el=2 if adult else 1, status_rekam=3 if adult else 1, id_cluster=cluster, akta_lahir="AL-1",
        )
        if kawin == 2:
            row.update(akta_perkawinan="AK-1", tanggalperkawinan=date(2014, 1, 1))
        row.update(kw)
        self.pend[pid] = row
        if event:
            self.event(pid, 1, row["tanggallahir"] or date(1990, 1, 1))
        return pid

    def event(self, pid: int | None, kode: int | None, when: date | str, lapor: date | str | None = None,
              **kw: Any) -> int:
        eid = len(self.ev) + 1
        when_d = date.fromisoformat(when) if isinstance(when, str) else when
        lapor_d = (date.fromisoformat(lapor) if isinstance(lapor, str) else lapor) or (when_d + timedelta(days=1))
        self.ev[eid] = dict(id=eid, id_pend=pid, kode_peristiwa=kode, tgl_peristiwa=datetime.combine(
            when_d, datetime.min.time()), tgl_lapor=datetime.combine(lapor_d, datetime.min.time()), **kw)
        return eid

    def set(self, pid: int, **kw: Any) -> VB:
        self.pend[pid].update(kw)
        return self

    # --- assembly --------------------------------------------------------------------------------------
    def build(self) -> VillageData:
        wil = {wid: Wilayah.model_validate(row) for wid, row in self.wil.items()}
        kel_rows = {fid: dict(row) for fid, row in self.kel.items()}
        pend_rows = {pid: dict(row) for pid, row in self.pend.items()}
        for row in kel_rows.values():
            w = wil.get(row.get("id_cluster"))
            if w is not None:
                row.update(dusun=w.dusun, rw=w.rw, rt=w.rt)
        for row in pend_rows.values():
            fam = kel_rows.get(row.get("id_kk"))
            if fam is not None and "no_kk" not in row:
                row["no_kk"] = fam["no_kk"]
            w = wil.get(row.get("id_cluster"))
            if w is not None:
                row.update(dusun=w.dusun, rw=w.rw, rt=w.rt)
        ev_rows = {eid: dict(row) for eid, row in self.ev.items()}
        for row in ev_rows.values():
            person = pend_rows.get(row.get("id_pend"))
            if person is not None:
                row.setdefault("nik", person["nik"])
        if not self.with_ids:
            for row in pend_rows.values():
                for col in ("id", "id_kk", "id_cluster"):
                    row[col] = None
            for row in kel_rows.values():
                for col in ("id", "nik_kepala", "id_cluster"):
                    row[col] = None
            for row in ev_rows.values():
                row["id_pend"] = None
                row["id"] = None
        return VillageData(
            kode_desa=self.kode_desa,
            desa=Desa.model_validate(self.desa),
            wilayah={str(k): w for k, w in wil.items()} if self.with_ids else {},
            keluarga={str(k): Keluarga.model_validate(r) for k, r in kel_rows.items()},
            penduduk={str(k): Penduduk.model_validate(r) for k, r in pend_rows.items()},
            peristiwa={str(k): Peristiwa.model_validate(r) for k, r in ev_rows.items()},
            peristiwa_keluarga={str(k): PeristiwaKeluarga.model_validate(r) for k, r in self.kev.items()}
            if self.with_ids else {},
        )


def base(*, with_ids: bool = True) -> VB:
    """Clean village: Krajan (dusun 1, RT 001 = 2), family 1 = head 1, wife 2, child 3."""
    vb = VB(with_ids=with_ids)
    vb.wilayah("Krajan", "0", "0", id_kepala=1)
    vb.wilayah("Krajan", "-", "001", id_kepala=1)
    vb.family(nik_kepala=1)
    head = vb.person(nama="BUDI SANTOSO")
    wife = vb.person(nama="SITI AMINAH", kk_level=3, sex=2, born=date(1992, 3, 10))
    vb.person(nama="ANI LESTARI", kk_level=4, sex=2, born=date(2015, 5, 5), kawin=1,
              ayah_nik=vb.pend[head]["nik"], ibu_nik=vb.pend[wife]["nik"])
    return vb


def run(vb: VB, rule_ids: Iterable[str] | None = None, **settings: Any) -> list[Finding]:
    """Findings of the given rules (all when None) over the built village; engine errors fail the test."""
    rules = ALL_RULES if rule_ids is None else [RULES_BY_ID[i] for i in rule_ids]
    report = run_rules(vb.build(), rules, RuleSettings(ref_date=REF, **settings), tables=vb.tables,
                       other_villages=vb.others, options=vb.options)
    assert not report.errors, report.errors
    return report.findings


def ids_of(findings: Iterable[Finding]) -> set[str]:
    return {f.rule_id for f in findings}


def officials_tables(*, kades: bool = True, sekdes: bool = True, kasi: bool = True) -> dict[str, list[Mapping]]:
    jabatan = [{"id": 1, "nama": "Kepala Desa", "jenis": 1}, {"id": 2, "nama": "Sekretaris", "jenis": 2},
               {"id": 3, "nama": "Kasi  Pemerintahan", "jenis": 3}]
    pamong = []
    for on, jid in ((kades, 1), (sekdes, 2), (kasi, 3)):
        if on:
            pamong.append({"pamong_id": jid, "id_pend": 1, "pamong_status": 1, "jabatan_id": jid})
    return {"ref_jabatan": jabatan, "tweb_desa_pamong": pamong}


@pytest.fixture
def village() -> VB:
    return base()
