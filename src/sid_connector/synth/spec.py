"""What to generate: one village's identity, size, seed and whether to plant problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class VillageSpec:
    """Options of one synthetic village; the same spec always yields the same rows.

    The defaults describe Desa Menganti, Kec. Kesugihan, Kab. Cilacap, Jawa Tengah — village A of the rule
    fixture (RULES.md §12.1). ``use_rw`` adds an RW level between dusun and RT; without it every dusun has
    OpenSID's ``rw = '-'`` rows, as in the fixture.
    """

    kode_desa: str = "3301022001"
    nama_desa: str = "Menganti"
    residents: int = 2000
    seed: int = 1
    planted: bool = False
    config_id: int = 1
    ref_date: dt.date = dt.date(2026, 6, 30)
    nama_kecamatan: str = "Kesugihan"
    kode_kecamatan: str = "330102"
    nama_kabupaten: str = "Cilacap"
    kode_kabupaten: str = "3301"
    nama_propinsi: str = "Jawa Tengah"
    kode_propinsi: str = "33"
    use_rw: bool = False

    def __post_init__(self) -> None:
        if self.residents < 1:
            raise ValueError("jumlah penduduk minimal 1")
        if len(self.kode_desa) != 10 or not self.kode_desa.isdigit():
            raise ValueError("kode desa harus 10 angka")
