"""A minimal, streaming xlsx + zip writer: one sheet of inline strings, compressed as rows arrive.

openpyxl writes ~100k cells/s; a village of 100,000 residents has 4.1 million. Writing the sheet XML
ourselves (as OpenSID's OpenSpout does: inline strings, one sheet) is an order of magnitude faster, and
compressing as we go lets :mod:`.packaging` measure the exact ZIP size after every chunk of rows. Deflate
can run in a background thread (``SheetStream(background=True)``): zlib releases the GIL, so on a 2-core
machine it overlaps the caller rendering the next rows.
"""

from __future__ import annotations

import queue
import re
import struct
import threading
import weakref
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

SHEET_NAME = "xl/worksheets/sheet1.xml"

_STATIC: tuple[tuple[str, bytes], ...] = (
    (
        "[Content_Types].xml",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        b"</Types>",
    ),
    (
        "_rels/.rels",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="xl/workbook.xml"/></Relationships>',
    ),
    (
        "xl/workbook.xml",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    (
        "xl/_rels/workbook.xml.rels",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet1.xml"/></Relationships>',
    ),
)

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

TEXT_SEPARATOR = "\t"
_EMPTY_TEXT = TEXT_SEPARATOR * 2


def column_letters(count: int) -> list[str]:
    """``A``, ``B``, …, ``Z``, ``AA``, … for the first ``count`` columns."""
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def xml_text(value: str) -> str:
    """``value`` safe inside ``<t>``: escaped, and characters XML cannot hold removed."""
    if not _SPECIAL.search(value):
        return value
    value = _ILLEGAL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def needs_escape(values: Sequence[str]) -> bool:
    """Whether any value holds a character :func:`xml_text` must change (one regex scan per row)."""
    return _SPECIAL.search("".join(values)) is not None


def plain_texts(joined: str) -> bool:
    """Whether ``TAB + TAB.join(texts) + TAB`` shows every text non-empty and with nothing to escape.

    Exact when true: an empty text shows as two adjacent tabs, a special character as itself. A text that
    starts or ends with a tab gives a false "no", which only costs the caller its general path.
    """
    return _SPECIAL.search(joined) is None and _EMPTY_TEXT not in joined


def cell_markup(ref: str, text: str) -> str:
    """One inline-string cell; ``ref`` and ``text`` may be template fields (the one place the markup lives)."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row_markup(number: str, cells: str) -> str:
    """One ``<row>`` around its cells' markup; ``number`` may be a template field."""
    return f'<row r="{number}">{cells}</row>'


@lru_cache(maxsize=4096)
def _row_template(present: tuple[bool, ...]) -> str:
    """A ``str.format`` template for a row whose non-empty cells are ``present``; ``{0}`` = row number."""
    letters = column_letters(len(present))
    cells = []
    slot = 1
    for letter, here in zip(letters, present, strict=True):
        if here:
            cells.append(cell_markup(f"{letter}{{0}}", f"{{{slot}}}"))
            slot += 1
    return row_markup("{0}", "".join(cells))


def row_text(number: int, values: Sequence[str]) -> str:
    """One ``<row>`` of inline strings (values already escaped); empty values are left out, as OpenSpout
    does, and the ``r`` references keep the columns aligned. Rows share a handful of templates."""
    template = _row_template(tuple(map(bool, values)))
    return template.format(number, *filter(None, values))


def render_row(number: int, values: Sequence[str]) -> bytes:
    """:func:`row_text`, encoded."""
    return row_text(number, values).encode()


# -- zip ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One finished zip member: its name, stored bytes, method (0 stored, 8 deflated), crc and raw size."""

    name: str
    data: bytes
    method: int
    crc: int
    size: int


def deflated(name: str, raw: bytes) -> Entry:
    """``raw`` as a deflated zip member."""
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = comp.compress(raw) + comp.flush()
    return Entry(name, data, 8, zlib.crc32(raw), len(raw))


def stored(name: str, raw: bytes) -> Entry:
    """``raw`` as a stored member (an xlsx is already compressed)."""
    return Entry(name, raw, 0, zlib.crc32(raw), len(raw))


_DOS_TIME, _DOS_DATE = 0, (2020 - 1980) << 9 | 1 << 5 | 1


def zip_bytes(entries: Sequence[Entry]) -> bytes:
    """A plain zip archive (no zip64: every part here is far below 4 GB)."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, entry.method, _DOS_TIME, _DOS_DATE,
            entry.crc, len(entry.data), entry.size, len(name), 0,
        )  # fmt: skip
        out += name + entry.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, entry.method, _DOS_TIME, _DOS_DATE,
            entry.crc, len(entry.data), entry.size, len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    return bytes(out)


STATIC_ENTRIES: tuple[Entry, ...] = tuple(deflated(name, raw) for name, raw in _STATIC)


def xlsx_bytes(sheet: Entry) -> bytes:
    """The workbook around an already-deflated sheet."""
    return zip_bytes([*STATIC_ENTRIES, sheet])


def _serve(jobs: queue.SimpleQueue, results: queue.SimpleQueue, started: threading.Lock) -> None:
    """The worker thread's loop (module-level: it must not keep its owner alive)."""
    while (job := jobs.get()) is not None:
        started.release()
        try:
            job()
        except BaseException as error:  # handed to the owner, raised there (it must never wait forever)
            results.put(error)
        else:
            results.put(None)
        job = None  # a finished job (and the stream it refers to) must not outlive it while we wait


class _Worker:
    """A thread that runs its owner's jobs one at a time, while the owner goes on with Python work.

    ``submit`` returns only once the job has *started*: the worker needs the GIL to pick a job up, and an
    owner busy in Python would keep it waiting a whole switch interval (5 ms) before each job otherwise.
    The thread ends with :meth:`close`, or when the owner is garbage-collected.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._started = threading.Lock()
        self._started.acquire()
        self._busy = False
        thread = threading.Thread(
            target=_serve, args=(self._jobs, self._results, self._started), name="xlsx-deflate", daemon=True
        )
        thread.start()
        self._stop = weakref.finalize(self, self._jobs.put, None)
        self._thread = thread

    def submit(self, job: Callable[[], None]) -> None:
        """Start ``job`` in the thread (after the previous one finished)."""
        self.wait()
        self._jobs.put(job)
        self._busy = True
        self._started.acquire()

    def wait(self) -> None:
        """Block until the current job is done; re-raise its error here."""
        if self._busy:
            self._busy = False
            error = self._results.get()
            if error is not None:
                raise error

    def close(self) -> None:
        """Finish the current job and end the thread."""
        try:
            self.wait()
        finally:
            self._stop()
            self._thread.join()


class SheetStream:
    """A deflate stream of one sheet whose exact finished size can be asked at any time, and rolled back.

    ``mark()`` / ``rollback()`` let the packer try a chunk of rows and undo it when the ZIP would grow past
    the limit; ``finished_size()`` flushes a *copy* of the compressor, so asking costs one small flush.

    With ``background=True``, ``feed`` hands the rows to a worker thread and returns at once; the worker
    deflates them and measures the finished size right away (the caller is about to ask). Every other call
    waits for that job first, so sizes, marks and rollbacks are exactly those of the synchronous stream.
    Call :meth:`close` (or :meth:`finish`) to end the thread.
    """

    def __init__(self, level: int = 6, *, background: bool = False) -> None:
        self._comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._out: list[bytes] = []
        self._out_len = 0
        self._crc = 0
        self._size = 0
        self._measured: int | None = None
        self._worker = _Worker() if background else None
        self.feed(SHEET_HEAD)

    def feed(self, raw: bytes) -> None:
        """Append uncompressed sheet XML (in the background stream: start deflating it)."""
        if self._worker is None:
            self._compress(raw)
        else:
            self._worker.submit(lambda: self._compress_and_measure(raw))

    def _compress(self, raw: bytes) -> None:
        chunk = self._comp.compress(raw)
        if chunk:
            self._out.append(chunk)
            self._out_len += len(chunk)
        self._crc = zlib.crc32(raw, self._crc)
        self._size += len(raw)
        self._measured = None

    def _compress_and_measure(self, raw: bytes) -> None:
        """The worker's job: everything after the deflate call runs while the caller waits anyway."""
        self._compress(raw)
        self._measured = self._measure()

    def _sync(self) -> None:
        if self._worker is not None:
            self._worker.wait()

    def mark(self) -> tuple[object, int, int, int, int]:
        """A restore point."""
        self._sync()
        return (self._comp.copy(), len(self._out), self._out_len, self._crc, self._size)

    def rollback(self, point: tuple[object, int, int, int, int]) -> None:
        """Undo everything fed since ``point`` was taken (the point stays usable)."""
        self._sync()
        comp, count, out_len, crc, size = point
        self._comp = comp.copy()  # type: ignore[attr-defined]
        del self._out[count:]
        self._out_len, self._crc, self._size = out_len, crc, size
        self._measured = None

    def _measure(self) -> int:
        comp = self._comp.copy()
        return self._out_len + len(comp.compress(SHEET_TAIL)) + len(comp.flush())

    def finished_size(self) -> int:
        """Compressed size the sheet would have if finished now (tail included)."""
        self._sync()
        if self._measured is None:
            self._measured = self._measure()
        return self._measured

    def finish(self) -> Entry:
        """Close the sheet and return it as a zip member."""
        self.close()
        self._compress(SHEET_TAIL)
        tail = self._comp.flush()
        data = b"".join([*self._out, tail])
        return Entry(SHEET_NAME, data, 8, self._crc, self._size)

    def close(self) -> None:
        """End the worker thread, if any (after its current job); the stream then works synchronously."""
        if self._worker is not None:
            worker, self._worker = self._worker, None
            worker.close()
