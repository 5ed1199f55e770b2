"""Small hand-made villages shaped like ``sid_connector.synth.SyntheticVillage`` (OpenSID column names)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

OLD = "2024-01-01 00:00:00"  # updated_at of written rows: far from "now", so overlap re-reads nothing


@dataclass
class HandVillage:
    config: dict[str, Any]
    wilayah: list[dict[str, Any]]
    families: list[dict[str, Any]]
    residents: list[dict[str, Any]]
    events: list[dict[str, Any]]
    family_events: list[dict[str, Any]]
    pamong: list[dict[str, Any]] = field(default_factory=list)

    def keluarga(self) -> Iterator[dict[str, Any]]:
        return iter(self.families)

    def penduduk(self) -> Iterator[dict[str, Any]]:
        return iter(self.residents)

    def log_penduduk(self) -> Iterator[dict[str, Any]]:
        return iter(self.events)

    def log_keluarga(self) -> Iterator[dict[str, Any]]:
        return iter(self.family_events)


def make_village(
    config_id: int, kode_desa: str, nama: str, *, families: int = 3, members: int = 3, base: int = 0
) -> HandVillage:
    """``families`` KKs of ``members`` residents each in two RTs of one dusun; ids start after ``base``."""
    config = {
        "id": config_id,
        "app_key": f"key{config_id}",
        "nama_desa": nama,
        "kode_desa": kode_desa,
        "nama_kecamatan": "Batulayar",
        "kode_kecamatan": kode_desa[:6],
        "nama_kepala_camat": "Camat",
        "nip_kepala_camat": "-",
        "nama_kabupaten": "Lombok Barat",
        "kode_kabupaten": kode_desa[:4],
        "nama_propinsi": "Nusa Tenggara Barat",
        "kode_propinsi": kode_desa[:2],
    }
    w = base
    wilayah = [
        {"id": w + 1, "config_id": config_id, "dusun": "MANGSIT", "rw": "0", "rt": "0"},
        {"id": w + 2, "config_id": config_id, "dusun": "MANGSIT", "rw": "-", "rt": "0"},
        {"id": w + 3, "config_id": config_id, "dusun": "MANGSIT", "rw": "-", "rt": "001"},
        {"id": w + 4, "config_id": config_id, "dusun": "MANGSIT", "rw": "-", "rt": "002"},
    ]
    fams: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    fevents: list[dict[str, Any]] = []
    pid = base
    for f in range(1, families + 1):
        kk_id = base + f
        cluster = w + 3 + (f % 2)
        head = pid + 1
        fams.append(
            {
                "id": kk_id,
                "config_id": config_id,
                "no_kk": f"{kode_desa}{f:06d}",
                "nik_kepala": head,
                "alamat": f"Jalan {f}",
                "id_cluster": cluster,
                "updated_at": OLD,
            }
        )
        for m in range(1, members + 1):
            pid += 1
            people.append(
                {
                    "id": pid,
                    "config_id": config_id,
                    "nama": f"WARGA {f}-{m}",
                    "nik": f"{kode_desa}{pid:06d}",
                    "id_kk": kk_id,
                    "kk_level": 1 if m == 1 else 4,
                    "sex": 1 + m % 2,
                    "tempatlahir": "MANGSIT",
                    "tanggallahir": "1990-01-01",
                    "agama_id": 1,
                    "status_kawin": 1,
                    "warganegara_id": 1,
                    "id_cluster": cluster,
                    "status": 1,
                    "status_dasar": 1,
                    "created_at": OLD,
                    "created_by": 1,
                    "updated_at": OLD,
                    "email_token": f"secret{pid}",
                }
            )
            events.append(
                {
                    "id": pid,
                    "config_id": config_id,
                    "id_pend": pid,
                    "kode_peristiwa": 5,
                    "tgl_peristiwa": "2020-01-01 00:00:00",
                    "tgl_lapor": "2020-01-01 00:00:00",
                    "ref_pindah": 1,
                    "created_at": OLD,
                    "updated_at": OLD,
                }
            )
        fevents.append(
            {
                "id": kk_id,
                "config_id": config_id,
                "id_kk": kk_id,
                "id_peristiwa": 1,
                "tgl_peristiwa": "2020-01-01 00:00:00",
                "id_pend": head,
            }
        )
    return HandVillage(config, wilayah, fams, people, events, fevents)
