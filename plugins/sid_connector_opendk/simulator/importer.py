"""The simulator's ``SinkronPenduduk``: read a storedata ZIP the way OpenDK does, independently of ours.

Uses openpyxl (not the connector's own reader) so a bug in our writer cannot hide behind the same bug in
the check. Failures raise :class:`ImportFailed`, which the app turns into OpenDK's 302 ``back()``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import openpyxl

CHUNK = 1000
READ_COLUMNS: tuple[str, ...] = (
    "desa_id", "id", "nomor_nik", "nama", "nomor_kk", "jenis_kelamin", "tempat_lahir", "tanggal_lahir",
    "agama", "pendidikan_dlm_kk", "pendidikan_sdg_ditempuh", "pekerjaan", "kawin", "hubungan_keluarga",
    "kewarganegaraan", "nama_ibu", "nama_ayah", "gol_darah", "akta_lahir", "nomor_dokumen_pasport",
    "tanggal_akhir_pasport", "nomor_dokumen_kitas", "nik_ayah", "nik_ibu", "nomor_akta_perkawinan",
    "tanggal_perkawinan", "nomor_akta_perceraian", "tanggal_perceraian", "cacat", "cara_kb", "hamil", "foto",
    "alamat_sekarang", "alamat", "dusun", "rw", "rt", "status_dasar", "status_rekam", "created_at",
    "updated_at",
)  # fmt: skip
"""Every column ``SinkronPenduduk`` reads by name (OPENDK_API.md §5.2); one missing aborts the import."""


class ImportFailed(Exception):
    """An exception inside OpenDK's import: the controller answers ``back()->with('error', …)``."""


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def read_rows(zip_bytes: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(sheet row number, {column: text}) for every data row of the first ``.xlsx`` in the ZIP."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except zipfile.BadZipFile as exc:
        raise ImportFailed("zip tidak dapat dibaca") from exc
    names = [n for n in archive.namelist() if n.lower().endswith(".xlsx")]
    if not names:
        raise ImportFailed("File xlsx tidak ditemukan di dalam zip")
    try:
        book = openpyxl.load_workbook(io.BytesIO(archive.read(names[0])), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFailed(f"xlsx tidak dapat dibaca: {type(exc).__name__}") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_cell(v).strip() for v in next(rows, ())]
    missing = [c for c in READ_COLUMNS if c not in header]
    if missing:
        raise ImportFailed(f'Undefined array key "{missing[0]}"')
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None for v in values):
            continue
        yield number, {name: _cell(v) for name, v in zip(header, values, strict=False) if name}
    book.close()
