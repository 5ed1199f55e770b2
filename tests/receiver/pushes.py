"""Requests built as OPENSID_PUSH.md describes them: the 42-column workbook, the ZIP, the multipart body.

The workbook is written the way OpenSpout writes it (one sheet, inline strings, every value a string) with the
``opendk`` plugin's streaming xlsx blocks; rows come from the synthetic village generator.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sid_connector.synth import VillageSpec, generate
from sid_connector_opendk import xlsx
from sid_connector_opendk.packaging import SOURCE
from sid_connector_opensid_xlsx.writer import export_row

KODE = "5306132001"
DESA_ID = "53.06.13.2001"
ZIP_FILENAME = "desa/upload/sinkronisasi/penduduk_28_11_2026_opendk.zip"
XLSX_NAME = "penduduk_28_11_2026_opendk.xlsx"
HEADER: tuple[str, ...] = (
    "alamat", "dusun", "rw", "rt", "nama", "nomor_kk", "nomor_nik", "jenis_kelamin", "tempat_lahir", "tanggal_lahir",
    "agama", "pendidikan_dlm_kk", "pendidikan_sdg_ditempuh", "pekerjaan", "kawin", "hubungan_keluarga",
    "kewarganegaraan", "nama_ayah", "nama_ibu", "gol_darah", "akta_lahir", "nomor_dokumen_pasport",
    "tanggal_akhir_pasport", "nomor_dokumen_kitas", "nik_ayah", "nik_ibu", "nomor_akta_perkawinan",
    "tanggal_perkawinan", "nomor_akta_perceraian", "tanggal_perceraian", "cacat", "cara_kb", "hamil", "ktp_el",
    "status_rekam", "alamat_sekarang", "id", "foto", "status_dasar", "created_at", "updated_at", "desa_id",
)  # fmt: skip
assert len(HEADER) == 42


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def village_rows(residents: int = 60, *, seed: int = 3, desa_id: str = DESA_ID) -> list[dict[str, str]]:
    """One synthetic village's residents as OpenSID's storedata rows: 42 string values each."""
    village = generate(VillageSpec(kode_desa=KODE, residents=residents, seed=seed))
    clusters = {row["id"]: row for row in village.wilayah}
    rows = []
    for keluarga, members in village.households():
        for person in members:
            canonical = {**person, **export_row(person, keluarga, clusters.get(person["id_cluster"]))}
            row = {column: _text(canonical.get(SOURCE.get(column, column))) for column in HEADER}
            row["ktp_el"] = _text(person.get("ktp_el"))
            row["foto"] = ""
            row["tanggal_akhir_pasport"] = ""  # always empty in v2410 (OPENSID_PUSH.md quirks)
            for area in ("dusun", "rw", "rt"):
                row[area] = row[area] or "-"
            row["desa_id"] = desa_id
            rows.append(row)
    return rows


def workbook(rows: Iterable[Mapping[str, str]], header: Sequence[str] = HEADER) -> bytes:
    """An OpenSpout-like xlsx: inline strings only, empty cells left out."""
    sheet = xlsx.SheetStream()
    sheet.feed(xlsx.render_row(1, [xlsx.xml_text(name) for name in header]))
    for number, row in enumerate(rows, start=2):
        sheet.feed(xlsx.render_row(number, [xlsx.xml_text(row.get(name, "")) for name in header]))
    return xlsx.xlsx_bytes(sheet.finish())


def sheet_workbook(sheet_xml: bytes) -> bytes:
    """A workbook package around raw sheet XML (for malformed-sheet cases)."""
    return xlsx.xlsx_bytes(xlsx.deflated(xlsx.SHEET_NAME, sheet_xml))


def zip_of(members: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def resident_zip(rows: Iterable[Mapping[str, str]]) -> bytes:
    return zip_of({XLSX_NAME: workbook(rows)})


BOUNDARY = "------------------------a1b2c3d4e5f60718"


def multipart(parts: Sequence[tuple[str, str | None, str | None, bytes]]) -> tuple[bytes, str]:
    """(body, content type) for ``(name, filename, content type, data)`` parts, as curl/Guzzle frame them."""
    body = bytearray()
    for name, filename, kind, data in parts:
        body += f"--{BOUNDARY}\r\n".encode()
        disposition = f'Content-Disposition: form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += disposition.encode() + b"\r\n"
        if kind:
            body += f"Content-Type: {kind}\r\n".encode()
        body += b"\r\n" + data + b"\r\n"
    body += f"--{BOUNDARY}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={BOUNDARY}"


def storedata_request(token: str, data: bytes) -> dict[str, Any]:
    """``POST /api/v1/penduduk/storedata`` as raw PHP curl sends it: no JSON Accept, no X-Requested-With."""
    body, kind = multipart([("file", ZIP_FILENAME, "application/octet-stream", data)])
    headers = {
        "Accept": "*/*",
        "Accept-Encoding": "deflate, gzip, br, zstd",
        "Authorization": f"Bearer {token}",
        "Content-Type": kind,
    }
    return {"method": "POST", "url": "/api/v1/penduduk/storedata", "headers": headers, "content": body}


def guzzle_headers(token: str) -> dict[str, str]:
    return {"User-Agent": "GuzzleHttp/7", "X-Requested-With": "XMLHttpRequest", "Authorization": f"Bearer {token}"}


def identitas_request(token: str, kode: str = DESA_ID) -> dict[str, Any]:
    body = f"kode_desa={kode}&sebutan_desa=desa&website=http%3A%2F%2Fdesa.example%2F".encode()
    headers = {**guzzle_headers(token), "Content-Type": "application/x-www-form-urlencoded"}
    return {"method": "POST", "url": "/api/v1/identitas-desa", "headers": headers, "content": body}


def hapus_request(token: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    headers = {"Accept": "application/json", "Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    body = json.dumps({"hapus_penduduk": items}).encode()
    return {"method": "POST", "url": "/api/v1/penduduk", "headers": headers, "content": body}


TABLE_HEADERS = {
    "program-bantuan": "desa_id,id,nama,sasaran,ndesc,sdate,edate,status,asaldana",
    "program-bantuan/peserta": "desa_id,id,peserta,program_id,no_id_kartu,kartu_nik,kartu_nama,kartu_tempat_lahir,"
    "kartu_tanggal_lahir,kartu_alamat,kartu_peserta,kartu_id_pend,sasaran",
    "pembangunan": "desa_id,id,sumber_dana,lokasi,judul,keterangan,volume,tahun_anggaran,pelaksana_kegiatan,status,"
    "anggaran,perubahan_anggaran,sumber_biaya_pemerintah,sumber_biaya_provinsi,sumber_biaya_kab_kota,"
    "sumber_biaya_swadaya,sumber_biaya_jumlah,manfaat,waktu,sifat_proyek,foto",
    "pembangunan/dokumentasi": "desa_id,id,id_pembangunan,gambar,persentase,keterangan,created_at,updated_at",
}


def table_csv(kind: str, rows: int = 3, desa_id: str = DESA_ID) -> bytes:
    """A BOM-first CSV as OpenSID writes it (program rows carry one value more than the header)."""
    header = TABLE_HEADERS[kind]
    width = header.count(",") + 1 + (1 if kind == "program-bantuan" else 0)
    lines = [header] + [",".join([desa_id, str(n)] + [f"isi {n}"] * (width - 2)) for n in range(1, rows + 1)]
    return "\ufeff".encode() + "\n".join(lines).encode() + b"\n"


def table_request(token: str, kind: str, data: bytes, desa_id: str = DESA_ID) -> dict[str, Any]:
    name = kind.replace("/", "_")
    body, content_type = multipart(
        [("file", f"{name}.zip", "application/zip", data), ("desa_id", None, None, desa_id.encode())]
    )
    headers = {**guzzle_headers(token), "Content-Type": content_type}
    return {"method": "POST", "url": f"/api/v1/{kind}", "headers": headers, "content": body}


def laporan_request(token: str, kind: str, file_b64: str = "JVBERi0xLjQK", desa_id: str = DESA_ID) -> dict[str, Any]:
    key = kind.replace("-", "_")
    period = "bulan" if kind == "laporan-penduduk" else "semester"
    item = {"id": 7, "judul": "Laporan", period: 1, "tahun": 2026, "nama_file": "laporan.pdf", "file": file_b64}
    body = json.dumps({"desa_id": desa_id, key: [item]}).encode()
    headers = {**guzzle_headers(token), "Content-Type": "application/json"}
    return {"method": "POST", "url": f"/api/v1/{kind}", "headers": headers, "content": body}
