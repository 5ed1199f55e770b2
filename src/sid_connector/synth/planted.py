"""The problems of RULES.md §12, planted on top of a valid village.

Every planted record lives in a small family of its own (so one defect does not disturb the generated
families), in Krajan or Sidamulya, with ids after the generated ones. Defects that one OpenSID database
cannot hold (unique keys, foreign keys) go to the *second source* instead. ``PLANTED`` maps each rule id to
what was planted, so tests can check that every ERROR/WARNING bullet of §12 that fits in OpenSID rows is
covered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sid_connector.synth.rows import KELUARGA_COLUMNS, LOG_KELUARGA_COLUMNS, LOG_PENDUDUK_COLUMNS, blank
from sid_connector.synth.rows import PENDUDUK_COLUMNS as _PC

if TYPE_CHECKING:
    from sid_connector.synth.village import SyntheticVillage

PLANTED: dict[str, str] = {
    "NIK-FORMAT": "laki-laki HIDUP dengan NIK 15 digit 330102150790001",
    "NIK-ZERO": "perempuan HIDUP dengan NIK '0'",
    "NIK-TEMP": "dewasa dengan NIK sementara 0330102200100001, satu-satunya peristiwa Pindah Masuk 2025-01-10",
    "NIK-TEMP-DUP": "dua SITI AMINAH (P, 2001-02-03, CILACAP) dengan NIK sementara ...0002 dan ...0003",
    "NIK-PROV": "NIK 4001021507900004 (provinsi 40 tidak ada)",
    "NIK-REGION-ZERO": "NIK 3300021507900005 (kabupaten 00)",
    "NIK-REGION-KNOWN": "NIK 3301991507900006 (kecamatan 33.01.99 tidak ada)",
    "NIK-DATE": "NIK 3301023102900007 (31 Februari)",
    "NIK-SERIAL": "NIK 3301021507900000 (nomor urut 0000)",
    "NIK-SEX-MATCH": "perempuan lahir 1990-07-15 dengan NIK 3301021507900008 (tanggal tanpa +40)",
    "NIK-DOB-MATCH": "laki-laki NIK 3301021507900009 dengan tanggallahir 1990-07-16",
    "NIK-UNIQUE": "(sumber kedua) orang lain dengan NIK 3301021507900001",
    "NIK-PARENT-FORMAT": "anak dengan ayah_nik 12345",
    "NIK-FOREIGNER": "penduduk HIDUP WNA tanpa KITAS/paspor",
    "KK-FORMAT": "keluarga aktif dengan no_kk 33010201012000 (14 digit)",
    "KK-TEMP": "keluarga aktif dengan no_kk sementara 0330102200100001",
    "KK-DATE": "keluarga aktif dengan no_kk 3301023213150001 (321315 bukan tanggal)",
    "KK-REGION": "keluarga aktif dengan no_kk 3302010101200001 (kecamatan 33.02.01)",
    "KK-UNIQUE": "(sumber kedua) keluarga lain dengan no_kk 3301020101200001",
    "KK-ONE-PER-PERSON": "(sumber kedua) NIK 3301021507900001 HIDUP juga di keluarga lain",
    "KK-PENDUDUK-LEPAS": "penduduk tetap HIDUP tanpa id_kk",
    "REG-CLUSTER-EXISTS": "penduduk HIDUP dengan id_cluster = baris dusun Krajan",
    "REG-CLUSTER-NO-RT": "penduduk HIDUP di baris RT '-' Krajan",
    "REG-DUSUN-DUP": "baris dusun tambahan ' KRAJAN' (spasi di depan) di samping 'Krajan'",
    "REG-RT-UNIQUE": "(sumber kedua) baris wilayah kedua untuk (Krajan, -, 001)",
    "FAM-MULTI-HEAD": "keluarga dengan dua anggota HIDUP kk_level 1 (dan satu lagi di tiap dusun selain Krajan)",
    "FAM-NO-HEAD": "keluarga aktif ISTRI + ANAK dengan nik_kepala NULL",
    "FAM-HEAD-POINTER": "nik_kepala menunjuk id ANAK",
    "FAM-HEAD-IN-2-KK": "dua keluarga dengan nik_kepala yang sama",
    "FAM-HEAD-NOT-ALIVE": "kepala keluarga MATI (dengan log Mati), ISTRI dan ANAK HIDUP",
    "FAM-ORPHAN-HEAD": "(sumber kedua) kepala keluarga dengan id_kk 9999",
    "FAM-EMPTY": "tweb_keluarga tanpa anggota dengan log_keluarga peristiwa 1",
    "FAM-SPOUSE-SEX": "ISTRI dengan sex = 1",
    "FAM-SPOUSE-MARRIED": "ISTRI dengan status_kawin = 1",
    "FAM-CHILD-BEFORE-PARENT": "kepala lahir 1990-07-15 dengan ANAK lahir 1985-01-01 dan 1996-01-01",
    "FAM-GENERATION-ORDER": "ORANGTUA lahir 2000-01-01, kepala lahir 1990-07-15",
    "FAM-PARENT-LINK": "anak dengan ayah_nik = NIK seorang perempuan",
    "FAM-LOG-MISSING": "keluarga aktif tanpa log_keluarga",
    "FAM-LOG-DUP": "dua log_keluarga (peristiwa 1 dan 12) untuk satu id_kk pada tgl_peristiwa yang sama",
    "RTM-MULTI-HEAD": "dua tweb_rtm dengan nik_kepala sama; id_rtm kepala hanya cocok dengan satu",
    "PER-STATUS-LOG-SYNC": "penduduk HIDUP dengan log terakhir Mati",
    "PER-LOG-NULL": "log_penduduk dengan kode_peristiwa NULL",
    "PER-LOG-UNKNOWN": "log_penduduk dengan kode_peristiwa 7",
    "PER-LOG-MISSING": "penduduk HIDUP tanpa log_penduduk",
    "PER-DOB-MISSING": "penduduk HIDUP dengan tanggallahir NULL",
    "PER-REQUIRED-NULL": "penduduk HIDUP dengan agama_id NULL dan nama_ibu kosong",
    "PER-AGE-RANGE": "penduduk HIDUP lahir 1890-01-01",
    "PER-ENUM": "penduduk HIDUP dengan pekerjaan_id 90",
    "PER-NAME-CHARS": "nama 'AHMAD2 SUBAGYO'",
    "PER-MINOR-MARRIED": "perempuan lahir 2010-01-01, KAWIN, tanggalperkawinan 2025-06-01",
    "PER-KAWIN-DOCS": "BELUM KAWIN dengan akta_perkawinan terisi",
    "PER-HAMIL-MALE": "laki-laki dengan hamil = 1",
    "PER-KB": "perempuan kawin dengan cara_kb_id 4 (Kondom)",
    "PER-KTP-STATUS": "anak 10 tahun BELUM KAWIN dengan status_rekam 3",
    "PER-KTP-DATE-FUTURE": "tanggal_cetak_ktp ref_date + 154 hari (2026-12-01 pada ref_date 2026-06-30)",
    "PER-UNIQUE-CONTACT": "(sumber kedua) SUPRIYONO dengan email warga@example.test yang juga dipakai CECEP",
    "PER-DEAD-ACTIVE": "Kepala Dusun Sidamulya (id_kepala) berstatus MATI dengan log Mati",
    "EVT-BIRTH-60D": "bayi lahir 2026-03-01, log Lahir dilapor 2026-03-02, akta_lahir kosong",
    "EVT-BIRTH-DOB": "log Lahir 2026-05-10 untuk bayi dengan tanggallahir 2026-05-01",
    "EVT-DEATH-30D": "log Mati 2026-04-01 dilapor 2026-05-20, di RT yang punya Ketua RT",
    "EVT-DATES": "log Pindah Keluar tanggal ref_date + 32 hari (2026-08-01 pada ref_date 2026-06-30)",
    "EVT-DUP-LOG": "(sumber kedua) (id_pend, kode_peristiwa, tgl_peristiwa) yang sama dua kali",
    "EVT-MOVE-OUT": "log Pindah Keluar dengan ref_pindah 3 dan alamat_tujuan kosong",
    "EVT-MOVE-IN": "Pindah Masuk dengan NIK sementara dan alamat_sebelumnya kosong",
}


@dataclass(frozen=True, slots=True)
class Extra:
    """Upper bounds of planted rows, to keep ids of later villages in a gabungan database unique."""

    penduduk: int = 0
    keluarga: int = 0
    wilayah: int = 0
    log_penduduk: int = 0
    log_keluarga: int = 0


EXTRA = Extra(penduduk=200, keluarga=100, wilayah=5, log_penduduk=300, log_keluarga=150)
NO_EXTRA = Extra()
# Rows of the one family planted in each dusun besides Krajan (see Planting._dusun_bullets).
PER_DUSUN = Extra(penduduk=2, keluarga=1, log_penduduk=2, log_keluarga=1)
# §12's future dates, kept relative to ref_date (2026-08-01 and 2026-12-01 for the fixture's 2026-06-30).
FUTURE_MOVE = dt.timedelta(days=32)
FUTURE_KTP = dt.timedelta(days=154)
FIXTURE_NIK = "3301021507900001"
FIXTURE_KK = "3301020101200001"
BORN_1990 = dt.date(1990, 7, 15)
DUSUN_DUP = " KRAJAN"
SHARED_EMAIL = "warga@example.test"
RESERVED_NIKS = frozenset(
    f"{p}{d}{s}"
    for p in ("3301021507", "3301021509", "3301023102")
    for d in ("90",)
    for s in ("0000", "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0)


class Planting:
    """Builds the planted rows once (they are few) and hands them to the village's iterators."""

    def __init__(self, village: SyntheticVillage) -> None:
        self.village = village
        self.spec = village.spec
        self.prefix = village.spec.kode_desa[:6]
        self.next_pend = village.bases.penduduk + village.spec.residents
        self.next_kel = village.bases.keluarga + village.families
        self.used_niks: set[str] = set()
        self.filler_serial = 0
        self.kk_serial = 0
        self._penduduk: list[dict[str, Any]] = []
        self._keluarga: list[dict[str, Any]] = []
        self._log_penduduk: list[dict[str, Any]] = []
        self._log_keluarga: list[dict[str, Any]] = []
        self._second: list[dict[str, Any]] = []
        self.second_log: list[dict[str, Any]] = []
        self.rtm: list[dict[str, Any]] = []
        self._clusters()
        self._plant()

    # -- places ---------------------------------------------------------------------------------------------
    def _clusters(self) -> None:
        rows = self.village.wilayah
        rts = self.village.rts

        def rt_row(dusun: str, rt: str) -> dict[str, Any]:
            return next(r for r in rows if r["dusun"] == dusun and r["rt"] == rt)

        krajan_rt1 = next(r for r in rts if r.dusun == "Krajan" and r.rt == "001")
        self.krajan_rt1 = rt_row("Krajan", "001")
        self.krajan_rt2 = rt_row("Krajan", "002")
        self.sidamulya_rt1 = rt_row("Sidamulya", "001")
        self.krajan_dusun = next(r for r in rows if r["dusun"] == "Krajan" and r["rw"] == "0")
        self.krajan_no_rt = next(r for r in rows if r["dusun"] == "Krajan" and r["rt"] == "-")
        self.sidamulya_dusun = next(r for r in rows if r["dusun"] == "Sidamulya" and r["rw"] == "0")
        self.krajan_rw = krajan_rt1.rw

    # -- building blocks ------------------------------------------------------------------------------------
    def _nik(self, born: dt.date, sex: int) -> str:
        """A valid local NIK with a serial 0001-0020, which generated residents never use."""
        day = born.day + (40 if sex == 2 else 0)
        for _ in range(20):
            self.filler_serial = self.filler_serial % 20 + 1
            nik = f"{self.prefix}{day:02d}{born.month:02d}{born.year % 100:02d}{self.filler_serial:04d}"
            if nik not in self.used_niks and nik not in RESERVED_NIKS:
                self.used_niks.add(nik)
                return nik
        raise ValueError("NIK pengisi habis untuk tanggal ini")

    def _kk(self) -> str:
        self.kk_serial += 1
        issued = dt.date(2021, 2, 1) + dt.timedelta(days=self.kk_serial)
        return f"{self.prefix}{issued:%d%m%y}{self.kk_serial % 9 + 2:04d}"

    def person(
        self, nama: str, sex: int, born: dt.date | None, kk_level: int | None = 1, **values: Any
    ) -> dict[str, Any]:
        """A valid adult (or child, by age) resident; ``values`` override any column."""
        self.next_pend += 1
        age = None if born is None else self.spec.ref_date.year - born.year
        adult = age is None or age >= 18
        nik = values.pop("nik") if "nik" in values else self._nik(born or dt.date(1980, 3, 3), sex)
        row = blank(_PC)
        row.update(
            id=self.next_pend,
            config_id=self.spec.config_id,
            nama=nama,
            nik=nik,
            kk_level=kk_level,
            sex=sex,
            tempatlahir="CILACAP",
            tanggallahir=born,
            agama_id=1,
            pendidikan_kk_id=5 if adult else 2,
            pendidikan_sedang_id=18 if adult else 4,
            pekerjaan_id=88 if adult else 3,
            status_kawin=1,
            warganegara_id=1,
            nama_ayah="SUPARMAN",
            nama_ibu="SUMIYATI",
            golongan_darah_id=13,
            status=1,
            status_dasar=1,
            ktp_el=2 if adult else 1,
            status_rekam=8 if adult else 1,
            alamat_sebelumnya=f"Desa {self.spec.nama_desa}",
            created_at=_at(dt.date(2015, 3, 2)),
            updated_at=_at(dt.date(2015, 3, 2)),
        )
        row.update(values)
        return row

    def family(
        self,
        members: list[dict[str, Any]],
        *,
        cluster: dict[str, Any] | None = None,
        no_kk: str | None = None,
        log: bool = True,
        events: bool = True,
    ) -> dict[str, Any]:
        """A ``tweb_keluarga`` row for ``members`` (the first with kk_level 1 is the head)."""
        cluster = cluster or self.krajan_rt1
        self.next_kel += 1
        head = next((m for m in members if m["kk_level"] == 1), None)
        registered = _at(dt.date(2015, 3, 2), 8)
        row = blank(KELUARGA_COLUMNS)
        row.update(
            id=self.next_kel,
            config_id=self.spec.config_id,
            no_kk=no_kk or self._kk(),
            nik_kepala=head["id"] if head else None,
            tgl_daftar=registered,
            tgl_cetak_kk=_at(dt.date(2021, 3, 1), 10),
            alamat=f"Jl. {cluster['dusun'].strip()} No. {self.next_kel % 97 + 1}",
            id_cluster=cluster["id"],
            updated_at=registered,
            updated_by=1,
        )
        self._keluarga.append(row)
        for member in members:
            member["id_kk"] = row["id"]
            member.setdefault("id_cluster", None)
            if member["id_cluster"] is None:
                member["id_cluster"] = cluster["id"]
            self._penduduk.append(member)
            if events:
                self.entry(member, row)
        if log:
            self.family_event(row, 1, registered, head["id"] if head else None)
        return row

    def entry(self, member: dict[str, Any], keluarga: dict[str, Any] | None) -> dict[str, Any]:
        """The census entry event (Pindah Masuk at the start of the register), or Lahir if born later."""
        census = dt.date(2015, 3, 2)
        born = member["tanggallahir"]
        if born is not None and born >= census:
            member["akta_lahir"] = member["akta_lahir"] or f"3301-LT-{born:%d%m%Y}-{member['id'] % 10000:04d}"
            return self.event(member, 1, _at(born, 4), _at(born + dt.timedelta(days=5)), keluarga)
        when = _at(census, 10)
        return self.event(member, 5, when, when, keluarga, catatan="Pendataan awal penduduk")

    def event(
        self,
        member: dict[str, Any],
        kode: int | None,
        when: dt.datetime,
        reported: dt.datetime,
        keluarga: dict[str, Any] | None = None,
        **values: Any,
    ) -> dict[str, Any]:
        row = blank(LOG_PENDUDUK_COLUMNS)
        row.update(
            config_id=self.spec.config_id,
            id_pend=member["id"],
            kode_peristiwa=kode,
            tgl_peristiwa=when,
            tgl_lapor=reported,
            no_kk=keluarga["no_kk"] if keluarga else None,
            created_at=reported,
            updated_at=reported,
            updated_by=1,
        )
        row["ref_pindah"] = values.pop("ref_pindah", None)
        row.update(values)
        self._log_penduduk.append(row)
        return row

    def family_event(self, keluarga: dict[str, Any], kode: int, when: dt.datetime, id_pend: int | None) -> None:
        row = blank(LOG_KELUARGA_COLUMNS)
        row.update(config_id=self.spec.config_id, id_kk=keluarga["id"], id_peristiwa=kode, tgl_peristiwa=when)
        row.update(id_pend=id_pend, updated_by=1)
        self._log_keluarga.append(row)

    def couple(self, husband: str, wife: str, born: dt.date = dt.date(1985, 4, 10)) -> list[dict[str, Any]]:
        wed = dt.date(born.year + 22, 5, 17)
        married = {"status_kawin": 2, "tanggalperkawinan": wed, "akta_perkawinan": f"120/33/V/{wed.year}"}
        head = self.person(husband, 1, born, 1, **married)
        istri = self.person(wife, 2, born + dt.timedelta(days=700), 3, **married, pekerjaan_id=2)
        return [head, istri]

    def child(self, nama: str, sex: int, born: dt.date, parents: list[dict[str, Any]], **values: Any) -> dict[str, Any]:
        row = self.person(nama, sex, born, 4)
        for parent in parents:
            key = "ayah" if parent["sex"] == 1 else "ibu"
            row[f"nama_{key}"], row[f"{key}_nik"] = parent["nama"], parent["nik"]
        row.update(values)
        return row

    # -- the bullets ----------------------------------------------------------------------------------------
    def _plant(self) -> None:
        self._nik_bullets()
        self._kk_bullets()
        self._region_bullets()
        self._family_bullets()
        self._person_bullets()
        self._event_bullets()
        self._dusun_bullets()
        self._second_source()

    def extra(self) -> Extra:
        """Upper bounds of this planting's rows: the fixed bullets plus one family per dusun."""
        dusun = len({rt.dusun for rt in self.village.rts})
        return Extra(
            penduduk=EXTRA.penduduk + dusun * PER_DUSUN.penduduk,
            keluarga=EXTRA.keluarga + dusun * PER_DUSUN.keluarga,
            wilayah=EXTRA.wilayah,
            log_penduduk=EXTRA.log_penduduk + dusun * PER_DUSUN.log_penduduk,
            log_keluarga=EXTRA.log_keluarga + dusun * PER_DUSUN.log_keluarga,
        )

    def _single(self, nama: str, sex: int, born: dt.date | None, **values: Any) -> dict[str, Any]:
        person = self.person(nama, sex, born, 1, **values)
        self.family([person])
        return person

    def _nik_bullets(self) -> None:
        self.fixture = self.couple("BUDI SANTOSO", "SRI WAHYUNI", BORN_1990)
        self.fixture[0]["nik"] = FIXTURE_NIK
        self.fixture_kids = [self.child("DIMAS PRATAMA", 1, dt.date(2015, 9, 9), self.fixture)]
        self.family(self.fixture + self.fixture_kids, no_kk=FIXTURE_KK)
        self._single("SUGENG RIYADI", 1, BORN_1990, nik="330102150790001")
        self._single("TUMINAH", 2, dt.date(1970, 5, 5), nik="0")
        temp = self.person("WARSITO", 1, dt.date(1980, 8, 8), 1, nik="0330102200100001")
        temp["alamat_sebelumnya"] = "Desa Adipala, Kec. Adipala, Cilacap"
        self.family([temp], events=False)
        when = _at(dt.date(2025, 1, 10))
        self.event(temp, 5, when, when, self._keluarga[-1])
        siti = dict(nama="SITI AMINAH", tempatlahir="CILACAP")
        a = self.person(sex=2, born=dt.date(2001, 2, 3), kk_level=1, nik="0330102200100002", **siti)
        b = self.person(sex=2, born=dt.date(2001, 2, 3), kk_level=9, nik="0330102200100003", **siti)
        self.family([a, b])
        self._single("RASIMIN", 1, BORN_1990, nik="4001021507900004")
        self._single("KARSO", 1, BORN_1990, nik="3300021507900005")
        self._single("TASRIP", 1, BORN_1990, nik="3301991507900006")
        self._single("DARSONO", 1, dt.date(1990, 2, 28), nik="3301023102900007")
        self._single("WAGIMAN", 1, BORN_1990, nik="3301021507900000")
        self._single("SUMARNI", 2, BORN_1990, nik="3301021507900008")
        self._single("PARYANTO", 1, dt.date(1990, 7, 16), nik="3301021507900009")
        parents = self.couple("HERU SUSANTO", "ENDANG LESTARI")
        kid = self.child("RIZKY SAPUTRA", 1, dt.date(2012, 6, 1), parents, ayah_nik="12345")
        self.family([*parents, kid])
        self._single("JOHN SMITH", 1, dt.date(1975, 10, 1), warganegara_id=2, negara_asal="AUSTRALIA")

    def _kk_bullets(self) -> None:
        for no_kk, name in (
            ("33010201012000", "SLAMET RAHARJO"),
            ("0330102200100001", "MULYADI"),
            ("3301023213150001", "SUPRIYADI"),
            ("3302010101200001", "KUSWANTO"),
        ):
            self.family([self.person(name, 1, dt.date(1978, 11, 20))], no_kk=no_kk)
        lepas = self.person("SUKIMAN", 1, dt.date(1966, 1, 12), None)
        lepas["id_cluster"] = self.krajan_rt2["id"]
        self._penduduk.append(lepas)
        self.entry(lepas, None)

    def _region_bullets(self) -> None:
        rows = self.village.wilayah
        dup = dict(self.krajan_dusun)
        # Not 'KRAJAN ' (RULES.md §12.4): OpenSID's collation ignores case and trailing spaces, so that row would
        # break unique key rt_config. A leading space is kept apart by the database, the rule still trims it.
        dup.update(id=max(r["id"] for r in rows) + 1, dusun=DUSUN_DUP, id_kepala=None, urut=None, urut_cetak=None)
        rows.append(dup)
        self._single("TARYONO", 1, dt.date(1972, 9, 9), id_cluster=self.krajan_dusun["id"])
        self._single("WARSIH", 2, dt.date(1974, 4, 4), id_cluster=self.krajan_no_rt["id"])

    def _family_bullets(self) -> None:
        heads = [self.person("BAMBANG", 1, dt.date(1970, 1, 1)), self.person("JOKO", 1, dt.date(1975, 2, 2))]
        self.family(heads)
        istri = self.person("SUPARTI", 2, dt.date(1980, 3, 3), 3, status_kawin=2, tanggalperkawinan=dt.date(2002, 2, 2))
        istri["akta_perkawinan"] = "045/12/II/2002"
        anak = self.child("NAYLA", 2, dt.date(2010, 10, 10), [istri])
        self.family([istri, anak])
        pointer = self.couple("HARYANTO", "KASMIRAH", dt.date(1975, 3, 1))
        kid = self.child("ALIF", 1, dt.date(2005, 5, 5), pointer)
        keluarga = self.family([*pointer, kid])
        keluarga["nik_kepala"] = kid["id"]
        shared = self.person("PURNOMO", 1, dt.date(1968, 6, 6))
        self.family([shared])
        other = self.person("WIBOWO", 1, dt.date(1969, 7, 7))
        self.family([other])["nik_kepala"] = shared["id"]
        dead = self.couple("KARTO", "TARSIH", dt.date(1960, 1, 20))
        dead[0]["status_dasar"] = 2
        kid = self.child("EKO", 1, dt.date(1992, 2, 20), dead)
        keluarga = self.family([*dead, kid])
        died = _at(dt.date(2025, 11, 3), 4)
        self.event(dead[0], 2, died, died + dt.timedelta(days=5), keluarga, akta_mati="3301-KM-03112025-0001")
        self.family_event(keluarga, 2, died, dead[0]["id"])
        self.family([], log=True)
        husband = self.person("DARMAJI", 1, dt.date(1983, 3, 3), 1, status_kawin=2)
        male_wife = self.person("WASLAM", 1, dt.date(1984, 4, 4), 3, status_kawin=2)
        self.family([husband, male_wife])
        husband = self.person("TUKIJO", 1, dt.date(1983, 5, 5), 1, status_kawin=2)
        self.family([husband, self.person("NGATINI", 2, dt.date(1985, 6, 6), 3, status_kawin=1)])
        parents = self.couple("SLAMET", "PAINEM", BORN_1990)
        parents[1]["tanggallahir"] = dt.date(1965, 1, 1)  # the mother is old enough; the head is the issue
        parents[1]["nik"] = self._nik(dt.date(1965, 1, 1), 2)
        older = self.child("AGUS", 1, dt.date(1985, 1, 1), parents)
        younger = self.child("TEGUH", 1, dt.date(1996, 1, 1), parents)
        self.family([*parents, older, younger])
        young_parent = self.person("RUSMINI", 2, dt.date(2000, 1, 1), 7, status_kawin=4)
        self.family([self.person("SANTOSO", 1, BORN_1990), young_parent])
        mother = self.person("ENTIN", 2, dt.date(1982, 8, 8))
        self.family([mother])
        kid = self.child("NAUFAL", 1, dt.date(2008, 8, 8), [], ayah_nik=mother["nik"], nama_ayah="SUTARNO")
        self.family([self.person("SUTARNO", 1, dt.date(1980, 9, 9)), kid])
        self.family([self.person("CARIM", 1, dt.date(1977, 7, 7))], log=False)
        dup_head = self.person("RASTAM", 1, dt.date(1976, 6, 6))
        keluarga = self.family([dup_head], log=False)
        when = _at(dt.date(2015, 3, 2), 8)
        self.family_event(keluarga, 1, when, dup_head["id"])
        self.family_event(keluarga, 12, when, dup_head["id"])
        rtm_head = self.person("DASIMUN", 1, dt.date(1971, 1, 1), id_rtm="3301022001000001", rtm_level=1)
        self.family([rtm_head])
        for number, no_rtm in enumerate(("3301022001000001", "3301022001000002"), start=1):
            self.rtm.append(
                {
                    "id": number,
                    "config_id": self.spec.config_id,
                    "nik_kepala": rtm_head["id"],
                    "no_kk": no_rtm,
                    "tgl_daftar": _at(dt.date(2016, 1, 4)),
                    "kelas_sosial": None,
                    "bdt": None,
                    "terdaftar_dtks": 0,
                }
            )

    def _person_bullets(self) -> None:
        person = self._single("SUWARNO", 1, dt.date(1979, 9, 19))
        died = _at(dt.date(2026, 2, 2), 3)
        self.event(person, 2, died, died + dt.timedelta(days=3), self._keluarga[-1], akta_mati="3301-KM-02022026-0004")
        self.family([self.person("PAIMAN", 1, dt.date(1973, 3, 13))])
        null_owner = self._penduduk[-1]
        self.event(null_owner, None, _at(dt.date(2020, 1, 1)), _at(dt.date(2020, 1, 1)), self._keluarga[-1])
        self.family([self.person("SAIMIN", 1, dt.date(1974, 4, 14))])
        unknown_owner = self._penduduk[-1]
        self.event(unknown_owner, 7, _at(dt.date(2021, 1, 1)), _at(dt.date(2021, 1, 1)), self._keluarga[-1])
        self.family([self.person("TASMI", 2, dt.date(1975, 5, 15))], events=False)
        self._single("KASIMAN", 1, None)
        self._single("DASIYAH", 2, dt.date(1977, 7, 17), agama_id=None, nama_ibu="")
        old = self.person("MBAH KROMO", 1, dt.date(1890, 1, 1), 1, status_kawin=4, pekerjaan_id=1)
        self.family([old])
        self._single("SUTARNO", 1, dt.date(1978, 8, 18), pekerjaan_id=90)
        self._single("AHMAD2 SUBAGYO", 1, dt.date(1979, 9, 29))
        self._single(
            "NABILA", 2, dt.date(2010, 1, 1), status_kawin=2, tanggalperkawinan=dt.date(2025, 6, 1),
            akta_perkawinan="077/06/VI/2025", ktp_el=2, status_rekam=3, pendidikan_kk_id=3, pekerjaan_id=2,
        )  # fmt: skip
        self._single("UJANG", 1, dt.date(1995, 5, 25), akta_perkawinan="301/05/V/2020")
        self._single("MAMAN", 1, dt.date(1985, 5, 5), hamil=1)
        kb = self.couple("YAYAN", "EUIS")
        kb[1]["cara_kb_id"] = 4
        self.family(kb)
        parents = self.couple("DADANG", "IMAS")
        kid = self.child("GILANG", 1, dt.date(2016, 2, 2), parents, ktp_el=2, status_rekam=3)
        self.family([*parents, kid])
        # Relative to ref_date, so a village generated "as of today" (demo) still has a future print date.
        self._single("OMAN", 1, dt.date(1981, 1, 21), tanggal_cetak_ktp=self.spec.ref_date + FUTURE_KTP)
        self._single("CECEP", 1, dt.date(1982, 2, 22), email=SHARED_EMAIL)
        head = self.person("SUGIYANTO", 1, dt.date(1972, 2, 12), 1, status_kawin=4)
        kadus = self.person("H. MAHMUD", 1, dt.date(1945, 5, 5), 7, status_kawin=4, status_dasar=2)
        head["nama_ayah"], head["ayah_nik"] = kadus["nama"], kadus["nik"]
        keluarga = self.family([head, kadus], cluster=self.sidamulya_rt1)
        died = _at(dt.date(2025, 12, 12), 5)
        self.event(kadus, 2, died, died + dt.timedelta(days=4), keluarga, akta_mati="3301-KM-12122025-0002")
        self.sidamulya_dusun["id_kepala"] = kadus["id"]

    def _event_bullets(self) -> None:
        parents = self.couple("FAJAR", "PUTRI", dt.date(1996, 3, 3))
        late = self.child("BAYI NY PUTRI", 2, dt.date(2026, 3, 1), parents, ktp_el=1, status_rekam=1)
        late["pendidikan_kk_id"], late["pendidikan_sedang_id"], late["pekerjaan_id"] = 1, 1, 1
        keluarga = self.family(parents, events=True)
        self._add_member(keluarga, late)
        self.event(late, 1, _at(dt.date(2026, 3, 1), 4), _at(dt.date(2026, 3, 2)), keluarga)
        parents = self.couple("RAKA", "AULIA", dt.date(1997, 4, 4))
        baby = self.child("BAYI NY AULIA", 1, dt.date(2026, 5, 1), parents, ktp_el=1, status_rekam=1)
        baby.update(pendidikan_kk_id=1, pendidikan_sedang_id=1, pekerjaan_id=1, akta_lahir="3301-LT-01052026-0003")
        keluarga = self.family(parents)
        self._add_member(keluarga, baby)
        self.event(baby, 1, _at(dt.date(2026, 5, 10), 4), _at(dt.date(2026, 5, 11)), keluarga)
        head = self.person("SUMARNO", 1, dt.date(1962, 6, 2), 1, status_kawin=4)
        mother = self.person("SUKINAH", 2, dt.date(1938, 8, 8), 7, status_kawin=4, status_dasar=2)
        head["nama_ibu"], head["ibu_nik"] = mother["nama"], mother["nik"]
        keluarga = self.family([head, mother], cluster=self.krajan_rt1)
        when = _at(dt.date(2026, 4, 1), 3)
        self.event(mother, 2, when, _at(dt.date(2026, 5, 20)), keluarga, akta_mati="3301-KM-01042026-0003")
        for nama, when, ref_pindah, tujuan in (
            ("ARIF", self.spec.ref_date + FUTURE_MOVE, 2, "Kota Bekasi"),  # EVT-DATES: after ref_date
            ("RIDWAN", dt.date(2026, 1, 15), 3, None),
        ):
            head = self.person("HASAN", 1, dt.date(1970, 10, 10), 1, status_kawin=4)
            son = self.person(nama, 1, dt.date(1999, 9, 9), 4, nama_ayah="HASAN", status_dasar=3)
            son["ayah_nik"] = head["nik"]
            keluarga = self.family([head, son])
            self.event(son, 3, _at(when), _at(when), keluarga, ref_pindah=ref_pindah, alamat_tujuan=tujuan)
        mover = self.person("ZAINAL", 1, dt.date(1988, 8, 28), 1, nik="0330102200100004", alamat_sebelumnya=None)
        keluarga = self.family([mover], events=False)
        when = _at(dt.date(2025, 9, 1))
        self.event(mover, 5, when, when, keluarga, maksud_tujuan_kedatangan="Pekerjaan")

    def _dusun_bullets(self) -> None:
        """One FAM-MULTI-HEAD family (routed to KADUS, §9.2) in every dusun besides Krajan, which already has
        many: so every Kepala Dusun has something of their own dusun to follow up."""
        first_rt: dict[str, int] = {}
        for rt in self.village.rts:
            if rt.families and rt.dusun != "Krajan":
                first_rt.setdefault(rt.dusun, rt.cluster_id)
        rows = {row["id"]: row for row in self.village.wilayah}
        for number, cluster in enumerate(first_rt.values()):
            born = dt.date(1971 + number % 25, 1 + number % 12, 1 + (number // 12) % 28)
            heads = [self.person("KASANDI", 1, born), self.person("KASIMIN", 1, born + dt.timedelta(days=400))]
            self.family(heads, cluster=rows[cluster])

    def _add_member(self, keluarga: dict[str, Any], member: dict[str, Any]) -> None:
        member["id_kk"], member["id_cluster"] = keluarga["id"], keluarga["id_cluster"]
        self._penduduk.append(member)

    def _second_source(self) -> None:
        """Export-style rows (resident columns + no_kk, alamat, dusun, rw, rt) for a second, merged source."""
        place = {"dusun": "Krajan", "rw": self.krajan_rw, "rt": "001", "alamat": "Jl. Krajan No. 3"}
        twin = self.person("BUDI SANTOSO", 1, BORN_1990, 1, nik=FIXTURE_NIK)
        self.next_pend -= 1
        twin.update(id=None, no_kk="3301020505200002", **place)
        # Unique key email_config refuses a shared email (case-insensitively, as the rule compares it), so the
        # second PER-UNIQUE-CONTACT resident lives here too.
        other = self.person("SUPRIYONO", 1, dt.date(1977, 3, 3), 1, no_kk=FIXTURE_KK, email=SHARED_EMAIL, **place)
        self.next_pend -= 1
        other["id"] = None
        orphan = self.person("TARMUJI", 1, dt.date(1966, 6, 16), 1, id_kk=9999, no_kk=None, **place)
        self.next_pend -= 1
        orphan["id"] = None
        self._second = [twin, other, orphan]
        entry = next(e for e in self._log_penduduk if e["id_pend"] == self.fixture[1]["id"])
        self.second_log = [dict(entry), dict(entry)]

    def officials(self, pamong: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Village A keeps all three officials."""
        return pamong

    # -- hand-over ------------------------------------------------------------------------------------------
    def keluarga(self) -> Iterator[dict[str, Any]]:
        return iter([dict(row) for row in self._keluarga])

    def penduduk(self) -> Iterator[dict[str, Any]]:
        return iter([dict(row) for row in self._penduduk])

    def log_penduduk(self) -> Iterator[dict[str, Any]]:
        return iter([dict(row) for row in self._log_penduduk])

    def log_keluarga(self) -> Iterator[dict[str, Any]]:
        return iter([dict(row) for row in self._log_keluarga])

    def second_source(self) -> Iterator[dict[str, Any]]:
        return iter([dict(row) for row in self._second])


PLANTED_OTHER: dict[str, str] = {
    "KK-ONE-PER-PERSON": "penduduk HIDUP dengan NIK 3301021507900001, yang juga HIDUP di keluarga desa A",
    "CFG-PERANGKAT": "tidak ada pamong aktif berjabatan Sekretaris (jenis 2)",
    "ROUTE-ROLE-MISSING": "tidak ada pamong Kasi Pemerintahan",
}


class OtherPlanting(Planting):
    """Village B of RULES.md §12.1 (any planted village other than Menganti): cross-village problems.

    Its wrong codes (REG-KODE-DESA, REG-PREFIX, REG-NOT-BPS) come from the spec's ``config`` values.
    """

    def _plant(self) -> None:
        self._single("BUDI SANTOSO", 1, BORN_1990, nik=FIXTURE_NIK)

    def officials(self, pamong: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Only the Kepala Desa: no Sekretaris (CFG-PERANGKAT), no Kasi Pemerintahan (ROUTE-ROLE-MISSING)."""
        return pamong[:1]
