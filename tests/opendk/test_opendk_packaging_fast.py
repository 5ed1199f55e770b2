"""The fast packer (compiled rows, deflate in a worker thread, next chunk rendered ahead) writes exactly what
the plain one does: the same row XML on awkward values, the same ZIP bytes and cut points."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections import deque
from collections.abc import Iterable, Iterator

import pytest
from opendk_factory import DESA_ID, residents

from sid_connector.models import Penduduk
from sid_connector_opendk import packaging, xlsx
from sid_connector_opendk.packaging import (
    _OVERHEAD,
    COLUMNS,
    XLSX_NAME,
    PackagingError,
    ZipPart,
    _compile_row,
    _read_fields,
    _RowWriter,
    build_zips,
    row_values,
)

WIB = dt.timezone(dt.timedelta(hours=7))


def general_rows(people: Iterable[Penduduk], first: int) -> bytes:
    """The rows as the plain path writes them: :func:`row_values` then :func:`xlsx.render_row`."""
    return b"".join(xlsx.render_row(n, row_values(p, DESA_ID)) for n, p in enumerate(people, first))


def reference_zips(records: Iterable[Penduduk], limit: int, chunk: int = 256) -> Iterator[ZipPart]:
    """The sequential packer as it was before the fast path: synchronous stream, plain rows."""
    budget = limit - _OVERHEAD
    source = iter(records)
    pending: deque[Penduduk] = deque()

    def new_sheet() -> xlsx.SheetStream:
        sheet = xlsx.SheetStream()
        sheet.feed(xlsx.render_row(1, COLUMNS))
        return sheet

    sheet, ids, overflow, step = new_sheet(), [], None, chunk
    while True:
        while len(pending) < step and (person := next(source, None)) is not None:
            pending.append(person)
        if not pending:
            break
        batch = [pending[i] for i in range(min(step, len(pending)))]
        point = sheet.mark()
        sheet.feed(general_rows(batch, len(ids) + 2))
        size = sheet.finished_size()
        if size <= budget:
            ids.extend(p.id for p in batch)
            for _ in batch:
                pending.popleft()
            continue
        sheet.rollback(point)
        overflow = size + _OVERHEAD
        if len(batch) > 1:
            step = max(1, len(batch) // 2)
            continue
        yield finished(sheet, ids, overflow)
        sheet, ids, overflow, step = new_sheet(), [], None, chunk
    if ids:
        yield finished(sheet, ids, None)


def finished(sheet: xlsx.SheetStream, ids: list[int], overflow: int | None) -> ZipPart:
    inner = xlsx.xlsx_bytes(sheet.finish())
    return ZipPart(xlsx.zip_bytes([xlsx.stored(XLSX_NAME, inner)]), tuple(ids), overflow)


def construct(**fields: object) -> Penduduk:
    """A resident with exactly these values (no validation: the packer must cope with whatever it gets)."""
    base = {"id": 77, "nama": "SITI", "dusun": "LOCO", "rw": "001", "rt": "002", "sex": 2}
    return Penduduk.model_construct(**{**base, **fields})


AWKWARD: list[Penduduk] = [
    construct(nama="A & B <C> \"D\" 'E'"),
    construct(nama="A\x01B\x1fC\x0bD"),  # control characters XML cannot hold are dropped
    construct(nama="\x02"),  # ... leaving an empty cell
    construct(alamat="\ufffeX\uffff"),
    construct(dusun="", rw="", rt=""),  # empty area → "-"
    construct(dusun=None, rw=None, rt=None),
    construct(dusun="\x03"),  # empty once cleaned → "-"
    construct(nama="", tempatlahir=""),  # empty text: no cell
    construct(nama=" ", alamat="\t", nama_ibu="a\tb"),  # whitespace is a value
    construct(nama="ÉCOLE ŽIŽEK 日本 🙂", alamat="Jl. Müller"),
    construct(tanggallahir=None, tanggalperkawinan=None, tanggalperceraian=None),
    construct(tanggallahir=dt.date(1901, 2, 3), tanggal_akhir_paspor=dt.date(2030, 1, 31)),
    construct(tanggallahir=dt.date(7, 1, 1)),
    construct(created_at=dt.datetime(2024, 1, 2, 3, 4, 5, 678901), updated_at=dt.datetime(999, 1, 1)),
    construct(created_at=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=WIB), updated_at=dt.datetime(2024, 1, 2, 3, 4, 5)),
    construct(created_at=dt.datetime(2024, 1, 1, 20, 4, 5, tzinfo=dt.UTC)),  # the same instant as above
    construct(sex=0, agama_id=-1, hamil=0),  # falsy numbers are values
    construct(sex=True, hamil=False),  # bool is not int here: written as str() writes it
    construct(berat_lahir=3.5, kk_level=1.0, pekerjaan_id="12"),
    construct(nik=type("Nik", (str,), {})("5306130101010001")),  # a str subclass
    construct(status_dasar=None, warganegara_id=None),
    construct(akta_lahir="AL/1/2020", nama_ayah="X" * 2000),
    Penduduk.model_construct(id=5),  # nothing but an id: no text to check at all
]


def test_fast_rows_equal_general_rows_on_awkward_values() -> None:
    people = [*AWKWARD, *residents(300, seed=5)]
    assert _RowWriter(DESA_ID).render(people, 2) == general_rows(people, 2)
    assert _RowWriter(DESA_ID).render(people, 123_456) == general_rows(people, 123_456)


def test_fast_rows_equal_general_rows_one_field_at_a_time() -> None:
    """Every column with each awkward value on an otherwise plain resident (one compiled pattern each)."""
    odd = ["", " ", "&", "<x>", "\x01", "é", None, 0, -5, True, 1.5, dt.date(2001, 2, 3), dt.datetime(2001, 2, 3, 4)]
    plain = next(residents(1))
    people = [
        plain.model_copy(update={field: value})
        for field, value in itertools.product(packaging._FIELDS, odd)
        if field != "id" or (value not in ("", " ", None) and not isinstance(value, bool))
    ]
    assert _RowWriter(DESA_ID).render(people, 2) == general_rows(people, 2)


def test_fast_path_is_taken_for_plain_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    people = list(residents(200))
    expected = general_rows(people, 2)
    monkeypatch.setattr(packaging, "row_values", lambda *_: pytest.fail("general path used for a plain row"))
    assert _RowWriter(DESA_ID).render(people, 2) == expected


def test_compiled_row_refuses_what_it_cannot_write() -> None:
    plain = tuple(map(type, _read_fields(next(residents(1)).__dict__)))
    assert _compile_row(plain, DESA_ID) is not None
    index = packaging._FIELDS.index("id")
    assert _compile_row((*plain[:index], type(None), *plain[index + 1 :]), DESA_ID) is None  # no id: refused
    assert _compile_row((float, *plain[1:]), DESA_ID) is None


def test_foto_and_missing_fields_take_the_general_path() -> None:
    with_foto = construct()
    with_foto.__dict__["foto"] = "a&b.jpg"
    missing = construct()
    del missing.__dict__["nama_ibu"]
    people = [with_foto, missing]
    xml = _RowWriter(DESA_ID).render(people, 2)
    assert xml == general_rows(people, 2)
    assert b"kecil_a&amp;b.jpg" in xml


def test_resident_without_id_still_refused_by_the_writer() -> None:
    with pytest.raises(PackagingError):
        _RowWriter(DESA_ID).render([construct(id=None)], 2)


@pytest.mark.parametrize(("limit_kb", "chunk"), [(48, 256), (40, 7), (64, 1), (1 << 20, 256)])
def test_zips_equal_the_sequential_packer(limit_kb: int, chunk: int) -> None:
    """Same bytes, ids and overflow measures as the synchronous plain packer: the background deflate and the
    rows rendered ahead change nothing, including where the ZIPs are cut."""
    people = [*residents(2500, seed=11), *AWKWARD[:3], *residents(500, start_id=5000, seed=12)]
    limit = limit_kb * 1024
    fast = list(build_zips(people, DESA_ID, limit=limit, chunk=chunk))
    slow = list(reference_zips(people, limit, chunk))
    assert [(p.data, p.ids, p.next_size) for p in fast] == [(p.data, p.ids, p.next_size) for p in slow]
    assert len(fast) == (1 if limit_kb == 1 << 20 else len(slow))
    assert sum(p.rows for p in fast) == len(people)


def test_background_stream_equals_synchronous_stream() -> None:
    rows = [general_rows(residents(40, start_id=1 + 40 * i, seed=i), 2 + 40 * i) for i in range(6)]
    plain, background = xlsx.SheetStream(), xlsx.SheetStream(background=True)
    for i, raw in enumerate(rows):
        points = [plain.mark(), background.mark()]
        plain.feed(raw)
        background.feed(raw)
        assert plain.finished_size() == background.finished_size()
        if i % 2:
            plain.rollback(points[0])
            background.rollback(points[1])
            assert plain.finished_size() == background.finished_size()
    assert plain.finish() == background.finish()


def deflate_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "xlsx-deflate"]


def test_worker_error_is_raised_in_the_caller_and_thread_ends() -> None:
    sheet = xlsx.SheetStream(background=True)
    sheet.feed("not bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sheet.finished_size()
    sheet.close()
    assert not deflate_threads()


def test_no_thread_outlives_the_packer() -> None:
    parts = list(build_zips(residents(600), DESA_ID, limit=48 * 1024))
    assert len(parts) > 1
    assert not deflate_threads()
    abandoned = build_zips(residents(3000), DESA_ID, limit=48 * 1024)
    next(abandoned)
    abandoned.close()
    assert not deflate_threads()


def test_error_mid_packing_ends_the_thread() -> None:
    def records() -> Iterator[Penduduk]:
        yield from residents(1000)
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        list(build_zips(records(), DESA_ID))
    assert not deflate_threads()


@pytest.mark.parametrize(
    ("texts", "plain"),
    [
        (["SITI", "JL. 1", "-"], True),
        (["SITI", "", "X"], False),  # an empty text
        ([""], False),
        (["A & B"], False),
        (["<"], False),
        (["a\x01"], False),
        (["\ufffe"], False),
        (["a\tb", " "], True),  # a tab inside a text is fine
        (["a\t", "b"], False),  # at its edge it looks like an empty neighbour: a false alarm, never a miss
        (["é 日本 🙂"], True),
    ],
)
def test_plain_texts(texts: list[str], plain: bool) -> None:
    sep = xlsx.TEXT_SEPARATOR
    assert xlsx.plain_texts(sep + sep.join(texts) + sep) is plain
