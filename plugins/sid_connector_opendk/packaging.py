"""Residents → the ZIP(s) ``POST /penduduk/storedata`` accepts (OPENDK_API.md §5.2, §8).

Each ZIP holds one xlsx with exactly the 41 columns OpenDK's importer reads (a missing one makes the whole
import fail with a 302), values as OpenSID ids, dates ``Y-m-d``, empty dusun/RW/RT as ``-`` and ``id`` =
OpenSID's resident id (never the NIK: NIK keys duplicated whole villages, KNOWN_PROBLEMS §3). ZIPs are cut
at 5120 KB (Laravel's ``max:5120`` counts kilobytes of 1024 bytes, and allows equality), filled greedily
by *measured* compressed size, so the count is the minimum the limit allows for the given row order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from defusedxml import ElementTree

from sid_connector.models import Penduduk
from sid_connector_opendk import xlsx
from sid_connector_opendk.desa_id import format_desa_id

LIMIT_BYTES = 5120 * 1024
"""OpenDK's ``file|mimes:zip|max:5120``: Laravel compares ``size_in_bytes / 1024 <= 5120``."""

COLUMNS: tuple[str, ...] = (
    "alamat", "dusun", "rw", "rt", "nama", "nomor_kk", "nomor_nik", "jenis_kelamin", "tempat_lahir",
    "tanggal_lahir", "agama", "pendidikan_dlm_kk", "pendidikan_sdg_ditempuh", "pekerjaan", "kawin",
    "hubungan_keluarga", "kewarganegaraan", "nama_ayah", "nama_ibu", "gol_darah", "akta_lahir",
    "nomor_dokumen_pasport", "tanggal_akhir_pasport", "nomor_dokumen_kitas", "nik_ayah", "nik_ibu",
    "nomor_akta_perkawinan", "tanggal_perkawinan", "nomor_akta_perceraian", "tanggal_perceraian", "cacat",
    "cara_kb", "hamil", "status_rekam", "alamat_sekarang", "id", "foto", "status_dasar", "created_at",
    "updated_at", "desa_id",
)  # fmt: skip
"""The columns OpenDK's ``SinkronPenduduk`` reads, in OpenSID's order (OPENSID_PUSH.md) minus ``ktp_el``."""

SOURCE: dict[str, str] = {
    "alamat": "alamat", "dusun": "dusun", "rw": "rw", "rt": "rt", "nama": "nama", "nomor_kk": "no_kk",
    "nomor_nik": "nik", "jenis_kelamin": "sex", "tempat_lahir": "tempatlahir", "tanggal_lahir": "tanggallahir",
    "agama": "agama_id", "pendidikan_dlm_kk": "pendidikan_kk_id",
    "pendidikan_sdg_ditempuh": "pendidikan_sedang_id", "pekerjaan": "pekerjaan_id", "kawin": "status_kawin",
    "hubungan_keluarga": "kk_level", "kewarganegaraan": "warganegara_id", "nama_ayah": "nama_ayah",
    "nama_ibu": "nama_ibu", "gol_darah": "golongan_darah_id", "akta_lahir": "akta_lahir",
    "nomor_dokumen_pasport": "dokumen_pasport", "tanggal_akhir_pasport": "tanggal_akhir_paspor",
    "nomor_dokumen_kitas": "dokumen_kitas", "nik_ayah": "ayah_nik", "nik_ibu": "ibu_nik",
    "nomor_akta_perkawinan": "akta_perkawinan", "tanggal_perkawinan": "tanggalperkawinan",
    "nomor_akta_perceraian": "akta_perceraian", "tanggal_perceraian": "tanggalperceraian",
    "cacat": "cacat_id", "cara_kb": "cara_kb_id", "hamil": "hamil", "status_rekam": "status_rekam",
    "alamat_sekarang": "alamat_sekarang", "id": "id", "status_dasar": "status_dasar",
    "created_at": "created_at", "updated_at": "updated_at",
}  # fmt: skip
"""OpenDK column → canonical ``Penduduk`` field (``foto`` and ``desa_id`` are filled separately)."""

DASH_WHEN_EMPTY = frozenset({"dusun", "rw", "rt"})
XLSX_NAME = "penduduk_opendk.xlsx"


class PackagingError(Exception):
    """A ZIP that must not be sent, or a resident that cannot be packed; message in id and en."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class ZipPart:
    """One storedata ZIP: its bytes, and which resident ids it carries (for the sink's journal)."""

    data: bytes
    ids: tuple[int, ...]
    next_size: int | None = None
    """Measured size this ZIP would have had with the next resident (> limit): why it was closed."""

    @property
    def rows(self) -> int:
        """Residents in this ZIP."""
        return len(self.ids)

    def __bytes__(self) -> bytes:
        return self.data

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"ZipPart(bytes={len(self.data)}, rows={self.rows})"


def _text(value: object) -> str:
    """A non-string cell value as OpenSID writes it: dates ``Y-m-d``, timestamps to the second."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat(sep=" ", timespec="seconds")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_ATTRS = tuple(SOURCE.get(c, "id") for c in COLUMNS)  # foto/desa_id slots are overwritten below
_DASH_AT = tuple(COLUMNS.index(c) for c in sorted(DASH_WHEN_EMPTY))
_DESA_AT = COLUMNS.index("desa_id")
_FOTO_AT = COLUMNS.index("foto")


def row_values(person: Penduduk, desa_id: str) -> list[str]:
    """The 41 cell values of one resident, already XML-escaped, in :data:`COLUMNS` order.

    Hot path (4 million cells per 100,000 residents): reads pydantic's ``__dict__`` directly and
    handles the common types inline.
    """
    fields = person.__dict__
    if fields.get("id") is None:
        raise PackagingError(
            f"Penduduk {fields.get('nama') or '?'} tidak punya id OpenSID; tidak bisa dikirim ke OpenDK.",
            f"Resident {fields.get('nama') or '?'} has no OpenSID id; it cannot be sent to OpenDK.",
        )
    get = fields.get
    values = [
        v if type(v) is str else ("" if v is None else str(v) if type(v) is int else _text(v)) for v in map(get, _ATTRS)
    ]
    foto = get("foto")
    values[_FOTO_AT] = f"kecil_{foto}" if foto else ""
    if xlsx.needs_escape(values):
        values = [xlsx.xml_text(v) for v in values]
    for index in _DASH_AT:
        if not values[index]:
            values[index] = "-"
    values[_DESA_AT] = desa_id
    return values


def _zip_overhead() -> int:
    """Bytes a storedata ZIP adds around the deflated sheet (constant: names and headers are fixed)."""
    empty = xlsx.Entry(xlsx.SHEET_NAME, b"", 8, 0, 0)
    return len(xlsx.zip_bytes([xlsx.stored(XLSX_NAME, xlsx.xlsx_bytes(empty))]))


_OVERHEAD = _zip_overhead()


class _Part:
    """The ZIP being filled: a sheet stream plus the ids in it."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.sheet = xlsx.SheetStream()
        self.ids: list[int] = []
        self.overflow: int | None = None
        self.sheet.feed(xlsx.render_row(1, COLUMNS))

    def try_add(self, rows: Sequence[tuple[int, list[str]]]) -> bool:
        """Add ``rows`` if the finished ZIP still fits; otherwise leave the part unchanged."""
        point = self.sheet.mark()
        first = len(self.ids) + 2
        self.sheet.feed(b"".join(xlsx.render_row(first + n, values) for n, (_pid, values) in enumerate(rows)))
        size = self.sheet.finished_size()
        if size <= self.budget:
            self.ids.extend(pid for pid, _ in rows)
            return True
        self.sheet.rollback(point)
        self.overflow = size + _OVERHEAD
        return False

    def finish(self) -> ZipPart:
        inner = xlsx.xlsx_bytes(self.sheet.finish())
        return ZipPart(xlsx.zip_bytes([xlsx.stored(XLSX_NAME, inner)]), tuple(self.ids), self.overflow)


def build_zips(
    records: Iterable[Penduduk],
    desa_id: str,
    *,
    limit: int = LIMIT_BYTES,
    chunk: int = 256,
) -> Iterator[ZipPart]:
    """Yield storedata ZIPs for ``records``, each ≤ ``limit`` bytes, as few as the limit allows.

    Rows keep their order and each ZIP takes the longest run of rows that fits (checked by exact measure,
    in chunks that halve near the limit), so every ZIP but the last is full to within one row; only one
    chunk of rows and one ZIP's compressed bytes are held at a time.
    """
    dotted = format_desa_id(desa_id)
    if dotted is None:
        raise PackagingError(
            f"desa_id {desa_id!r} tidak sah: harus 10 angka (PP.KK.CC.DDDD).",
            f"desa_id {desa_id!r} is invalid: it must have 10 digits (PP.KK.CC.DDDD).",
        )
    desa_id = dotted
    budget = limit - _OVERHEAD
    source = ((p.id, row_values(p, desa_id)) for p in records)
    pending: deque[tuple[int, list[str]]] = deque()
    part = _Part(budget)
    step = chunk
    while True:
        while len(pending) < step:
            item = next(source, None)
            if item is None:
                break
            pending.append(item)  # type: ignore[arg-type]
        if not pending:
            break
        batch = [pending[i] for i in range(min(step, len(pending)))]
        if part.try_add(batch):
            for _ in batch:
                pending.popleft()
            continue
        if len(batch) > 1:
            step = max(1, len(batch) // 2)
            continue
        if not part.ids:
            raise PackagingError(
                f"Satu baris penduduk (id {batch[0][0]}) saja sudah melebihi batas {limit} bita.",
                f"A single resident row (id {batch[0][0]}) already exceeds the {limit}-byte limit.",
            )
        yield part.finish()
        part, step = _Part(budget), chunk
    if part.ids:
        part.overflow = None  # the last ZIP was closed by the end of the data, not by the limit
        yield part.finish()


# -- local validation before sending (KNOWN_PROBLEMS §2) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class ZipSummary:
    """What a valid ZIP holds."""

    xlsx_name: str
    rows: int
    size: int


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]+)")


def _col_index(ref: str) -> int:
    index = 0
    for char in ref:
        index = index * 26 + ord(char) - 64
    return index - 1


def _first_sheet(book: zipfile.ZipFile) -> str:
    """The part name of the workbook's first sheet, through ``workbook.xml`` and its rels."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_NS}sheets/{_NS}sheet")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    rid = sheet.get(f"{_REL_NS}id") if sheet is not None else None
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    raise KeyError("sheet")


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{_NS}t")) for si in root.iter(f"{_NS}si")]


def _header(book: zipfile.ZipFile, sheet: str) -> list[str]:
    """The first row's texts, in column order (gaps as ``""``)."""
    with book.open(sheet) as handle:
        head = b""
        while b"</row>" not in head:
            block = handle.read(1 << 16)
            if not block:
                raise KeyError("header row")
            head += block
    start = head.index(b"<row")
    # The fragment carries no namespace declaration, so its tags are plain ``c``, ``t``, ``v``.
    row = ElementTree.fromstring(head[start : head.index(b"</row>") + 6].decode("utf-8"))
    shared = _shared_strings(book)
    texts: dict[int, str] = {}
    for position, cell in enumerate(row):
        ref = _CELL_REF.match(cell.get("r", ""))
        index = _col_index(ref.group(1)) if ref else position
        if cell.get("t") == "inlineStr":
            texts[index] = "".join(t.text or "" for t in cell.iter("t"))
        else:
            v = cell.find("v")
            text = (v.text or "") if v is not None else ""
            texts[index] = shared[int(text)] if cell.get("t") == "s" and text else text
    return [texts.get(i, "") for i in range(max(texts, default=-1) + 1)]


def _column_cells(book: zipfile.ZipFile, sheet: str, letters: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """Stream the data rows' values of the given columns (by cell reference), 1 MB at a time.

    A regex over the raw XML is ~50x faster than an XML parser for this; it needs ``r`` references on
    cells, which every writer here (ours, OpenSpout, openpyxl, Excel) emits.
    """
    shared = _shared_strings(book)
    wanted = "|".join(letters)
    cell = re.compile(rf'<c r="({wanted})(\d+)"([^>]*?)(?:/>|>(?:<is>)?<(?:t|v)[^>]*>([^<]*)</(?:t|v)>)'.encode())
    row_start = re.compile(rb"<row[ >]")
    carry = b""
    with book.open(sheet) as handle:
        while True:
            block = handle.read(1 << 20)
            data = carry + block
            cut = data.rfind(b"</row>") + 6 if block else len(data)
            if cut < 6 and block:
                carry = data
                continue
            piece, carry = data[:cut], data[cut:]
            for chunk in row_start.split(piece)[1:]:
                found: dict[str, str] = {}
                number = 0
                for match in cell.finditer(chunk):
                    col, num, attrs, text = match.groups()
                    value = (text or b"").decode("utf-8")
                    if b't="s"' in attrs and value:
                        value = shared[int(value)]
                    found[col.decode()] = value
                    number = int(num)
                if number != 1:
                    yield number, [found.get(letter, "") for letter in letters]
            if not block:
                return


def _invalid(message_id: str, message_en: str) -> PackagingError:
    return PackagingError(f"ZIP penduduk tidak sah: {message_id}", f"Invalid resident ZIP: {message_en}")


def validate_zip(data: bytes, desa_id: str, *, limit: int = LIMIT_BYTES) -> ZipSummary:
    """Refuse a ZIP OpenDK would refuse or mis-import: size, one xlsx, every column, desa_id on every row."""
    if len(data) > limit:
        raise _invalid(f"ukuran {len(data)} bita melebihi {limit} bita.", f"{len(data)} bytes exceed {limit}.")
    try:
        outer = zipfile.ZipFile(io.BytesIO(data))
        names = [n for n in outer.namelist() if n.lower().endswith(".xlsx")]
        if len(names) != 1:
            raise _invalid(f"harus berisi tepat satu .xlsx, ada {len(names)}.", f"needs one .xlsx, has {len(names)}.")
        book = zipfile.ZipFile(io.BytesIO(outer.read(names[0])))
        sheet = _first_sheet(book)
        header = _header(book, sheet)
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise _invalid(f"kolom hilang: {', '.join(missing)}.", f"missing columns: {', '.join(missing)}.")
        letters = xlsx.column_letters(len(header))
        desa_col, id_col = letters[header.index("desa_id")], letters[header.index("id")]
        count = 0
        for number, (desa, pid) in _column_cells(book, sheet, (desa_col, id_col)):
            if desa != desa_id:
                raise _invalid(
                    f"baris {number}: desa_id {desa!r} bukan {desa_id}.",
                    f"row {number}: desa_id {desa!r} is not {desa_id}.",
                )
            if not pid.isdigit():
                raise _invalid(f"baris {number}: id kosong atau bukan angka.", f"row {number}: id missing.")
            count += 1
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError, ElementTree.ParseError) as exc:
        raise _invalid(f"berkas rusak ({type(exc).__name__}).", f"corrupt file ({type(exc).__name__}).") from exc
    if count == 0:
        raise _invalid("tidak ada baris penduduk.", "no resident rows.")
    return ZipSummary(names[0], count, len(data))
