"""Streams the rows of an OpenSID resident workbook, after checking the file is a safe xlsx.

The file is checked *before* openpyxl opens it: it must be a ZIP, no member may have an absolute path or
``..``, and the declared sizes must stay under a total cap and a per-member compression ratio (zip bombs).
Rows are then streamed one at a time with a defused XML pull parser and matched to columns by header name.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import IO, Any

from defusedxml.ElementTree import ParseError, iterparse, parse

from sid_connector.sources import SourceError
from sid_connector_opensid_xlsx.columns import (
    DATE_COLUMNS,
    END_MARK,
    ID_COLUMNS,
    KEEP_DASH,
    KNOWN,
    MAX_CELL,
    SKIPPED_SHEET,
)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
# Small members (styles, empty string tables) legitimately compress far better than data.
RATIO_MIN_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its sheet row number, values by column, and the first over-long column if any."""

    number: int
    values: dict[str, str | None]
    too_long: str | None = None


def guard(path: Path, *, max_total: int = MAX_TOTAL_BYTES, max_ratio: int = MAX_RATIO) -> None:
    """Raise :class:`SourceError` unless ``path`` is a ZIP that is safe to decompress."""
    if not path.is_file():
        raise SourceError(f"berkas tidak ditemukan: {path}", unreachable=True)
    if not zipfile.is_zipfile(path):
        raise SourceError(f"{path.name} bukan berkas xlsx (bukan arsip ZIP)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path.name} bukan berkas xlsx yang sah: {exc}") from exc
    total = 0
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in PurePosixPath(name).parts:
            raise SourceError(f"{path.name} berisi entri dengan jalur tidak aman: {name[:80]}")
        total += member.file_size
        if total > max_total:
            raise SourceError(f"{path.name} terlalu besar setelah diekstrak (batas {max_total // 1024 // 1024} MB)")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_MIN_BYTES and ratio > max_ratio:
            raise SourceError(f"{path.name} mencurigakan: rasio kompresi {name[:60]} melebihi {max_ratio}:1")


def cell_value(column: str, value: Any) -> str | None:
    """A cell as text; ``-`` and blanks are ``None`` except where the area encoding needs the dash."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer() and (column in ID_COLUMNS or abs(value) < 2**53):
        text = str(int(value))
    else:
        text = str(value).strip()
    if text == "" or (text == "-" and column not in KEEP_DASH):
        return None
    return text


class _CappedStream(io.RawIOBase):
    """Counts what is really inflated: a forged size in the ZIP directory cannot smuggle in a bomb."""

    def __init__(self, stream: IO[bytes], limit: int, name: str) -> None:
        self._stream, self._left, self._name = stream, limit, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(min(len(buffer), 1 << 16))
        self._left -= len(data)
        if self._left < 0:
            raise SourceError(f"{self._name} terlalu besar setelah diekstrak")
        buffer[: len(data)] = data
        return len(data)


def _column_index(reference: str) -> int:
    """``"AB12"`` → 27 (zero-based column of a cell reference)."""
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + (ord(char.upper()) - 64)
    return index - 1


def _excel_date(serial: float) -> str:
    return (EXCEL_EPOCH + dt.timedelta(days=int(serial))).isoformat()


class WorkbookReader:
    """Opens a workbook for one pass; use as a context manager.

    The sheet is streamed straight from the ZIP with a defused XML pull parser, one ``<row>`` at a time and
    cleared after use, so memory stays flat and no whole-sheet pre-scan happens (OpenSID's exports carry no
    ``<dimension>``, which makes general-purpose readers parse the sheet twice).
    """

    def __init__(self, path: str | Path, *, max_total: int = MAX_TOTAL_BYTES, max_ratio: int = MAX_RATIO) -> None:
        self.path = Path(path)
        guard(self.path, max_total=max_total, max_ratio=max_ratio)
        self.max_total = max_total
        try:
            self.archive = zipfile.ZipFile(self.path)
            title, member = self._first_sheet()
            self.strings = self._shared_strings()
            stream = _CappedStream(self.archive.open(member), max_total, self.path.name)
            self._events = iterparse(io.BufferedReader(stream, 1 << 16), events=("end",))
        except SourceError:
            raise
        except Exception as exc:  # a damaged package fails in many ways; all mean "not a readable workbook"
            raise SourceError(f"{self.path.name} tidak dapat dibaca sebagai xlsx: {type(exc).__name__}") from exc
        self.sheet = SimpleNamespace(title=title)
        self._rows = self._raw_rows()
        self.columns = self._header()

    def _read_xml(self, name: str) -> Any:
        with self.archive.open(name) as handle:
            return parse(_CappedStream(handle, self.max_total, self.path.name)).getroot()

    def _first_sheet(self) -> tuple[str, str]:
        workbook = self._read_xml("xl/workbook.xml")
        targets = {}
        if "xl/_rels/workbook.xml.rels" in self.archive.namelist():
            for rel in self._read_xml("xl/_rels/workbook.xml.rels"):
                target = rel.get("Target", "")
                targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        for sheet in workbook.iter(f"{MAIN}sheet"):
            title = sheet.get("name", "")
            if title == SKIPPED_SHEET:
                continue
            member = targets.get(sheet.get(f"{REL}id"), "")
            if member not in self.archive.namelist():
                raise SourceError(f"{self.path.name}: lembar {title!r} tidak ditemukan di dalam berkas")
            return title, member
        raise SourceError(f"{self.path.name} tidak memiliki lembar data penduduk")

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.archive.namelist():
            return []
        return ["".join(t.text or "" for t in item.iter(f"{MAIN}t")) for item in self._read_xml("xl/sharedStrings.xml")]

    def _cell(self, cell: Any) -> Any:
        kind = cell.get("t")
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
        value = cell.find(f"{MAIN}v")
        text = value.text if value is not None else None
        if text is None:
            return None
        if kind == "s":
            return self.strings[int(text)]
        if kind in ("str", "e"):
            return text
        if kind == "b":
            return "1" if text == "1" else "0"
        number = float(text)
        return number

    def _raw_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(sheet row number, cell values by column index) for each ``<row>``, in order."""
        for _, element in self._events:
            if element.tag != f"{MAIN}row":
                continue
            number = int(element.get("r", "0"))
            cells: list[Any] = []
            for position, cell in enumerate(element.iter(f"{MAIN}c")):
                index = _column_index(cell.get("r", "")) if cell.get("r") else position
                if index >= len(cells):
                    cells.extend([None] * (index + 1 - len(cells)))
                cells[index] = self._cell(cell)
            element.clear()
            yield number, cells

    def _header(self) -> list[str | None]:
        try:
            _, header = next(self._rows)
        except StopIteration:
            raise SourceError(f"{self.path.name}: lembar {self.sheet.title} kosong") from None
        except ParseError as exc:
            raise SourceError(f"{self.path.name}: isi lembar rusak ({exc})") from exc
        columns: list[str | None] = []
        for value in header:
            name = None if value is None else str(value).strip()
            if not name:
                columns.append(None)
                continue
            if name.lower() not in KNOWN:
                raise SourceError(f"{self.path.name}: nama kolom {name[:40]!r} tidak sesuai format impor OpenSID")
            columns.append(name.lower())
        if "nama" not in columns:
            raise SourceError(f"{self.path.name}: kolom 'nama' tidak ada di baris judul")
        return columns

    def rows(self) -> Iterator[SheetRow]:
        """Data rows until the sheet ends or ``###`` appears in ``dusun``; fully blank rows are skipped."""
        try:
            for number, raw in self._rows:
                values: dict[str, str | None] = {}
                too_long = None
                for column, value in zip(self.columns, raw, strict=False):
                    if column is None:
                        continue
                    if column in DATE_COLUMNS and isinstance(value, float) and 1 <= value < 80000:
                        value = _excel_date(value)
                    text = cell_value(column, value)
                    if text is not None and len(text) > MAX_CELL:
                        too_long = too_long or column
                        text = text[:MAX_CELL]
                    values[column] = text
                if (values.get("dusun") or "").strip() == END_MARK:
                    return
                if all(v is None for v in values.values()):
                    continue
                yield SheetRow(number, values, too_long)
        except ParseError as exc:
            raise SourceError(f"{self.path.name}: isi lembar rusak ({exc})") from exc

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
