"""Packaging: exact columns, OpenSID-style values, local validation, 5120 KB limit and minimal ZIP count."""

from __future__ import annotations

import io
import itertools
import math
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from opendk_factory import DESA_ID, many_residents, residents

from sid_connector.models import Penduduk
from sid_connector_opendk import xlsx
from sid_connector_opendk.packaging import (
    COLUMNS,
    LIMIT_BYTES,
    XLSX_NAME,
    PackagingError,
    build_zips,
    validate_zip,
)
from sid_connector_opendk.simulator.importer import READ_COLUMNS

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "OPENDK_API.md"


def sheet(zip_bytes: bytes) -> list[tuple]:
    outer = zipfile.ZipFile(io.BytesIO(zip_bytes))
    book = openpyxl.load_workbook(io.BytesIO(outer.read(XLSX_NAME)), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def contract_columns() -> set[str]:
    text = CONTRACT.read_text(encoding="utf-8")
    table = text.split("| OpenDK column | OpenSID source")[1].split("\n\n")[0]
    names: set[str] = set()
    for line in table.splitlines()[2:]:
        first_cell = line.split("|")[1]
        names.update(re.findall(r"`([a-z_]+)`", first_cell))
    return names


def test_limit_is_5120_kibibytes() -> None:
    assert LIMIT_BYTES == 5120 * 1024 == 5_242_880


def test_columns_are_exactly_what_opendk_reads() -> None:
    assert len(COLUMNS) == len(set(COLUMNS)) == 41
    assert set(COLUMNS) == set(READ_COLUMNS)
    if CONTRACT.exists():
        assert set(COLUMNS) == contract_columns()
    assert "ktp_el" not in COLUMNS  # OpenSID sends it, OpenDK ignores it


def test_values_as_opensid_writes_them() -> None:
    person = Penduduk.model_validate(
        {
            "id": 4, "nama": "AHMAD ALLIF RIZKI", "nik": "5201140706966997", "no_kk": "5201140104126994",
            "sex": "LAKI-LAKI", "tempatlahir": "MANGSIT", "tanggallahir": "07-06-1995", "agama_id": "Islam",
            "pendidikan_kk_id": 1, "pendidikan_sedang_id": 18, "pekerjaan_id": 1, "status_kawin": 1,
            "kk_level": 4, "warganegara_id": 1, "nama_ayah": "AHLUL", "nama_ibu": "RUSDAH & <X>",
            "golongan_darah_id": 13, "status_dasar": 1, "dusun": "MANGSIT", "rw": "", "rt": "004",
            "tanggal_akhir_paspor": "2030-01-31", "created_at": "2026-11-28 05:21:53",
            "updated_at": "2026-11-27 22:21:53",
        }
    )  # fmt: skip
    rows = sheet(next(build_zips([person], "5201142005")).data)
    assert rows[0] == COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == "4"
    assert row["nomor_nik"] == "5201140706966997"
    assert row["jenis_kelamin"] == "1"
    assert row["agama"] == "1"
    assert row["tanggal_lahir"] == "1995-06-07"  # Y-m-d
    assert row["tanggal_akhir_pasport"] == "2030-01-31"  # OpenSID's own export loses this one
    assert (row["dusun"], row["rw"], row["rt"]) == ("MANGSIT", "-", "004")
    assert row["nama_ibu"] == "RUSDAH & <X>"  # escaped in XML, intact when read
    assert row["created_at"] == "2026-11-28 05:21:53"
    assert row["desa_id"] == "52.01.14.2005"
    assert row["hamil"] is None
    assert row["foto"] is None


def test_every_row_carries_desa_id_and_empty_area_is_dash() -> None:
    rows = sheet(next(build_zips(residents(50), DESA_ID)).data)
    header = rows[0]
    for values in rows[1:]:
        row = dict(zip(header, values, strict=True))
        assert row["desa_id"] == DESA_ID
        assert row["dusun"]
        assert row["rw"]
        assert row["rt"]


def test_resident_without_id_refused() -> None:
    with pytest.raises(PackagingError):
        list(build_zips([Penduduk(nama="X")], DESA_ID))


def test_desa_id_any_spelling_bad_refused() -> None:
    part = next(build_zips(residents(1), "5306132001"))
    assert sheet(part.data)[1][-1] == "53.06.13.2001"
    with pytest.raises(PackagingError):
        list(build_zips(residents(1), "530613200"))


def _rezip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _workbook(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_validate_accepts_other_writers() -> None:
    data = _rezip({"a.xlsx": _workbook([list(COLUMNS), [DESA_ID if c == "desa_id" else "7" for c in COLUMNS]])})
    assert validate_zip(data, DESA_ID).rows == 1


@pytest.mark.parametrize(
    ("entries", "needle"),
    [
        ({"a.xlsx": b"x", "b.xlsx": b"y"}, "tepat satu"),
        ({"foto.jpg": b"x"}, "tepat satu"),
        ({"a.xlsx": _workbook([[c for c in COLUMNS if c != "status_dasar"]])}, "status_dasar"),
        (
            {"a.xlsx": _workbook([list(COLUMNS), ["53.06.13.2002" if c == "desa_id" else "1" for c in COLUMNS]])},
            "desa_id",
        ),
        ({"a.xlsx": _workbook([list(COLUMNS), [DESA_ID if c == "desa_id" else "" for c in COLUMNS]])}, "id"),
        ({"a.xlsx": _workbook([list(COLUMNS)])}, "tidak ada baris"),
        ({"a.xlsx": b"not a workbook"}, "rusak"),
    ],
)
def test_validate_rejects(entries, needle) -> None:
    with pytest.raises(PackagingError) as info:
        validate_zip(_rezip(entries), DESA_ID)
    assert needle in str(info.value)


def test_validate_rejects_oversize() -> None:
    part = next(build_zips(residents(200), DESA_ID))
    with pytest.raises(PackagingError):
        validate_zip(part.data, DESA_ID, limit=len(part.data) - 1)
    assert validate_zip(part.data, DESA_ID, limit=len(part.data)).rows == 200  # equality is allowed


def _assert_minimal(people: list[Penduduk], parts: list, limit: int) -> None:
    """Every ZIP but the last is full: adding the next resident would break the limit.

    With rows kept in order, "each part takes the longest prefix that fits" is optimal, so the count is
    the minimum; and since every part is full to within one row, it equals ceil(total bytes / limit).
    """
    assert all(len(p) <= limit for p in parts)
    by_id = {p.id: p for p in people}
    assert [i for p in parts for i in p.ids] == [p.id for p in people]
    for part, following in itertools.pairwise(parts):
        grown = list(build_zips([by_id[i] for i in (*part.ids, following.ids[0])], DESA_ID, limit=10**9))
        assert len(grown) == 1
        assert len(grown[0]) > limit
        assert len(grown[0]) == part.next_size  # the packer's own measure is exact
    assert len(parts) == math.ceil(sum(len(p) for p in parts) / limit)


def test_small_limit_many_zips_minimal() -> None:
    people = list(residents(3000, seed=11))
    limit = 48 * 1024
    parts = list(build_zips(people, DESA_ID, limit=limit))
    assert len(parts) > 5
    _assert_minimal(people, parts, limit)
    for part in parts[:2]:
        assert validate_zip(part.data, DESA_ID, limit=limit).rows == part.rows


def test_100k_residents(capsys) -> None:
    started = time.perf_counter()
    parts = list(build_zips(many_residents(100_000), DESA_ID))  # streamed: no list of 100k rows
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n100,000 penduduk → {len(parts)} ZIP in {elapsed:.1f} s ({100_000 / elapsed:,.0f} rows/s); "
              f"sizes {[len(p) for p in parts]}")  # fmt: skip
    assert sum(p.rows for p in parts) == 100_000
    assert [i for p in parts for i in p.ids] == list(range(1, 100_001))
    assert len(parts) >= 2
    assert all(len(p) <= LIMIT_BYTES for p in parts)
    # Minimal: each ZIP but the last was closed because the next resident, measured exactly, overflowed;
    # the independent re-pack of every boundary is done in test_small_limit_many_zips_minimal.
    assert all(p.next_size is not None and p.next_size > LIMIT_BYTES for p in parts[:-1])
    assert parts[-1].next_size is None
    assert len(parts) == math.ceil(sum(len(p) for p in parts) / LIMIT_BYTES)
    assert validate_zip(parts[0].data, DESA_ID).rows == parts[0].rows


def test_sheet_xml_is_well_formed_with_odd_text() -> None:
    odd = Penduduk(id=9, nama="A\x01B <&> \"C\" 'D'", alamat="JL. \u00c9COLE")
    rows = sheet(next(build_zips([odd], DESA_ID)).data)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["nama"] == "AB <&> \"C\" 'D'"
    assert row["alamat"] == "JL. \u00c9COLE"


def test_column_letters() -> None:
    assert xlsx.column_letters(28)[-3:] == ["Z", "AA", "AB"]
    assert xlsx.column_letters(41)[-1] == "AO"
