"""A streaming reader of MySQL/MariaDB dump text: ``(table, row)`` pairs, one statement at a time.

OpenSID's "Backup database" gives a mysqldump-style file (multi-row ``INSERT ... VALUES (..),(..);``, often
without a column list) or, in older builds, CodeIgniter's dbutil style (``#`` comments, one INSERT per row,
every value quoted). Both are read here without a database server.

Memory stays flat: the file is read in 1 MiB chunks and only the statement being read is kept (an INSERT
larger than ``BULK_MAX`` is read row by row, so not even that). Speed comes from C: a whole INSERT is mapped
onto JSON with a few ``str`` operations and decoded by ``json`` in one call (``decode_rows``); only rows that
need MySQL's full grammar (``''`` inside a string, hex literals, rare escapes) go through the regular
expressions value by value. Both paths give the same values, and the slow one also finds the bad row's line.
"""

from __future__ import annotations

import codecs
import gzip
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sid_connector.privacy import scrub
from sid_connector_opensid_sql.ddl import CREATE, Table, parse_create, unquote_name
from sid_connector_opensid_sql.values import decode_rows, slow_values, unquote_integers

CHUNK = 1 << 20
MAX_BYTES = 8 << 30  # 8 GiB of dump text: far beyond a kabupaten's gabungan database
MAX_STATEMENT = 64 << 20  # one non-INSERT statement, or one row of an INSERT
_SNIFF = 8192

# A quoted string: backslash escapes and doubled quotes, possessive so a long string never backtracks.
_Q = r"'(?:[^'\\]++|\\.|'')*+'"
_DQ = r'"(?:[^"\\]++|\\.|"")*+"'
_VALUE = rf"(?:(?:_binary\s*+|_utf8mb4\s*+|_utf8\s*+|[xXbB](?='))?{_Q}|[^,'()\s]++)"
# One row, strictly by the value grammar (checked on the slow path); and a loose form that only finds its end.
_ROW = re.compile(rf"\s*+\(\s*+(?:{_VALUE}(?:\s*+,\s*+{_VALUE})*+)?\s*+\)", re.S)
_ROW_LOOSE = re.compile(rf"\s*+\((?:[^()'\"]++|{_Q}|{_DQ})*+", re.S)
_SEP = re.compile(r"\s*+([,;])")
_STATEMENT = re.compile(rf"(?:[^;'\"`]++|{_Q}|{_DQ}|`[^`]*+`)*+;", re.S)
_GAP = re.compile(r"(?:\s++|--[^\n]*+\n|#[^\n]*+\n|/\*(?!!)(?:[^*]++|\*(?!/))*+\*/)*+", re.S)
_DELIMITER_END = re.compile(r"^DELIMITER\s*+;[ \t]*+$", re.M | re.I)
_INSERT = re.compile(
    r"(?:INSERT|REPLACE)\s++(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY)\s++)?(?:IGNORE\s++)?(?:INTO\s++)?"
    r"(?:(?:`[^`]++`|\w++)\s*+\.\s*+)?(`[^`]++`|\w++)\s*+(?:\(([^)]*+)\)\s*+)?VALUES?\b",
    re.S | re.I,
)
BULK_MAX = 32 << 20  # an INSERT up to this size is decoded whole; a longer one row by row


class DumpError(Exception):
    """The file cannot be read as a dump; ``line`` is where reading stopped (1-based), when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        message = scrub(message)  # a value quoted in a message may be a NIK or KK number
        super().__init__(message if line is None else f"{message} (baris {line})")
        self.line = line


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row the reader could not map onto its columns; the pull reports it and goes on."""

    line: int
    reason: str
    values: dict[str, Any] = field(default_factory=dict)  # the columns it could map, for the id


def open_text(path: Path, *, max_bytes: int = MAX_BYTES) -> IO[bytes]:
    """The dump's bytes (a ``.gz`` is unpacked on the fly); refuses what is clearly not dump text."""
    if not path.is_file():
        raise DumpError(f"berkas {path.name} tidak ditemukan")
    with path.open("rb") as probe:
        magic = probe.read(4)
    handle: IO[bytes] = gzip.open(path, "rb") if magic[:2] == b"\x1f\x8b" else path.open("rb")  # noqa: SIM115 (returned open)
    try:
        head = handle.read(_SNIFF)
    except (OSError, EOFError) as exc:
        handle.close()
        raise DumpError(f"berkas {path.name} bukan gzip yang utuh: {exc}") from None
    problem = _not_text(head)
    if problem:
        handle.close()
        raise DumpError(f"berkas {path.name} {problem}")
    handle.seek(0)
    return handle


def _not_text(head: bytes) -> str | None:
    if head[:4] == b"PK\x03\x04":
        return "adalah arsip zip: ekstrak dulu berkas .sql di dalamnya"
    if b"\0" in head:
        return "bukan berkas teks (dump SQL)"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a character cut at the sniff boundary is fine
            return "bukan teks UTF-8 (dump SQL)"
    return None


class DumpReader:
    """Iterates the rows of the wanted tables of one dump file (``tables=None``: every table).

    ``tables`` afterwards holds every CREATE TABLE seen, ``row_counts`` the rows read per wanted table.
    """

    def __init__(self, path: Path | str, tables: Collection[str] | None = None, *, max_bytes: int = MAX_BYTES) -> None:
        self.path = Path(path)
        self.wanted = None if tables is None else frozenset(tables)
        self.max_bytes = max_bytes
        self.tables: dict[str, Table] = {}
        self.created: list[str] = []
        self.row_counts: dict[str, int] = {}
        self._buf = ""
        self._pos = 0
        self._lines = 0  # newlines in text already dropped from the buffer
        self._read = 0
        self._eof = False
        self._handle: IO[bytes] | None = None
        self._integers: list[int] = []  # integer columns of the current INSERT that may come quoted
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    # -- buffer -----------------------------------------------------------------------------------------
    def line(self, pos: int | None = None) -> int:
        """1-based line number of buffer position ``pos`` (default: the current one)."""
        at = self._pos if pos is None else pos
        return self._lines + self._buf.count("\n", 0, at) + 1

    def _fill(self) -> bool:
        """Append the next chunk (dropping what was consumed); False at the end of the file."""
        if self._eof or self._handle is None:
            return False
        raw = self._handle.read(CHUNK)
        self._read += len(raw)
        if self._read > self.max_bytes:
            raise DumpError(f"berkas lebih besar dari batas {self.max_bytes // (1 << 20)} MiB", self.line())
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError:
            raise DumpError("isi berkas bukan teks UTF-8", self.line()) from None
        if "\0" in text:
            raise DumpError("berkas berisi data biner, bukan teks dump SQL", self.line())
        if self._pos:
            self._lines += self._buf.count("\n", 0, self._pos)
            self._buf = self._buf[self._pos :]
            self._pos = 0
        self._buf += text
        if not raw:
            self._eof = True
        return bool(raw)

    def _need(self, start: int) -> None:
        """More text is needed for a statement begun at ``start``; raise when it cannot come."""
        if len(self._buf) - start > MAX_STATEMENT:
            raise DumpError("pernyataan atau baris terlalu panjang, atau tanda kutip tidak ditutup", self.line(start))
        if not self._fill():
            raise DumpError("pernyataan tidak selesai di akhir berkas", self.line(start))

    # -- statements -------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple[str, dict[str, Any] | RowProblem]]:
        return self.rows()

    def rows(self) -> Iterator[tuple[str, dict[str, Any] | RowProblem]]:
        """``(table, row)`` for every row of the wanted tables, in file order; a bad row is a ``RowProblem``."""
        self._handle = open_text(self.path, max_bytes=self.max_bytes)
        try:
            self._fill()
            while self._skip_gap():
                head = self._buf[self._pos : self._pos + 16].upper()
                if head.startswith(("INSERT", "REPLACE")):
                    yield from self._insert()
                elif head.startswith("DELIMITER"):
                    self._delimiter()
                else:
                    self._other()
        finally:
            self._handle.close()
            self._handle = None

    def _skip_gap(self) -> bool:
        """Skip whitespace and comments between statements; False at the end of the file."""
        while True:
            match = _GAP.match(self._buf, self._pos)
            assert match is not None  # the pattern also matches the empty string
            self._pos = match.end()
            rest = len(self._buf) - self._pos
            if rest >= 64 or (self._eof and rest):
                if not self._buf.startswith(("--", "#", "/*"), self._pos) or self._buf.startswith("/*!", self._pos):
                    return True
                if self._eof:  # a comment that runs to the end of the file
                    if self._buf.startswith("/*", self._pos):
                        raise DumpError("komentar /* tidak ditutup", self.line())
                    self._pos = len(self._buf)
                    return False
            if not self._fill() and self._pos >= len(self._buf):
                return False

    def _delimiter(self) -> None:
        """Skip a ``DELIMITER ;;`` section (triggers, routines: no data) up to ``DELIMITER ;``."""
        start = self._pos
        while True:
            found = _DELIMITER_END.search(self._buf, start)
            if found is not None:
                self._pos = found.end()
                return
            if self._eof:
                self._pos = len(self._buf)
                return
            self._need(start)
            start = self._pos

    def _other(self) -> None:
        """A non-INSERT statement: remember CREATE TABLE columns, skip everything else."""
        start = self._pos
        while True:
            match = _STATEMENT.match(self._buf, start)
            if match is not None:
                break
            if self._eof and not self._buf[start:].strip().strip(";"):
                self._pos = len(self._buf)
                return
            self._need(start)
            start = self._pos
        statement = match.group(0)
        self._pos = match.end()
        create = CREATE.match(statement)
        if create is not None:
            name, table = parse_create(statement, create)
            self.tables[name] = table
            self.created.append(name)

    def _insert(self) -> Iterator[tuple[str, dict[str, Any] | RowProblem]]:
        start = self._pos
        while True:
            header = _INSERT.match(self._buf, self._pos)
            if header is not None:
                break
            if self._eof or len(self._buf) - start > 1 << 16:
                raise DumpError("pernyataan INSERT tidak dapat dibaca", self.line(start))
            self._need(start)
            start = self._pos
        table = unquote_name(header.group(1))
        self._pos = header.end()
        keep = self.wanted is None or table in self.wanted
        columns: list[str] = []
        integers: list[int] = []
        if keep:
            columns, integers = self._columns(table, header.group(2), start)
            self.row_counts.setdefault(table, 0)
        else:
            end = self._statement_end()
            if end is not None:  # an unwanted table: jump over the whole statement
                self._pos = end
                return
        self._integers = integers
        if keep:
            bulk = self._bulk(columns)
            if bulk is not None:
                self.row_counts[table] += len(bulk)
                for row in bulk:
                    yield table, row
                return
        while True:
            row_start, end = self._row_end(self._pos)
            if keep:
                yield table, self._values(table, columns, row_start, end)
                self.row_counts[table] += 1
            self._pos = end
            if self._separator(row_start) == ";":
                return

    def _statement_end(self) -> int | None:
        """End of the current statement (past its ``;``) when it fits ``BULK_MAX``.

        Reading more text moves the buffer, so positions taken before this call are stale afterwards.
        """
        while True:
            whole = _STATEMENT.match(self._buf, self._pos)
            if whole is not None:
                return whole.end()
            if self._eof or len(self._buf) - self._pos > BULK_MAX:
                return None
            self._fill()

    def _bulk(self, columns: list[str]) -> list[dict[str, Any]] | None:
        """All rows of the current INSERT at once when it fits ``BULK_MAX`` and decodes cleanly, else None.

        None leaves the position untouched: the row-by-row path then reads the statement and reports exactly
        which row (and line) is wrong.
        """
        end = self._statement_end()
        if end is None:
            return None
        start = self._pos  # only now: reading on may have moved the buffer
        rows = decode_rows(self._buf[start : end - 1])
        width = len(columns)
        if rows is None or any(len(row) != width for row in rows):
            return None
        if self._integers:
            for values in rows:
                if not unquote_integers(values, self._integers):
                    break
        self._pos = end
        return [dict(zip(columns, values, strict=True)) for values in rows]

    def _columns(self, table: str, listed: str | None, start: int) -> tuple[list[str], list[int]]:
        known = self.tables.get(table)
        if listed is not None:
            columns = [unquote_name(c) for c in listed.split(",")]
        elif known is not None:
            columns = known.columns
        else:
            raise DumpError(f"INSERT ke {table} tanpa daftar kolom dan tanpa CREATE TABLE sebelumnya", self.line(start))
        ints = known.integers if known is not None else frozenset()
        return columns, [i for i, c in enumerate(columns) if c in ints]

    def _row_end(self, row_start: int) -> tuple[int, int]:
        """Start and end of the row tuple at ``row_start``, reading more text as needed (the buffer may move).

        Only the row's extent is found here (quotes respected); its values are checked when converted.
        """
        while True:
            loose = _ROW_LOOSE.match(self._buf, row_start)
            if loose is None:
                if self._buf[row_start:].strip() or self._eof:
                    raise DumpError("baris INSERT harus diawali '('", self.line(row_start))
            else:
                reached = loose.end()
                if reached < len(self._buf):
                    if self._buf[reached] == ")":
                        return row_start, reached + 1
                    if self._buf[reached] not in "'\"":
                        raise DumpError("baris INSERT rusak (tanda kurung tidak sah)", self.line(reached))
                if self._eof:
                    raise DumpError("baris INSERT tidak selesai (tanda kutip tidak ditutup?)", self.line(row_start))
            self._need(row_start)
            row_start = self._pos  # the buffer was shifted; the row still starts at the current position

    def _separator(self, row_start: int) -> str:
        while True:
            match = _SEP.match(self._buf, self._pos)
            if match is not None:
                self._pos = match.end()
                return match.group(1)
            if self._buf[self._pos :].strip() or self._eof:
                if self._eof and not self._buf[self._pos :].strip():
                    return ";"  # the last statement of a file may lack its semicolon
                raise DumpError("setelah baris INSERT harus ada ',' atau ';'", self.line())
            self._fill()

    def _values(self, table: str, columns: list[str], start: int, end: int) -> dict[str, Any] | RowProblem:
        """Convert one row's text into ``{column: value}``."""
        start = self._buf.index("(", start)  # the row's own line, not the line of the comma before it
        inner = self._buf[start + 1 : end - 1]
        decoded = decode_rows(self._buf[start:end])
        values = decoded[0] if decoded is not None and len(decoded) == 1 else None
        if values is None:
            if _ROW.fullmatch(self._buf, start, end) is None:
                raise DumpError(f"{table}: baris INSERT rusak (nilai tidak sah)", self.line(start))
            try:
                values = slow_values(inner)
            except ValueError as exc:
                raise DumpError(f"{table}: {exc}", self.line(start)) from None
        if self._integers and not unquote_integers(values, self._integers):
            self._integers = []  # this INSERT does not quote its numbers: no need to look again
        if len(values) != len(columns):
            mapped = dict(zip(columns, values, strict=False))
            reason = f"{len(values)} nilai untuk {len(columns)} kolom"
            return RowProblem(self.line(start), reason, mapped)
        return dict(zip(columns, values, strict=True))


def iter_rows(
    path: Path | str, tables: Collection[str] | None = None, *, max_bytes: int = MAX_BYTES
) -> Iterator[tuple[str, dict[str, Any] | RowProblem]]:
    """Shorthand for ``DumpReader(path, tables).rows()``."""
    return DumpReader(path, tables, max_bytes=max_bytes).rows()
