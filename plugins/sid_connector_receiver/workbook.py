"""Reads the resident workbook OpenSID pushes (``penduduk_DD_MM_YYYY_opendk.xlsx``, 42 columns, all strings).

The streaming, defused reader of the ``opensid-xlsx`` plugin is reused; only the header differs: OpenDK's
column names are mapped onto the canonical ``Penduduk`` field names, so the rows fit the same source code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sid_connector.privacy import scrub
from sid_connector.sources import SourceError
from sid_connector_opendk.packaging import COLUMNS as OPENDK_COLUMNS
from sid_connector_opendk.packaging import SOURCE as OPENDK_TO_FIELD
from sid_connector_opensid_xlsx.reader import SheetRow, WorkbookReader
from sid_connector_receiver.errors import PushRejected, bad_request, too_large
from sid_connector_receiver.settings import Limits, kode_desa

# OpenDK column → canonical field; ``ktp_el`` (sent, ignored by OpenDK), ``foto`` and ``desa_id`` are kept too.
FIELD_OF: dict[str, str] = {**OPENDK_TO_FIELD, "ktp_el": "ktp_el", "foto": "foto", "desa_id": "desa_id"}
REQUIRED: tuple[str, ...] = OPENDK_COLUMNS
FORMULA_START = ("=", "+", "-", "@")


class StoredataReader(WorkbookReader):
    """A :class:`WorkbookReader` whose header is OpenDK's storedata header; unknown columns are ignored."""

    def _header(self) -> list[str | None]:
        try:
            _, header = next(self._rows)
        except StopIteration:
            raise SourceError("lembar kerja kosong") from None
        except Exception as exc:  # ParseError, bad UTF-8, damaged XML: the header row cannot be read
            raise SourceError(f"baris judul rusak ({type(exc).__name__})") from exc
        names = [str(value).strip().lower() if value is not None else "" for value in header]
        missing = [column for column in REQUIRED if column not in names]
        if missing:
            shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
            raise SourceError(f"kolom wajib tidak ada: {shown}")
        seen: set[str] = set()
        columns: list[str | None] = []
        for name in names:
            field = FIELD_OF.get(name)
            columns.append(field if field and field not in seen else None)
            if field:
                seen.add(field)
        return columns


@dataclass(frozen=True, slots=True)
class WorkbookSummary:
    """What a valid push holds."""

    kode_desa: str
    rows: int
    formula_cells: int


def _looks_like_formula(value: str) -> bool:
    """``=``, ``+``, ``@`` or a ``-`` not followed by a digit or the end (``-`` alone is OpenSID's "empty")."""
    if value.startswith(("=", "+", "@")):
        return True
    return value.startswith("-") and len(value) > 1 and not value[1].isdigit()


def _check_row(row: SheetRow, limits: Limits, ids: set[str]) -> tuple[str, int]:
    """(village code of the row, formula-like cells); raises for a row that must refuse the whole push."""
    where = f"baris {row.number}"
    if row.too_long:
        raise too_large(f"{where}: isi kolom {row.too_long} lebih dari {limits.max_cell} karakter.", where)
    code = kode_desa(row.values.get("desa_id"))
    if code is None:
        raise bad_request(f"{where}: desa_id kosong atau tidak sah.", f"{where}: desa_id tidak sah")
    pid = (row.values.get("id") or "").strip()
    if not pid.isdigit() or len(pid) > 18:
        raise bad_request(f"{where}: kolom id (id penduduk OpenSID) kosong atau bukan angka.", f"{where}: id")
    if pid in ids:
        raise bad_request(f"{where}: id penduduk {pid} muncul lebih dari sekali.", f"{where}: id ganda")
    ids.add(pid)
    formulas = sum(1 for value in row.values.values() if value and _looks_like_formula(value))
    return code, formulas


def open_reader(path: Path, limits: Limits) -> StoredataReader:
    """The reader over a staged workbook; every failure to open becomes a 422."""
    try:
        return StoredataReader(path, max_total=limits.max_unzipped, max_ratio=limits.max_ratio)
    except SourceError as exc:
        raise bad_request(f"Lembar kerja penduduk tidak sah: {scrub(str(exc))}", scrub(str(exc))) from exc
    except Exception as exc:  # any other failure of a damaged package means the same to the sender
        raise bad_request("Lembar kerja penduduk rusak.", f"xlsx rusak: {type(exc).__name__}") from exc


def rows(reader: StoredataReader) -> Iterator[SheetRow]:
    """The reader's rows, with any parse failure turned into a 422."""
    try:
        yield from reader.rows()
    except PushRejected:
        raise
    except Exception as exc:  # ParseError (incl. invalid UTF-8), bad numbers, missing shared strings
        raise bad_request("Isi lembar kerja penduduk rusak.", f"isi xlsx rusak: {type(exc).__name__}") from exc


def validate_workbook(path: Path, limits: Limits) -> WorkbookSummary:
    """Read the whole staged workbook once: one village, unique numeric ids, no huge cells, a row cap."""
    reader = open_reader(path, limits)
    codes: set[str] = set()
    ids: set[str] = set()
    formulas = 0
    count = 0
    with reader:
        for row in rows(reader):
            count += 1
            if count > limits.max_rows:
                raise too_large(f"Terlalu banyak baris penduduk (batas {limits.max_rows}).", "baris > batas")
            code, found = _check_row(row, limits, ids)
            codes.add(code)
            formulas += found
            if len(codes) > 1:
                raise bad_request("Satu kiriman hanya boleh berisi satu desa (desa_id berbeda-beda).", "desa campur")
    if not count:
        raise bad_request("Lembar kerja penduduk tidak berisi baris data.", "tanpa baris")
    return WorkbookSummary(codes.pop(), count, formulas)
