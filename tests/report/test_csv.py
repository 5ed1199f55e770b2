"""The CSV export: header, rows in report order, scrubbing and formula-injection guard."""

from __future__ import annotations

import csv
import re

import pytest

from sid_connector.report import write_csv
from sid_connector.report.csv_export import HEADER, safe_cell
from tests.report.factory import finding, sample_data


def read_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_header_and_one_row_per_finding_in_report_order(tmp_path):
    path = tmp_path / "laporan.csv"
    write_csv(sample_data(), path)
    rows = read_rows(path)
    assert rows[0] == [
        "rule", "severity", "entity", "record_id", "nama", "nik", "dusun", "rw", "rt",
        "message", "hint", "first_seen", "new",
    ]  # fmt: skip
    assert tuple(rows[0]) == HEADER
    assert len(rows) == 1 + len(sample_data().findings)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["rule"] == "NIK-FORMAT"
    assert first["nama"] == "Siti Aminah"
    assert first["nik"] == "3301********0001"
    assert first["dusun"] == "Krajan"
    assert first["new"] == "0"
    assert [row[6] for row in rows[1:]] == ["Krajan", "Krajan", "Sukamaju", "Sukamaju", ""]
    assert "Akta kelahiran kosong." in {row[9] for row in rows[1:]}
    assert {row[12] for row in rows[1:]} == {"0", "1"}


def test_file_starts_with_a_bom_for_excel(tmp_path):
    path = tmp_path / "laporan.csv"
    write_csv(sample_data(), path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfrule,")


def test_empty_report_writes_only_the_header(tmp_path):
    path = tmp_path / "kosong.csv"
    write_csv(sample_data(findings=[]), path)
    assert read_rows(path) == [list(HEADER)]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_injection_guard(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_ordinary_cells_are_untouched():
    assert safe_cell("Siti") == "Siti"
    assert safe_cell(None) == ""
    assert safe_cell(12) == "12"


def test_hostile_and_leaky_cells_in_the_file(tmp_path):
    path = tmp_path / "laporan.csv"
    item = finding(nama='=cmd|"/c calc"!A1', message="@SUM(1) NIK 3301021507900001", nik_masked="3301021507900001")
    write_csv(sample_data(findings=[item]), path)
    row = read_rows(path)[1]
    assert row[4] == '\'=cmd|"/c calc"!A1'
    assert row[9] == "'@SUM(1) NIK 3301********0001"
    assert row[5] == "3301********0001"
    assert not re.search(r"(?<!\d)\d{15,16}(?!\d)", path.read_text(encoding="utf-8-sig"))
