"""Canonical records in OpenSID's own vocabulary (OpenSID v2410 column names and code ids).

A record is what every source produces and every sink and rule reads: one shape, whatever the SID behind it.
Besides OpenSID's own columns, penduduk and keluarga carry the *resolved* area (``dusun``, ``rw``, ``rt``)
and family number (``no_kk``) a source can join in, because rules, reports and OpenDK need them and a
workbook has no ids to join by.
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, create_model

from sid_connector.models.fields import AreaNumber, Code, Date, DateTime, IdNumber, Int, Text


class Record(BaseModel):
    """Base of every canonical record; unknown columns are ignored so newer OpenSID versions still parse."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False, str_strip_whitespace=True)

    entity: ClassVar[str]


class Desa(Record):
    """A village's identity: OpenSID's ``config`` row."""

    entity: ClassVar[str] = "desa"

    id: Int = None
    nama_desa: Text = None
    kode_desa: IdNumber = None
    kode_desa_bps: IdNumber = None
    kode_pos: Int = None
    nama_kecamatan: Text = None
    kode_kecamatan: IdNumber = None
    nama_kepala_camat: Text = None
    nip_kepala_camat: Text = None
    nama_kabupaten: Text = None
    kode_kabupaten: IdNumber = None
    nama_propinsi: Text = None
    kode_propinsi: IdNumber = None
    alamat_kantor: Text = None
    email_desa: Text = None
    telepon: Text = None
    nomor_operator: Text = None
    website: Text = None
    lat: Text = None
    lng: Text = None
    path: Text = None
    updated_at: DateTime = None


class Wilayah(Record):
    """One node of ``tweb_wil_clusterdesa``: a dusun, an RW or an RT, told apart by which fields are ``'0'``."""

    entity: ClassVar[str] = "wilayah"

    id: Int = None
    dusun: Text = None
    rw: AreaNumber = None
    rt: AreaNumber = None
    id_kepala: Int = None
    urut: Int = None
    urut_cetak: Int = None
    lat: Text = None
    lng: Text = None

    @property
    def level(self) -> str:
        """``"dusun"``, ``"rw"`` or ``"rt"`` by OpenSID's encoding (OPENSID_DB.md §4)."""
        if (self.rt or "0") != "0":
            return "rt"
        if (self.rw or "0") != "0":
            return "rw"
        return "dusun"


class Keluarga(Record):
    """A family (``tweb_keluarga``). ``nik_kepala`` is the head's *resident id*, not a NIK."""

    entity: ClassVar[str] = "keluarga"

    id: Int = None
    no_kk: IdNumber = None
    nik_kepala: Int = None
    tgl_daftar: DateTime = None
    kelas_sosial: Code("kelas_sosial") = None
    tgl_cetak_kk: DateTime = None
    alamat: Text = None
    id_cluster: Int = None
    updated_at: DateTime = None
    # Resolved from the family's RT row.
    dusun: Text = None
    rw: AreaNumber = None
    rt: AreaNumber = None


class Penduduk(Record):
    """A resident (``tweb_penduduk``); secrets (``email_token``, ``telegram_token``) are never carried."""

    entity: ClassVar[str] = "penduduk"

    id: Int = None
    nama: Text = None
    nik: IdNumber = None
    id_kk: Int = None
    kk_level: Code("kk_level") = None
    id_rtm: Text = None
    rtm_level: Code("rtm_level") = None
    sex: Code("sex") = None
    tempatlahir: Text = None
    tanggallahir: Date = None
    agama_id: Code("agama_id") = None
    pendidikan_kk_id: Code("pendidikan_kk_id") = None
    pendidikan_sedang_id: Code("pendidikan_sedang_id") = None
    pekerjaan_id: Code("pekerjaan_id") = None
    status_kawin: Code("status_kawin") = None
    warganegara_id: Code("warganegara_id") = None
    dokumen_pasport: Text = None
    dokumen_kitas: Text = None
    ayah_nik: IdNumber = None
    ibu_nik: IdNumber = None
    nama_ayah: Text = None
    nama_ibu: Text = None
    golongan_darah_id: Code("golongan_darah_id") = None
    id_cluster: Int = None
    status: Code("status") = None
    alamat_sebelumnya: Text = None
    alamat_sekarang: Text = None
    status_dasar: Code("status_dasar") = None
    hamil: Code("hamil") = None
    cacat_id: Code("cacat_id") = None
    sakit_menahun_id: Code("sakit_menahun_id") = None
    akta_lahir: Text = None
    akta_perkawinan: Text = None
    tanggalperkawinan: Date = None
    akta_perceraian: Text = None
    tanggalperceraian: Date = None
    cara_kb_id: Code("cara_kb_id") = None
    telepon: Text = None
    tanggal_akhir_paspor: Date = None
    no_kk_sebelumnya: Text = None
    ktp_el: Code("ktp_el") = None
    status_rekam: Code("status_rekam") = None
    waktu_lahir: Text = None
    tempat_dilahirkan: Code("tempat_dilahirkan") = None
    jenis_kelahiran: Code("jenis_kelahiran") = None
    kelahiran_anak_ke: Int = None
    penolong_kelahiran: Code("penolong_kelahiran") = None
    berat_lahir: Int = None
    panjang_lahir: Text = None
    tag_id_card: Text = None
    created_at: DateTime = None
    updated_at: DateTime = None
    id_asuransi: Code("id_asuransi") = None
    no_asuransi: Text = None
    email: Text = None
    telegram: Text = None
    bahasa_id: Code("bahasa_id") = None
    ket: Text = None
    negara_asal: Text = None
    tempat_cetak_ktp: Text = None
    tanggal_cetak_ktp: Date = None
    suku: Text = None
    bpjs_ketenagakerjaan: Text = None
    hubung_warga: Text = None
    # tweb_penduduk_map
    lat: Text = None
    lng: Text = None
    # Resolved: the family's number, the family address and the resident's RT row.
    no_kk: IdNumber = None
    alamat: Text = None
    dusun: Text = None
    rw: AreaNumber = None
    rt: AreaNumber = None


class Peristiwa(Record):
    """A population event (``log_penduduk``): birth, death, move out, lost, move in, left."""

    entity: ClassVar[str] = "peristiwa"

    id: Int = None
    id_pend: Int = None
    kode_peristiwa: Code("kode_peristiwa") = None
    meninggal_di: Text = None
    jam_mati: Text = None
    sebab: Text = None
    penolong_mati: Text = None
    akta_mati: Text = None
    alamat_tujuan: Text = None
    tgl_lapor: DateTime = None
    tgl_peristiwa: DateTime = None
    catatan: Text = None
    no_kk: IdNumber = None
    nama_kk: Text = None
    ref_pindah: Code("ref_pindah") = None
    maksud_tujuan_kedatangan: Text = None
    created_at: DateTime = None
    updated_at: DateTime = None
    # Resolved: the resident's NIK, so an event can be matched when ids are not shared.
    nik: IdNumber = None


class PeristiwaKeluarga(Record):
    """A family event (``log_keluarga``): new family, head died / moved / lost, family split, …"""

    entity: ClassVar[str] = "peristiwa_keluarga"

    id: Int = None
    id_kk: Int = None
    id_peristiwa: Int = None
    tgl_peristiwa: DateTime = None
    id_pend: Int = None
    id_log_penduduk: Int = None


@cache
def stored_model(model: type[Record]) -> type[Record]:
    """A subclass of ``model`` for reading back the store's own canonical JSON.

    The store only ever holds what the tolerant model produced, so reading it needs none of the per-field
    Python parsing: the same fields with their plain types validate in pydantic-core alone (several times
    faster), and the instances are still ``model`` instances with its properties.
    """
    fields: dict[str, Any] = {name: (info.annotation, info.default) for name, info in model.model_fields.items()}
    return create_model(f"{model.__name__}Stored", __base__=model, **fields)


ENTITY_MODELS: dict[str, type[Record]] = {
    model.entity: model for model in (Desa, Wilayah, Keluarga, Penduduk, Peristiwa, PeristiwaKeluarga)
}
"""Entity name → model, in the order a pull stores them (areas before families before residents)."""
