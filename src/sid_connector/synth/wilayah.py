"""Dusun / RW / RT layout of a synthetic village, encoded as OpenSID's ``tweb_wil_clusterdesa`` rows.

OpenSID keeps all three levels in one table (OPENSID_DB.md §4): a dusun row ``(rw '0', rt '0')``, an RW row
``(rw, '0')`` (``rw '-'`` when the dusun has no RW), a placeholder RT ``(rw, '-')`` and the real RT rows.
Families are split into RTs of roughly 30-60 families; tiny villages still get three RTs in two dusun so
the rule fixture (Krajan RT 001/002, Sidamulya RT 001) exists at every size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sid_connector.synth.names import DUSUN_NAMES


@dataclass(frozen=True, slots=True)
class RT:
    """One real RT and the families (by running index) that live in it."""

    cluster_id: int
    dusun: str
    rw: str
    rt: str
    first_family: int
    families: int
    dusun_id: int
    rw_id: int


def dusun_name(index: int) -> str:
    base = DUSUN_NAMES[index % len(DUSUN_NAMES)]
    return base if index < len(DUSUN_NAMES) else f"{base} {index // len(DUSUN_NAMES) + 1}"


def _split(total: int, parts: int, rng: random.Random, jitter: float) -> list[int]:
    """``total`` split into ``parts`` positive sizes that vary by about ``jitter``."""
    weights = [1.0 + rng.uniform(-jitter, jitter) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    index = 0
    while sum(sizes) < total:
        sizes[index % parts] += 1
        index += 1
    while sum(sizes) > total:
        if sizes[index % parts] > 1:
            sizes[index % parts] -= 1
        index += 1
    return sizes


def plan_wilayah(
    families: int, rng: random.Random, *, config_id: int, id_base: int, use_rw: bool
) -> tuple[list[dict], list[RT]]:
    """The cluster rows (``id_kepala`` still ``None``) and the RTs in family order."""
    n_rt = max(3, round(families / 45))
    n_rt = min(n_rt, max(families, 1)) if families >= 3 else 3
    n_dusun = max(2, round(n_rt / 5))
    rt_per_dusun = _split(n_rt, n_dusun, rng, 0.3) if n_rt > n_dusun else [1] * n_rt
    if len(rt_per_dusun) == 2 and rt_per_dusun == [1, 2]:
        rt_per_dusun = [2, 1]
    fam_per_rt = _split(max(families, n_rt), n_rt, rng, 0.25)
    rows: list[dict] = []
    rts: list[RT] = []
    next_family = 0
    rw_number = 0

    def add(dusun: str, rw: str, rt: str, urut: int | None = None) -> int:
        row_id = id_base + len(rows) + 1
        rows.append(
            {
                "id": row_id,
                "config_id": config_id,
                "rt": rt,
                "rw": rw,
                "dusun": dusun,
                "id_kepala": None,
                "lat": None,
                "lng": None,
                "zoom": None,
                "path": None,
                "map_tipe": None,
                "warna": None,
                "border": None,
                "urut": urut,
                "urut_cetak": urut,
            }
        )
        return row_id

    for d_index, n_rt_here in enumerate(rt_per_dusun):
        name = dusun_name(d_index)
        dusun_id = add(name, "0", "0", d_index + 1)
        groups = _split(n_rt_here, max(1, n_rt_here // 4), rng, 0.2) if use_rw else [n_rt_here]
        for group in groups:
            if use_rw:
                rw_number += 1
                rw = f"{rw_number:02d}"
            else:
                rw = "-"
            rw_id = add(name, rw, "0")
            add(name, rw, "-")
            for rt_number in range(1, group + 1):
                count = max(0, min(fam_per_rt[len(rts)], families - next_family))
                cluster_id = add(name, rw, f"{rt_number:03d}")
                rts.append(RT(cluster_id, name, rw, f"{rt_number:03d}", next_family, count, dusun_id, rw_id))
                next_family += count
    return rows, rts
