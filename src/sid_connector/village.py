"""One village's current records, loaded from the store for whole-village work (rules, reports).

Records are keyed by their store key. Sources differ in what they know: a database source fills OpenSID's ids
(``id``, ``id_kk``, ``id_cluster``, ``nik_kepala``), a workbook has none, so cross-record work should group
by the *resolved* fields every source fills (``no_kk``, ``dusun``, ``rw``, ``rt``) and use ids only when
present.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sid_connector.models import Desa, Keluarga, Penduduk, Peristiwa, PeristiwaKeluarga, Wilayah


@dataclass(slots=True)
class VillageData:
    kode_desa: str
    desa: Desa | None = None
    wilayah: dict[str, Wilayah] = field(default_factory=dict)
    keluarga: dict[str, Keluarga] = field(default_factory=dict)
    penduduk: dict[str, Penduduk] = field(default_factory=dict)
    peristiwa: dict[str, Peristiwa] = field(default_factory=dict)
    peristiwa_keluarga: dict[str, PeristiwaKeluarga] = field(default_factory=dict)
