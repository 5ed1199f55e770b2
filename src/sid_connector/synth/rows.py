"""Empty OpenSID v2410 rows: every column of the table, in schema order, set to its NULL/default.

Generators fill in what they know; a writer (workbook, MariaDB) can rely on every column being present.
"""

from __future__ import annotations

from functools import cache
from typing import Any

PENDUDUK_COLUMNS = tuple(
    [
        "id",
        "config_id",
        "nama",
        "nik",
        "id_kk",
        "kk_level",
        "id_rtm",
        "rtm_level",
        "sex",
        "tempatlahir",
        "tanggallahir",
        "agama_id",
        "pendidikan_kk_id",
        "pendidikan_sedang_id",
        "pekerjaan_id",
        "status_kawin",
        "warganegara_id",
        "dokumen_pasport",
        "dokumen_kitas",
        "ayah_nik",
        "ibu_nik",
        "nama_ayah",
        "nama_ibu",
        "foto",
        "golongan_darah_id",
        "id_cluster",
        "status",
        "alamat_sebelumnya",
        "alamat_sekarang",
        "status_dasar",
        "hamil",
        "cacat_id",
        "sakit_menahun_id",
        "akta_lahir",
        "akta_perkawinan",
        "tanggalperkawinan",
        "akta_perceraian",
        "tanggalperceraian",
        "cara_kb_id",
        "telepon",
        "tanggal_akhir_paspor",
        "no_kk_sebelumnya",
        "ktp_el",
        "status_rekam",
        "waktu_lahir",
        "tempat_dilahirkan",
        "jenis_kelahiran",
        "kelahiran_anak_ke",
        "penolong_kelahiran",
        "berat_lahir",
        "panjang_lahir",
        "tag_id_card",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "id_asuransi",
        "no_asuransi",
        "email",
        "email_token",
        "email_tgl_kadaluarsa",
        "email_tgl_verifikasi",
        "telegram",
        "telegram_token",
        "telegram_tgl_kadaluarsa",
        "telegram_tgl_verifikasi",
        "bahasa_id",
        "ket",
        "negara_asal",
        "tempat_cetak_ktp",
        "tanggal_cetak_ktp",
        "suku",
        "bpjs_ketenagakerjaan",
        "hubung_warga",
    ]
)
KELUARGA_COLUMNS = tuple(
    [
        "id",
        "config_id",
        "no_kk",
        "nik_kepala",
        "tgl_daftar",
        "kelas_sosial",
        "tgl_cetak_kk",
        "alamat",
        "id_cluster",
        "updated_at",
        "updated_by",
    ]
)
LOG_PENDUDUK_COLUMNS = tuple(
    [
        "id",
        "config_id",
        "id_pend",
        "kode_peristiwa",
        "meninggal_di",
        "jam_mati",
        "sebab",
        "penolong_mati",
        "akta_mati",
        "alamat_tujuan",
        "tgl_lapor",
        "tgl_peristiwa",
        "catatan",
        "no_kk",
        "nama_kk",
        "ref_pindah",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "maksud_tujuan_kedatangan",
    ]
)
LOG_KELUARGA_COLUMNS = tuple(
    ["id", "config_id", "id_kk", "id_peristiwa", "tgl_peristiwa", "id_pend", "updated_by", "id_log_penduduk"]
)

_DEFAULTS: dict[str, Any] = {"warganegara_id": 1, "status_dasar": 1, "created_by": 1, "status": 1}


@cache
def _template(columns: tuple[str, ...]) -> dict[str, Any]:
    return {column: _DEFAULTS.get(column) for column in columns}


def blank(columns: tuple[str, ...]) -> dict[str, Any]:
    """A row with every column of the table; NOT NULL columns get OpenSID's default."""
    return _template(columns).copy()
