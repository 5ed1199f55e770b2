"""The generator's "(second source)" rows (RULES.md §12) turned into dump rows.

One OpenSID database cannot hold them: its unique keys refuse a second NIK 3301021507900001 or a second
(id_pend, kode_peristiwa, tgl_peristiwa), and its foreign keys refuse ``id_kk = 9999``. A dump is text, not a
database, so the rows survive in it — that is how ``demo`` over a dump exercises the cross-source rules
(NIK-UNIQUE, KK-UNIQUE, FAM-ORPHAN-HEAD, EVT-DUP-LOG, REG-RT-UNIQUE) without a second file.

The generator gives these residents export-style fields (``no_kk``, ``alamat``, ``dusun``, ``rw``, ``rt``)
that ``tweb_penduduk`` has no column for. They are expressed the OpenSID way: one extra ``tweb_keluarga`` row
per distinct ``no_kk`` (a *different* family that may repeat a village family's number: KK-UNIQUE) and
``id_cluster`` pointing at the matching RT row. An ``id_kk`` the generator set (the orphan's 9999) is kept.
A second source brings its own area records too (a workbook's (dusun, rw, rt) become areas of their own), so
each distinct area of those residents gets a second ``tweb_wil_clusterdesa`` row, a copy of the village's
row with its own id — the duplicate that unique key ``rt_config`` refuses (REG-RT-UNIQUE).

Ids come from a range no generated village reaches (``SECOND_BASE + config_id * SECOND_SPAN``), so they never
collide with main rows, nor with another village's in a gabungan dump.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sid_connector.synth.rows import KELUARGA_COLUMNS

SECOND_BASE = 1_900_000_000  # below int(11)'s 2_147_483_647; generated ids stay under 4 million
SECOND_SPAN = 1_000
_EXPORT_ONLY = ("no_kk", "alamat", "dusun", "rw", "rt")


@dataclass(slots=True)
class SecondSource:
    """Dump rows of one village's second source."""

    keluarga: list[dict[str, Any]] = field(default_factory=list)
    wilayah: list[dict[str, Any]] = field(default_factory=list)
    penduduk: list[dict[str, Any]] = field(default_factory=list)
    log_penduduk: list[dict[str, Any]] = field(default_factory=list)


def id_base(config_id: int) -> int:
    """First id (exclusive) of a village's second-source rows."""
    return SECOND_BASE + int(config_id) * SECOND_SPAN


def _cluster_id(wilayah: list[dict[str, Any]], person: dict[str, Any]) -> int | None:
    place = (person.get("dusun"), person.get("rw"), person.get("rt"))
    if place[0] is None:
        return person.get("id_cluster")
    return next((row["id"] for row in wilayah if (row["dusun"], row["rw"], row["rt"]) == place), None)


def _family(number: int, person: dict[str, Any], config_id: int, cluster: int | None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(KELUARGA_COLUMNS)
    row.update(
        id=number,
        config_id=config_id,
        no_kk=person["no_kk"],
        nik_kepala=person["id"] if person.get("kk_level") == 1 else None,
        tgl_daftar=person.get("created_at"),
        alamat=person.get("alamat"),
        id_cluster=cluster,
        updated_at=person.get("created_at"),
        updated_by=1,
    )
    return row


def second_source(village: Any) -> SecondSource:
    """The second-source rows of ``village`` (empty unless it is planted), ready for the dump."""
    result = SecondSource()
    config_id = int(village.config["id"])
    base = id_base(config_id)
    families: dict[str, dict[str, Any]] = {}
    copied: list[int] = []  # the area rows the second source names, in first-seen order
    for number, person in enumerate(village.second_source_penduduk(), start=1):
        row = dict(person)
        row["id"] = base + number
        cluster = _cluster_id(village.wilayah, row)
        row["id_cluster"] = cluster
        if person.get("dusun") is not None and cluster is not None and cluster not in copied:
            copied.append(cluster)
        no_kk = row.get("no_kk")
        if no_kk and row.get("id_kk") is None:
            family = families.get(no_kk)
            if family is None:
                family = families[no_kk] = _family(base + len(families) + 1, row, config_id, cluster)
                result.keluarga.append(family)
            row["id_kk"] = family["id"]
        for name in _EXPORT_ONLY:
            row.pop(name, None)
        result.penduduk.append(row)
    areas = {row["id"]: row for row in village.wilayah}
    for number, cluster in enumerate(copied, start=1):
        result.wilayah.append({**areas[cluster], "id": base + number})
    for number, event in enumerate(village.second_source_log_penduduk(), start=1):
        result.log_penduduk.append({**event, "id": base + number})
    return result
