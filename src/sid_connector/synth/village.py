"""A synthetic village: OpenSID table rows, regenerated family by family on every iteration.

Only the small tables (config, wilayah, pamong) are held; residents, families and events are rebuilt from
the seed each time an iterator is called, so memory stays flat at any size. The one thing kept per family
is its size (one byte), which fixes every resident id before anything is built — dusun and RT heads are
named in the wilayah rows — and lets any single family be rebuilt on its own.
"""

from __future__ import annotations

import datetime as dt
import random
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sid_connector.synth import planted as planting
from sid_connector.synth.family import Context, FamilyRows, Slot, build_family
from sid_connector.synth.numbers import CAPACITY, mix64
from sid_connector.synth.shapes import family_shape
from sid_connector.synth.spec import VillageSpec
from sid_connector.synth.wilayah import RT, plan_wilayah

FIXTURE_KODE_DESA = "3301022001"  # village A of RULES.md §12.1, where the A-bullets are planted
# Upper bounds of rows per village, used to keep ids of a gabungan database unique without counting.
EVENTS_PER_RESIDENT = 2
FAMILY_EVENTS_PER_FAMILY = 2


@dataclass(frozen=True, slots=True)
class IdBases:
    """Ids already used by earlier villages of the same database (0 for a single village)."""

    penduduk: int = 0
    keluarga: int = 0
    wilayah: int = 0
    log_penduduk: int = 0
    log_keluarga: int = 0
    pamong: int = 0
    jabatan: int = 0


class SyntheticVillage:
    """One generated village. Iterators are re-iterable and deterministic."""

    def __init__(self, spec: VillageSpec, bases: IdBases | None = None) -> None:
        self.spec = spec
        self.bases = bases or IdBases()
        self.village_key = mix64(spec.seed, int(spec.kode_desa))
        if self.bases.penduduk + spec.residents > CAPACITY:
            raise ValueError("terlalu banyak penduduk untuk satu basis data")
        self._sizes = self._plan_sizes()
        self.families = len(self._sizes)
        self.context = Context(
            spec=spec,
            village_key=self.village_key,
            prefix=spec.kode_desa[:6],
            pend_base=self.bases.penduduk,
            kel_base=self.bases.keluarga,
        )
        rng = random.Random(mix64(self.village_key, 0x3117))
        self.wilayah, self._rts = plan_wilayah(
            self.families, rng, config_id=spec.config_id, id_base=self.bases.wilayah, use_rw=spec.use_rw
        )
        self._duties = self._assign_duties()
        self.config = self._config()
        self.jabatan, self.pamong = self._officials()
        self.plant: planting.Planting | None = None
        if spec.planted:
            kind = planting.Planting if spec.kode_desa == FIXTURE_KODE_DESA else planting.OtherPlanting
            self.plant = kind(self)
            self.pamong = self.plant.officials(self.pamong)

    # -- planning -------------------------------------------------------------------------------------------
    def _plan_sizes(self) -> array:
        sizes = array("B")
        total = 0
        while total < self.spec.residents:
            size = min(len(family_shape(self.village_key, len(sizes))[1]), self.spec.residents - total)
            sizes.append(size)
            total += size
        return sizes

    def head_ids(self, indices: set[int]) -> dict[int, int]:
        """Resident id of the head (first member) of each family index asked for."""
        result: dict[int, int] = {}
        first = 0
        for index, size in enumerate(self._sizes):
            if index in indices:
                result[index] = self.bases.penduduk + first + 1
            first += size
        return result

    def _assign_duties(self) -> dict[int, set[str]]:
        duties: dict[int, set[str]] = {}
        wanted: dict[int, list[dict[str, Any]]] = {}
        rows = {row["id"]: row for row in self.wilayah}
        seen_dusun: set[int] = set()
        seen_rw: set[int] = set()
        for rt in self._rts:
            if rt.families == 0:
                continue
            first = rt.first_family
            duties.setdefault(first, set()).add("ketua_rt")
            wanted.setdefault(first, []).append(rows[rt.cluster_id])
            if rt.dusun_id not in seen_dusun:
                seen_dusun.add(rt.dusun_id)
                kadus = first + 1 if rt.families > 1 else first
                duties.setdefault(kadus, set()).add("kadus")
                wanted.setdefault(kadus, []).append(rows[rt.dusun_id])
            if rt.rw != "-" and rt.rw_id not in seen_rw:
                seen_rw.add(rt.rw_id)
                ketua_rw = first + 2 if rt.families > 2 else first
                duties.setdefault(ketua_rw, set()).add("ketua_rw")
                wanted.setdefault(ketua_rw, []).append(rows[rt.rw_id])
        free = [index for index in range(min(self.families, 64)) if index not in duties]
        for number, duty in enumerate(("kades", "sekdes", "kasi")):
            index = free[number] if number < len(free) else 0
            duties.setdefault(index, set()).add(duty)
        heads = self.head_ids(set(wanted))
        for index, cluster_rows in wanted.items():
            for row in cluster_rows:
                row["id_kepala"] = heads[index]
        return duties

    def _slots(self) -> Iterator[Slot]:
        first = 0
        for rt in self._rts:
            for index in range(rt.first_family, rt.first_family + rt.families):
                kind, roles = family_shape(self.village_key, index)
                size = self._sizes[index]
                yield Slot(index, first, kind, roles[:size], rt, frozenset(self._duties.get(index, ())))
                first += size

    def slot(self, index: int) -> Slot:
        """The slot of one family, without building the others."""
        first = sum(self._sizes[:index])
        rt = next(rt for rt in self._rts if rt.first_family <= index < rt.first_family + rt.families)
        kind, roles = family_shape(self.village_key, index)
        return Slot(index, first, kind, roles[: self._sizes[index]], rt, frozenset(self._duties.get(index, ())))

    @property
    def rts(self) -> list[RT]:
        return list(self._rts)

    # -- small tables ---------------------------------------------------------------------------------------
    def _config(self) -> dict[str, Any]:
        spec = self.spec
        lat, lng = -7.6347 - (self.village_key % 1000) / 1e5, 109.1180 + (self.village_key % 777) / 1e5
        square = [(lat + dy, lng + dx) for dy, dx in ((0, 0), (0, 0.02), (-0.02, 0.02), (-0.02, 0), (0, 0))]
        stamp = dt.datetime(2015, 1, 5, 8, 0)
        return {
            "id": spec.config_id,
            "app_key": f"base64:{mix64(self.village_key, 7):016x}",
            "nama_desa": spec.nama_desa,
            "kode_desa": spec.kode_desa,
            "kode_pos": 53274,
            "nama_kecamatan": spec.nama_kecamatan,
            "kode_kecamatan": spec.kode_kecamatan,
            "nama_kepala_camat": "SUHARTO",
            "nip_kepala_camat": "197001011995031001",
            "nama_kabupaten": spec.nama_kabupaten,
            "kode_kabupaten": spec.kode_kabupaten,
            "nama_propinsi": spec.nama_propinsi,
            "kode_propinsi": spec.kode_propinsi,
            "logo": None,
            "lat": f"{lat:.6f}",
            "lng": f"{lng:.6f}",
            "zoom": 14,
            "map_tipe": "roadmap",
            "path": "[[" + ",".join(f"[{y:.6f},{x:.6f}]" for y, x in square) + "]]",
            "alamat_kantor": f"Jl. Raya {spec.nama_desa} No. 1",
            "email_desa": f"desa.{spec.kode_desa}@example.test",
            "telepon": None,
            "nomor_operator": None,
            "website": None,
            "kantor_desa": None,
            "warna": None,
            "border": None,
            "created_at": stamp,
            "created_by": 1,
            "updated_at": stamp,
            "updated_by": 1,
        }

    def _officials(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``ref_jabatan`` rows (OpenSID seeds only the first two) and the three active officials."""
        posts = (("Kepala Desa", 1, "kades"), ("Sekretaris", 2, "sekdes"), ("Kasi Pemerintahan", 0, "kasi"))
        stamp = dt.datetime(2015, 1, 5, 8, 0)
        jabatan = [
            {
                "id": self.bases.jabatan + number,
                "config_id": self.spec.config_id,
                "nama": nama,
                "tupoksi": None,
                "jenis": jenis,
                "created_at": stamp,
                "created_by": 1,
                "updated_at": stamp,
                "updated_by": 1,
            }
            for number, (nama, jenis, _) in enumerate(posts, start=1)
        ]
        pamong = []
        for number, (_, _, duty) in enumerate(posts, start=1):
            index = next(i for i, duties in sorted(self._duties.items()) if duty in duties)
            head = build_family(self.context, self.slot(index)).penduduk[0]
            pamong.append(
                {
                    "pamong_id": self.bases.pamong + number,
                    "config_id": self.spec.config_id,
                    "pamong_nama": head["nama"],
                    "pamong_nik": head["nik"],
                    "pamong_status": 1,
                    "pamong_tgl_terdaftar": dt.date(2019, 7, 1),
                    "id_pend": head["id"],
                    "pamong_sex": head["sex"],
                    "pamong_tempatlahir": head["tempatlahir"],
                    "pamong_tanggallahir": head["tanggallahir"],
                    "pamong_ttd": 1 if duty == "kades" else 0,
                    "pamong_ub": 1 if duty == "sekdes" else 0,
                    "urut": number,
                    "kehadiran": 1,
                    "jabatan_id": self.bases.jabatan + number,
                }
            )
        return jabatan, pamong

    # -- big tables -----------------------------------------------------------------------------------------
    def _families(self) -> Iterator[FamilyRows]:
        for slot in self._slots():
            yield build_family(self.context, slot)

    def keluarga(self) -> Iterator[dict[str, Any]]:
        """``tweb_keluarga`` rows; ``nik_kepala`` is the head's ``tweb_penduduk.id``."""
        for family in self._families():
            yield family.keluarga
        if self.plant:
            yield from self.plant.keluarga()

    def penduduk(self) -> Iterator[dict[str, Any]]:
        """``tweb_penduduk`` rows, family by family (head first)."""
        for family in self._families():
            yield from family.penduduk
        if self.plant:
            yield from self.plant.penduduk()

    def log_penduduk(self) -> Iterator[dict[str, Any]]:
        """``log_penduduk`` rows; ids grow in event order, so a person's latest event has the highest id."""
        next_id = self.bases.log_penduduk
        events: Iterator[dict[str, Any]] = (event for family in self._families() for event in family.log_penduduk)
        if self.plant:
            events = _chain(events, self.plant.log_penduduk())
        for event in events:
            next_id += 1
            yield {**event, "id": next_id}

    def log_keluarga(self) -> Iterator[dict[str, Any]]:
        next_id = self.bases.log_keluarga
        events: Iterator[dict[str, Any]] = (event for family in self._families() for event in family.log_keluarga)
        if self.plant:
            events = _chain(events, self.plant.log_keluarga())
        for event in events:
            next_id += 1
            yield {**event, "id": next_id}

    def second_source_penduduk(self) -> Iterator[dict[str, Any]]:
        """Rows of RULES.md §12 "(second source)": defects one OpenSID database cannot hold."""
        if self.plant:
            yield from self.plant.second_source()

    def households(self) -> Iterator[tuple[dict[str, Any] | None, list[dict[str, Any]]]]:
        """(``tweb_keluarga`` row or ``None``, its members), family by family, planted ones last."""
        for family in self._families():
            yield family.keluarga, family.penduduk
        if self.plant:
            families = {row["id"]: (row, []) for row in self.plant.keluarga()}
            loose: list[dict[str, Any]] = []
            for person in self.plant.penduduk():
                families.get(person["id_kk"], (None, loose))[1].append(person)
            yield from families.values()
            for person in loose:
                yield None, [person]

    def second_source_log_penduduk(self) -> Iterator[dict[str, Any]]:
        """Second-source events: the same (id_pend, kode_peristiwa, tgl_peristiwa) twice (EVT-DUP-LOG)."""
        if self.plant:
            yield from (dict(row) for row in self.plant.second_log)

    @property
    def rtm(self) -> list[dict[str, Any]]:
        """``tweb_rtm`` rows (households); only the planted village has any."""
        return self.plant.rtm if self.plant else []

    # -- id ranges ------------------------------------------------------------------------------------------
    def next_bases(self) -> IdBases:
        """Id bases for the next village of the same database."""
        extra = self.plant.extra() if self.plant else planting.NO_EXTRA
        return IdBases(
            penduduk=self.bases.penduduk + self.spec.residents + extra.penduduk,
            keluarga=self.bases.keluarga + self.families + extra.keluarga,
            wilayah=self.bases.wilayah + len(self.wilayah) + extra.wilayah,
            log_penduduk=self.bases.log_penduduk + EVENTS_PER_RESIDENT * self.spec.residents + extra.log_penduduk,
            log_keluarga=self.bases.log_keluarga + FAMILY_EVENTS_PER_FAMILY * self.families + extra.log_keluarga,
            pamong=self.bases.pamong + len(self.pamong),
            jabatan=self.bases.jabatan + len(self.jabatan),
        )


def _chain(first: Iterator[dict[str, Any]], second: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from first
    yield from second


def generate(spec: VillageSpec) -> SyntheticVillage:
    """One village, ids starting at 1."""
    return SyntheticVillage(spec)


def generate_gabungan(specs: Sequence[VillageSpec]) -> list[SyntheticVillage]:
    """Several villages of one "database gabungan": distinct ``config_id``, ids unique across villages."""
    if len({spec.config_id for spec in specs}) != len(specs):
        raise ValueError("config_id setiap desa harus berbeda")
    if len({spec.kode_desa for spec in specs}) != len(specs):
        raise ValueError("kode desa setiap desa harus berbeda")
    villages: list[SyntheticVillage] = []
    bases = IdBases()
    for spec in specs:
        village = SyntheticVillage(spec, bases)
        villages.append(village)
        bases = village.next_bases()
    return villages


DESA_KEL_KODE = "3301024001"  # RULES.md §12.4 REG-DESA-KEL: the desa part starts with 4


def fixture_villages(
    residents: int = 500,
    *,
    others: int | None = None,
    seed: int = 1,
    ref_date: dt.date | None = None,
    desa_kel: bool = False,
) -> list[SyntheticVillage]:
    """The multi-village fixture of RULES.md §12.1 as one gabungan database.

    A: Menganti, planted (``PLANTED``); B: ``3301020001`` with ``kode_kecamatan 330103``, planted with
    ``PLANTED_OTHER``; C: ``5201142005`` named Senggigi (fails only the name check). ``residents`` sizes A,
    ``others`` (default: the same) B and C, which only need a few families for their village-wide defects.
    ``desa_kel`` adds a clean village D with code ``3301024001``: §12.4's REG-DESA-KEL bullet needs an adapter to
    receive such a code, and a gabungan backup is where one comes from.
    """
    small = others or residents
    when = {"ref_date": ref_date} if ref_date is not None else {}
    specs = [
        VillageSpec(residents=residents, planted=True, config_id=1, seed=seed, **when),
        VillageSpec(
            kode_desa="3301020001", nama_desa="Karangjati", kode_kecamatan="330103", residents=small,
            planted=True, config_id=2, seed=seed + 1, **when,
        ),
        VillageSpec(
            kode_desa="5201142005", nama_desa="Senggigi", nama_kecamatan="Batu Layar", kode_kecamatan="520114",
            nama_kabupaten="Lombok Barat", kode_kabupaten="5201", nama_propinsi="Nusa Tenggara Barat",
            kode_propinsi="52", residents=small, config_id=3, seed=seed + 2, **when,
        ),
    ]  # fmt: skip
    if desa_kel:
        specs.append(
            VillageSpec(kode_desa=DESA_KEL_KODE, nama_desa="Menganti Kidul", residents=small, config_id=4,
                        seed=seed + 3, **when)
        )  # fmt: skip
    return generate_gabungan(specs)
