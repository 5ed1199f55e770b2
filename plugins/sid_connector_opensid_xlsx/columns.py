"""The 43 columns of OpenSID's resident import/export workbook (OPENSID_DB.md §15), in OpenSID's order.

The names are OpenSID's own and equal the canonical :class:`~sid_connector.models.Penduduk` field names,
so a row maps onto a record without renaming; ``alamat``, ``dusun``, ``rw``, ``rt`` and ``no_kk`` are the
resolved family/area fields.
"""

from __future__ import annotations

COLUMNS: tuple[str, ...] = (
    "alamat",
    "dusun",
    "rw",
    "rt",
    "nama",
    "no_kk",
    "nik",
    "sex",
    "tempatlahir",
    "tanggallahir",
    "agama_id",
    "pendidikan_kk_id",
    "pendidikan_sedang_id",
    "pekerjaan_id",
    "status_kawin",
    "kk_level",
    "warganegara_id",
    "ayah_nik",
    "nama_ayah",
    "ibu_nik",
    "nama_ibu",
    "golongan_darah_id",
    "akta_lahir",
    "dokumen_pasport",
    "tanggal_akhir_paspor",
    "dokumen_kitas",
    "akta_perkawinan",
    "tanggalperkawinan",
    "akta_perceraian",
    "tanggalperceraian",
    "cacat_id",
    "cara_kb_id",
    "hamil",
    "ktp_el",
    "status_rekam",
    "alamat_sekarang",
    "status_dasar",
    "suku",
    "tag_id_card",
    "id_asuransi",
    "no_asuransi",
    "lat",
    "lng",
)
KNOWN = frozenset(COLUMNS)
DATE_COLUMNS = frozenset({"tanggallahir", "tanggal_akhir_paspor", "tanggalperkawinan", "tanggalperceraian"})
ID_COLUMNS = frozenset({"nik", "no_kk", "ayah_nik", "ibu_nik"})
AREA_COLUMNS = frozenset({"dusun", "rw", "rt"})
# Where the importer reads a '-' as "none" but the area encoding needs it kept (OPENSID_DB.md §4).
KEEP_DASH = frozenset({"rw", "rt"})
END_MARK = "###"
SKIPPED_SHEET = "Kode Data"
MAX_CELL = 1000
