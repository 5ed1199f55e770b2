"""A small, deterministic resident factory for these tests (the real generator lives elsewhere)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from sid_connector.models import Penduduk

DESA_ID = "53.06.13.2001"
KECAMATAN_ID = "530613"

_FIRST = ["AHMAD", "SITI", "NI LUH", "I MADE", "YOHANES", "MARIA", "DEWI", "BUDI", "KOMANG", "WAYAN", "RAHMAT"]
_LAST = ["SANTOSO", "RAHAYU", "PUTRA", "SARI", "WIJAYA", "NGGADAS", "LOBO", "KEWA", "PERDANA", "HIDAYAT"]
_DUSUN = ["MANGSIT", "KERANDANGAN", "LOCO", "", "SENGGIGI"]


def residents(count: int, *, start_id: int = 1, seed: int = 7, validate: bool = False) -> Iterator[Penduduk]:
    """``count`` plausible residents with ids ``start_id..``; NIKs are unique, names and codes vary.

    Values are already canonical types, so ``model_construct`` (no validation) is used unless asked:
    validating 100,000 records would cost the suite ~10 s for nothing.
    """
    build = Penduduk.model_validate if validate else lambda data: Penduduk.model_construct(**data)
    rng = random.Random(seed)
    for offset in range(count):
        pid = start_id + offset
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 30000))
        sex = rng.choice((1, 2))
        nik = f"530613{born.day + (40 if sex == 2 else 0):02d}{born.month:02d}{born.year % 100:02d}{pid % 10000:04d}"
        dusun = rng.choice(_DUSUN)
        yield build(
            {
                "id": pid,
                "nama": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                "nik": nik,
                "no_kk": f"5306130{rng.randrange(10**8, 10**9)}",
                "id_kk": pid // 4 + 1,
                "kk_level": rng.choice((1, 2, 3, 4)),
                "sex": sex,
                "tempatlahir": rng.choice(_DUSUN[:3]) or "KUPANG",
                "tanggallahir": born,
                "agama_id": rng.choice((1, 2, 3, 4)),
                "pendidikan_kk_id": rng.randrange(1, 11),
                "pendidikan_sedang_id": rng.randrange(1, 19),
                "pekerjaan_id": rng.randrange(1, 89),
                "status_kawin": rng.randrange(1, 5),
                "warganegara_id": 1,
                "golongan_darah_id": rng.randrange(1, 14),
                "nama_ayah": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                "nama_ibu": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                "status_dasar": 1 if rng.random() < 0.95 else rng.choice((2, 3)),
                "status_rekam": rng.randrange(1, 8),
                "akta_lahir": f"AL-{pid:06d}" if rng.random() < 0.5 else None,
                "tanggal_akhir_paspor": None,
                "alamat_sekarang": f"JL. PANTAI NO. {rng.randrange(1, 300)}",
                "alamat": f"JL. PANTAI NO. {rng.randrange(1, 300)}",
                "dusun": dusun or None,
                "rw": None if not dusun else f"{rng.randrange(1, 5):03d}",
                "rt": None if not dusun else f"{rng.randrange(1, 12):03d}",
                "created_at": dt.datetime(2024, 1, 2, 3, 4, 5),
                "updated_at": dt.datetime(2026, 11, 27, 22, 21, 53),
            }
        )


def many_residents(count: int, *, pool: int = 2000, seed: int = 3) -> Iterator[Penduduk]:
    """``count`` residents fast: a pool of distinct ones, cloned with fresh ids and NIKs.

    The pool (≈2.8 MB of sheet XML) is far wider than deflate's 32 KB window, so clones compress
    like fresh rows would.
    """
    base = list(residents(pool, seed=seed))
    for offset in range(count):
        person = base[offset % pool]
        pid = offset + 1
        yield person.model_copy(update={"id": pid, "nik": f"{person.nik[:12]}{pid % 10000:04d}"})
