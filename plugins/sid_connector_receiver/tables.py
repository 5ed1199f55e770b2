"""The CSV uploads (program-bantuan, peserta, pembangunan, dokumentasi): checked, then kept as received.

They are not pulled into records (the store has no entity for them); checking them still matters, because the
inbox forwards nothing it could not read and an operator may open them later.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sid_connector_receiver.archive import first_named, open_zip, read_member
from sid_connector_receiver.errors import bad_request, too_large
from sid_connector_receiver.settings import Limits, kode_desa


@dataclass(frozen=True, slots=True)
class TableSummary:
    """What a valid upload holds."""

    member: str
    rows: int


def read_csv_text(data: bytes) -> str:
    """UTF-8 text without the BOM OpenSID writes first; anything else is refused, never guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad_request("Berkas CSV bukan teks UTF-8 yang sah.", f"UTF-8 tidak sah pada bita {exc.start}") from exc


def check_csv(text: str, kode: str, limits: Limits) -> int:
    """Rows of a CSV whose header names ``desa_id`` and ``id`` and whose every row is for ``kode``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if "desa_id" not in header or "id" not in header:
            raise bad_request("Berkas CSV tidak memiliki kolom desa_id dan id di baris judul.", "judul CSV")
        at = header.index("desa_id")
        count = 0
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if count > limits.max_rows:
                raise too_large(f"Terlalu banyak baris CSV (batas {limits.max_rows}).", "baris CSV > batas")
            if any(len(cell) > limits.max_cell for cell in row):
                raise too_large(f"Baris {number}: isi sel lebih dari {limits.max_cell} karakter.", f"baris {number}")
            if len(row) <= at or kode_desa(row[at]) != kode:
                raise bad_request(f"Baris {number}: desa_id bukan desa {kode}.", f"baris {number}: desa_id")
    except csv.Error as exc:
        raise bad_request("Berkas CSV rusak.", f"CSV rusak: {exc}") from exc
    return count


def check_table_zip(data: bytes, kode: str, limits: Limits) -> TableSummary:
    """The ZIP holds a CSV (the first ``.csv`` is OpenDK's data file) that is valid for village ``kode``."""
    with open_zip(data, limits) as archive:
        name = first_named(archive, (".csv",))
        if name is None:
            raise bad_request("Berkas CSV tidak ditemukan di dalam ZIP yang diunggah.", "tanpa CSV")
        text = read_csv_text(read_member(archive, name, limits.max_unzipped))
    return TableSummary(name[-80:], check_csv(text, kode, limits))
