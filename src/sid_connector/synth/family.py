"""One family, fully built: its ``tweb_keluarga`` row, members, and their population and family events.

A family depends only on the village context and its slot (index, first resident, composition, RT), so any
family can be rebuilt on its own and the village never has to be held in memory. Everything stays inside
what RULES.md calls valid: spouses of opposite sex and married, children at least 19 years younger than
their parents, parents' NIKs and names filled in, every resident with an entry event (Lahir, or Pindah Masuk
for the initial census and for people who moved in), deaths and moves with matching events.

A clean village is also quiet: no INFO rule fires at ``spec.ref_date`` either. So marriages and divorces are
always recorded, every wajib-KTP adult has recorded a KTP-el, movers come from the same kecamatan (their NIK
keeps its prefix), names of children born since 2022 have two words, and nobody is born in the last 61 days,
so no birth is still inside its 60-day reporting window.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from sid_connector.synth import attributes as attr
from sid_connector.synth import numbers
from sid_connector.synth.names import NATIVE_PLACES, given_name, neighbour_origin
from sid_connector.synth.rows import KELUARGA_COLUMNS, LOG_KELUARGA_COLUMNS, LOG_PENDUDUK_COLUMNS, blank
from sid_connector.synth.rows import PENDUDUK_COLUMNS as _PC
from sid_connector.synth.shapes import DIVORCED, ELDERLY, SINGLE, THREE_GEN, WIDOW
from sid_connector.synth.spec import VillageSpec
from sid_connector.synth.wilayah import RT

# The village started its OpenSID register (the initial census) in 2015.
DATA_START = dt.date(2015, 1, 5)
KK_LEVEL = {"head": 1, "istri": 3, "anak": 4, "anak_kawin": 4, "menantu": 5, "cucu": 6, "orangtua": 7, "mertua": 8}
PEKERJAAN_DUTY = {"kades": 86, "sekdes": 85, "kasi": 85, "kadus": 85}
DESTINATIONS = ("Kota Jakarta Timur", "Kota Bekasi", "Kab. Banyumas", "Kota Semarang", "Kab. Cilacap", "Kota Batam")
# No one is born in the last days before ref_date: a clean village has no birth still inside the 60-day
# reporting window, which would raise EVT-BIRTH-DOCS (and, without an akta, EVT-BIRTH-60D reminders).
BIRTH_QUIET = dt.timedelta(days=61)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True, slots=True)
class Context:
    """What every family of one village shares."""

    spec: VillageSpec
    village_key: int
    prefix: str
    pend_base: int
    kel_base: int


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a family sits: running index, first resident's running index, composition and RT."""

    index: int
    first: int
    kind: str
    roles: tuple[str, ...]
    rt: RT
    duties: frozenset[str] = frozenset()


@dataclass(slots=True)
class FamilyRows:
    keluarga: dict[str, Any]
    penduduk: list[dict[str, Any]]
    log_penduduk: list[dict[str, Any]] = field(default_factory=list)
    log_keluarga: list[dict[str, Any]] = field(default_factory=list)


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date | None:
    if last < first:
        return None
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def at(day: dt.date, rng: random.Random, hour_from: int = 8, hour_to: int = 15) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(hour_from, hour_to), rng.randrange(60))


class _Builder:
    """Builds one family; split into steps so each stays readable."""

    def __init__(self, ctx: Context, slot: Slot) -> None:
        self.ctx = ctx
        self.spec = ctx.spec
        self.ref = ctx.spec.ref_date
        self.slot = slot
        self.rng = random.Random(numbers.mix64(ctx.village_key, slot.index, 0xFA))
        self.fam_id = ctx.kel_base + slot.index + 1
        self.people: list[dict[str, Any]] = []
        self.meta: list[dict[str, Any]] = []

    # -- who is in the family -------------------------------------------------------------------------
    def _born(self, offset: int, year: int) -> tuple[dt.date, int]:
        day, serial = numbers.day_and_serial(self.ctx.pend_base + self.slot.first + offset)
        latest = self.ref - BIRTH_QUIET
        return numbers.date_in_year(min(year, latest.year), day, latest), serial

    def _ages(self) -> dict[str, Any]:
        rng, kind, roles = self.rng, self.slot.kind, self.slot.roles
        head_sex = 1
        if kind == SINGLE:
            head_age, head_sex = rng.randint(20, 35), (1 if rng.random() < 0.7 else 2)
        elif kind == ELDERLY:
            head_age = rng.randint(62, 85)
        elif kind == WIDOW:
            head_age, head_sex = rng.randint(45, 80), (2 if rng.random() < 0.75 else 1)
        elif kind == DIVORCED:
            head_age, head_sex = rng.randint(28, 55), (2 if rng.random() < 0.5 else 1)
        elif kind == THREE_GEN:
            head_age = rng.randint(52, 78)
        else:
            head_age = rng.randint(23, 60)
        if self.slot.duties and kind not in (ELDERLY, THREE_GEN, WIDOW):
            head_age = rng.randint(32, 56)
        wife_age = max(20, min(head_age + 2, head_age - rng.randint(-2, 7)))
        youngest_parent = min(head_age, wife_age) if "istri" in roles else head_age
        n_anak = roles.count("anak")
        span = 42 if head_sex == 2 or "istri" in roles else 50
        oldest_parent_year = self.ref.year - (wife_age if "istri" in roles else head_age)
        lo = self.ref.year - youngest_parent + 20
        hi = min(self.ref.year, oldest_parent_year + span)
        hi = max(hi, lo)
        pool = list(range(lo, hi + 1))
        anak_years = sorted(
            rng.sample(pool, n_anak) if len(pool) >= n_anak else [rng.choice(pool) for _ in range(n_anak)]
        )
        anak_kawin_age = rng.randint(22, max(22, min(head_age, wife_age) - 26))
        menantu_age = max(21, anak_kawin_age + rng.randint(-3, 3))
        cucu_hi = self.ref.year
        cucu_lo = self.ref.year - min(anak_kawin_age, menantu_age) + 20
        parent_base = head_age if "orangtua" in roles else wife_age
        parent_age = min(95, rng.randint(parent_base + 20, parent_base + 32))
        return {
            "head_age": head_age,
            "head_sex": head_sex,
            "wife_age": wife_age,
            "anak_years": anak_years,
            "anak_kawin_age": anak_kawin_age,
            "menantu_age": menantu_age,
            "cucu_years": sorted(rng.randint(cucu_lo, cucu_hi) for _ in range(roles.count("cucu"))),
            "parent_age": parent_age,
        }

    def _members(self) -> None:
        rng, ages = self.rng, self._ages()
        anak_years = iter(ages["anak_years"])
        cucu_years = iter(ages["cucu_years"])
        anak_kawin_sex = 1 if rng.random() < 0.5 else 2
        for offset, role in enumerate(self.slot.roles):
            if role == "head":
                sex, year = ages["head_sex"], self.ref.year - ages["head_age"]
            elif role == "istri":
                sex, year = 2, self.ref.year - ages["wife_age"]
            elif role == "anak":
                sex, year = (1 if rng.random() < 0.51 else 2), next(anak_years)
            elif role == "anak_kawin":
                sex, year = anak_kawin_sex, self.ref.year - ages["anak_kawin_age"]
            elif role == "menantu":
                sex, year = 3 - anak_kawin_sex, self.ref.year - ages["menantu_age"]
            elif role == "cucu":
                sex, year = (1 if rng.random() < 0.51 else 2), next(cucu_years)
            else:
                sex, year = (2 if rng.random() < 0.7 else 1), self.ref.year - ages["parent_age"]
            born, serial = self._born(offset, year)
            self.meta.append({"role": role, "sex": sex, "born": born, "serial": serial, "offset": offset})

    def _index(self, *roles: str) -> int | None:
        for index, meta in enumerate(self.meta):
            if meta["role"] in roles:
                return index
        return None

    # -- marriages ------------------------------------------------------------------------------------------
    def _some_day(self, year: int, not_before: dt.date | None = None) -> dt.date:
        first = max(dt.date(year, 1, 1), not_before or dt.date(year, 1, 1))
        last = min(dt.date(year, 12, 31), self.ref)
        return day_between(self.rng, first, last) or min(first, self.ref)

    def _marriage(self, a: int, b: int | None, kids: list[int]) -> None:
        """Marriage date and certificate for person ``a`` (and spouse ``b``), before their first child."""
        rng = self.rng
        births = [self.meta[a]["born"]] + ([self.meta[b]["born"]] if b is not None else [])
        lo = max(born.year for born in births) + 20
        hi = min([self.meta[k]["born"].year for k in kids] + [self.ref.year])
        married = self._some_day(rng.randint(lo, max(lo, hi)))
        # Always recorded: a marriage without akta and date is "BELUM TERCATAT" (PER-KAWIN-BELUM-TERCATAT).
        akta = f"{rng.randint(100, 999)}/{rng.randint(10, 99)}/{ROMAN[married.month - 1]}/{married.year}"
        for who in (a, b):
            if who is not None:
                self.meta[who]["married"] = married
                self.meta[who]["akta_kawin"] = akta

    def _marital(self) -> None:
        kind = self.slot.kind
        head = 0
        spouse = self._index("istri")
        kids = [i for i, m in enumerate(self.meta) if m["role"] == "anak"]
        for meta in self.meta:
            meta["kawin"] = {"head": 1, "istri": 2, "anak_kawin": 2, "menantu": 2, "orangtua": 4, "mertua": 4}.get(
                meta["role"], 1
            )
        if kind == WIDOW:
            self.meta[head]["kawin"] = 4
        elif kind == DIVORCED:
            self.meta[head]["kawin"] = 3
            self._marriage(head, None, kids)
            self._divorce(head, kids)
        elif kind != SINGLE:
            self.meta[head]["kawin"] = 2
            if spouse is not None:
                self._marriage(head, spouse, kids)
            else:  # truncated family: the wife is not registered here
                self._marriage(head, None, kids)
        child = self._index("anak_kawin")
        if child is not None:
            cucu = [i for i, m in enumerate(self.meta) if m["role"] == "cucu"]
            self._marriage(child, self._index("menantu"), cucu)

    def _divorce(self, head: int, kids: list[int]) -> None:
        """Divorce date and certificate, after the marriage and the youngest child: an unrecorded divorce is
        "BELUM TERCATAT" (PER-KAWIN-BELUM-TERCATAT)."""
        married = self.meta[head]["married"]
        first = max([married + dt.timedelta(days=365)] + [self.meta[k]["born"] for k in kids])
        divorced = day_between(self.rng, min(first, self.ref), self.ref) or self.ref
        self.meta[head]["cerai"] = divorced
        self.meta[head]["akta_cerai"] = f"{self.rng.randint(100, 2999)}/Pdt.G/{divorced.year}/PA.Clp"

    # -- identity -----------------------------------------------------------------------------------------
    def _identity(self, origin: tuple[str, str, str] | None, since: dt.date) -> None:
        """NIK, names and how each person entered the register."""
        rng = self.rng
        agama = attr.religion(rng)
        christian = agama in (2, 3)
        for meta in self.meta:
            meta["agama"] = agama
            meta["nama"] = given_name(rng, meta["sex"], meta["born"].year, christian)
            married_in = meta["role"] in ("istri", "menantu") and origin is None and rng.random() < 0.35
            if origin is not None and meta["born"] < since:
                meta["entry"] = ("pindah", since, origin)
            elif married_in and "married" in meta:
                arrival = min(max(since, meta["married"] + dt.timedelta(days=30)), self.ref)
                meta["entry"] = ("pindah", arrival, self._origin())
            elif meta["born"] < since:
                meta["entry"] = ("sensus", since, None)
            else:
                meta["entry"] = ("lahir", meta["born"], None)
            kind, _, place = meta["entry"]
            prefix = place[0] if kind == "pindah" and place else self.ctx.prefix
            meta["nik"] = numbers.nik(prefix, meta["born"], meta["sex"], meta["serial"])
            meta["tempatlahir"] = place[1] if kind == "pindah" and place else rng.choice(NATIVE_PLACES)

    def _origin(self) -> tuple[str, str, str]:
        return neighbour_origin(self.rng, self.ctx.prefix, self.spec.nama_kecamatan, self.spec.nama_kabupaten)

    def _parents(self) -> None:
        rng = self.rng
        head, spouse = 0, self._index("istri")
        parent = self._index("orangtua", "mertua")
        anak_kawin, menantu = self._index("anak_kawin"), self._index("menantu")
        for meta in self.meta:
            father = given_name(rng, 1, meta["born"].year - 28, meta["agama"] in (2, 3))
            mother = given_name(rng, 2, meta["born"].year - 25, meta["agama"] in (2, 3))
            meta["ayah"], meta["ibu"], meta["ayah_nik"], meta["ibu_nik"] = father, mother, None, None

        def link(child: int, parent_index: int | None) -> None:
            if parent_index is None:
                return
            p = self.meta[parent_index]
            key = "ayah" if p["sex"] == 1 else "ibu"
            self.meta[child][key] = p["nama"]
            self.meta[child][f"{key}_nik"] = p["nik"]

        for index, meta in enumerate(self.meta):
            if meta["role"] == "anak":
                link(index, head)
                link(index, spouse)
            elif meta["role"] == "cucu":
                link(index, anak_kawin)
                link(index, menantu)
            elif meta["role"] == "anak_kawin":
                link(index, head)
                link(index, spouse)
        if parent is not None:
            target = head if self.meta[parent]["role"] == "orangtua" else spouse
            if target is not None:
                link(target, parent)

    # -- events ---------------------------------------------------------------------------------------------
    def _fates(self, since: dt.date, duty: bool) -> dt.date | None:
        """Deaths of old parents, adult children who moved away, or the whole family moving out."""
        rng, ref = self.rng, self.ref
        latest_entry = max(meta["entry"][1] for meta in self.meta)
        family_move = None
        if not duty and rng.random() < 0.03:
            family_move = day_between(rng, latest_entry + dt.timedelta(days=60), ref - dt.timedelta(days=5))
        for meta in self.meta:
            meta["fate"] = None
            if family_move is not None:
                meta["fate"] = ("pindah", family_move)
                continue
            age = attr.age_on(meta["born"], ref)
            entry = meta["entry"][1]
            if meta["role"] in ("orangtua", "mertua") and age >= 65 and rng.random() < 0.35:
                died = day_between(rng, entry + dt.timedelta(days=30), ref - dt.timedelta(days=35))
                if died:
                    meta["fate"] = ("mati", died)
            elif meta["role"] == "anak" and age >= 21 and rng.random() < 0.15:
                adult = dt.date(meta["born"].year + 19, 1, 1)
                moved = day_between(rng, max(entry + dt.timedelta(days=30), adult), ref - dt.timedelta(days=5))
                if moved:
                    meta["fate"] = ("pindah", moved)
        return family_move

    # -- rows ------------------------------------------------------------------------------------------------
    def build(self) -> FamilyRows:
        rng, ref, spec = self.rng, self.ref, self.spec
        origin = self._origin() if rng.random() < 0.12 else None
        since = (
            day_between(rng, dt.date(2016, 1, 1), ref - dt.timedelta(days=150))
            if origin
            else DATA_START + dt.timedelta(days=rng.randrange(700))
        ) or DATA_START
        self._members()
        self._marital()
        self._identity(origin, since)
        self._parents()
        family_move = self._fates(since, bool(self.slot.duties))
        head = self.meta[0]
        head_id = self.ctx.pend_base + self.slot.first + 1
        # KK: recorded on a day fixed by the family's running number, after the youngest member's birth.
        day, serial = numbers.day_and_serial(self.ctx.kel_base + self.slot.index)
        low_year = min(ref.year, max(since.year, max(m["born"].year for m in self.meta)))
        issued = numbers.date_in_year(rng.randint(low_year, ref.year), day, ref)
        no_kk = numbers.no_kk(self.ctx.prefix, issued, serial)
        registered = at(since, rng)
        house = rng.randint(1, 120)
        keluarga = blank(KELUARGA_COLUMNS)
        keluarga.update(
            id=self.fam_id,
            config_id=spec.config_id,
            no_kk=no_kk,
            nik_kepala=head_id,
            tgl_daftar=registered,
            kelas_sosial=rng.randint(1, 5) if rng.random() < 0.6 else None,
            tgl_cetak_kk=dt.datetime(issued.year, issued.month, issued.day, 10, 0),
            alamat=f"Jl. {self.slot.rt.dusun} No. {house}",
            id_cluster=self.slot.rt.cluster_id,
            updated_at=registered,
            updated_by=1,
        )
        rows = FamilyRows(keluarga, [])
        rows.log_keluarga.append(self._log_keluarga(5 if origin else 1, registered, head_id))
        for meta in self.meta:
            person, events = self._person(meta, keluarga, head)
            rows.penduduk.append(person)
            rows.log_penduduk.extend(events)
        if family_move is not None:
            rows.log_keluarga.append(self._log_keluarga(3, at(family_move, rng, 16, 16), head_id))
        return rows

    def _log_keluarga(self, event: int, when: dt.datetime, head_id: int) -> dict[str, Any]:
        row = blank(LOG_KELUARGA_COLUMNS)
        row.update(
            config_id=self.spec.config_id, id_kk=self.fam_id, id_peristiwa=event, tgl_peristiwa=when, id_pend=head_id
        )
        row["updated_by"] = 1
        return row

    def _event(self, meta: dict[str, Any], kode: int, when: dt.datetime, reported: dt.datetime) -> dict[str, Any]:
        row = blank(LOG_PENDUDUK_COLUMNS)
        row.update(
            config_id=self.spec.config_id,
            id_pend=self.ctx.pend_base + self.slot.first + meta["offset"] + 1,
            kode_peristiwa=kode,
            tgl_peristiwa=when,
            tgl_lapor=reported,
            no_kk=self._no_kk,
            nama_kk=self._nama_kk,
            created_at=reported,
            updated_at=reported,
            updated_by=1,
        )
        if kode != 3:
            row["ref_pindah"] = None
        return row

    def _person(
        self, meta: dict[str, Any], keluarga: dict[str, Any], head: dict[str, Any]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng, ref, spec = self.rng, self.ref, self.spec
        self._no_kk, self._nama_kk = keluarga["no_kk"], head["nama"]
        born, sex = meta["born"], meta["sex"]
        age = attr.age_on(born, ref)
        kawin = meta["kawin"]
        pend_kk, pend_sedang = attr.education(rng, age, born.year)
        pekerjaan = attr.occupation(rng, age, sex, pend_kk)
        duties = self.slot.duties if meta["offset"] == 0 else frozenset()
        for duty in ("kades", "sekdes", "kasi", "kadus"):
            if duty in duties:
                pekerjaan = PEKERJAAN_DUTY[duty]
                break
        wajib = age >= 17 or kawin in (2, 3, 4)
        ktp_el, rekam = attr.ktp(rng, wajib)
        asuransi, no_asuransi = attr.insurance(rng)
        row = blank(_PC)
        row.update(
            id=self.ctx.pend_base + self.slot.first + meta["offset"] + 1,
            config_id=spec.config_id,
            nama=meta["nama"],
            nik=meta["nik"],
            id_kk=self.fam_id,
            kk_level=KK_LEVEL[meta["role"]],
            sex=sex,
            tempatlahir=meta["tempatlahir"],
            tanggallahir=born,
            agama_id=meta["agama"],
            pendidikan_kk_id=pend_kk,
            pendidikan_sedang_id=pend_sedang,
            pekerjaan_id=pekerjaan,
            status_kawin=kawin,
            warganegara_id=1,
            ayah_nik=meta["ayah_nik"],
            ibu_nik=meta["ibu_nik"],
            nama_ayah=meta["ayah"],
            nama_ibu=meta["ibu"],
            golongan_darah_id=attr.blood_group(rng),
            id_cluster=self.slot.rt.cluster_id,
            status=1,
            ktp_el=ktp_el,
            status_rekam=rekam,
            id_asuransi=asuransi,
            no_asuransi=no_asuransi,
            suku="Jawa" if rng.random() < 0.9 else "Sunda",
            cacat_id=7 if rng.random() < 0.3 else None,
        )
        if kawin != 1 and "married" in meta:
            row["tanggalperkawinan"] = meta["married"] if meta.get("akta_kawin") else None
            row["akta_perkawinan"] = meta.get("akta_kawin")
        if kawin == 3 and "cerai" in meta:
            row["tanggalperceraian"], row["akta_perceraian"] = meta["cerai"], meta["akta_cerai"]
        if sex == 2 and kawin == 2:
            if 20 <= age <= 40 and rng.random() < 0.06:
                row["hamil"] = 1
            else:
                row["cara_kb_id"] = attr.contraception(rng, age)
        if rekam in (4, 6, 7, 8):
            printed = day_between(rng, max(dt.date(born.year + 17, born.month, 1), dt.date(2012, 1, 1)), ref)
            row["tanggal_cetak_ktp"], row["tempat_cetak_ktp"] = printed, "CILACAP" if printed else None
        if age >= 17 and rng.random() < 0.35:
            row["telepon"] = f"08{rng.randrange(10**9, 10**10)}"
        events = self._events(meta, row)
        row["created_at"] = events[0]["tgl_lapor"]
        row["updated_at"] = events[-1]["tgl_lapor"]
        return row, events

    def _events(self, meta: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]]:
        rng, ref = self.rng, self.ref
        kind, day, place = meta["entry"]
        end_of_ref = dt.datetime(ref.year, ref.month, ref.day, 23, 0)
        if kind == "lahir":
            when = at(day, rng, 0, 23)
            reported = min(max(when, at(day + dt.timedelta(days=rng.randint(1, 40)), rng)), end_of_ref)
            row.update(
                akta_lahir=f"3301-LT-{day:%d%m%Y}-{meta['serial']:04d}",
                waktu_lahir=f"{when:%H:%M}",
                tempat_dilahirkan=rng.choice((1, 2, 4)),
                jenis_kelahiran=1,
                kelahiran_anak_ke=1 + sum(1 for m in self.meta if m["role"] == meta["role"] and m["born"] < day),
                penolong_kelahiran=rng.choice((1, 2, 2, 2)),
                berat_lahir=rng.randint(2600, 3900),
                panjang_lahir=str(rng.randint(46, 53)),
            )
            events = [self._event(meta, 1, when, reported)]
        else:
            when = at(day, rng)
            event = self._event(meta, 5, when, when)
            if kind == "pindah":
                row["alamat_sebelumnya"] = place[2]
                event["maksud_tujuan_kedatangan"] = "Ikut keluarga" if meta["offset"] else "Pekerjaan"
            else:
                row["alamat_sebelumnya"] = f"Desa {self.spec.nama_desa}"
                event["catatan"] = "Pendataan awal penduduk"
                event["maksud_tujuan_kedatangan"] = "Pendataan awal"
            events = [event]
        fate = meta.get("fate")
        if fate is not None:
            what, date = fate
            when = at(date, rng, 6, 18)
            if what == "mati":
                reported = at(date + dt.timedelta(days=rng.randint(1, 25)), rng, 8, 14)
                event = self._event(meta, 2, when, max(when, reported))
                event.update(
                    meninggal_di="Rumah",
                    jam_mati=f"{when:%H:%M}",
                    sebab="1",
                    penolong_mati="2",
                    akta_mati=f"3301-KM-{date:%d%m%Y}-{meta['serial']:04d}",
                )
                row["status_dasar"] = 2
            else:
                event = self._event(meta, 3, when, when)
                event.update(ref_pindah=rng.randint(1, 4), alamat_tujuan=rng.choice(DESTINATIONS))
                row["status_dasar"] = 3
            events.append(event)
        return events


def build_family(ctx: Context, slot: Slot) -> FamilyRows:
    """The family at ``slot``, identical every time it is built."""
    return _Builder(ctx, slot).build()
