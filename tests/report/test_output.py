"""write_report: the HTML and its CSV twin land side by side."""

from __future__ import annotations

import pytest

from sid_connector.report import render_html, write_report
from tests.report.factory import sample_data


def test_writes_html_and_csv_with_the_same_stem(tmp_path):
    html_path, csv_path = write_report(sample_data(), tmp_path / "out" / "laporan-2026-11-27.html")
    assert html_path == tmp_path / "out" / "laporan-2026-11-27.html"
    assert csv_path == tmp_path / "out" / "laporan-2026-11-27.csv"
    assert html_path.read_text(encoding="utf-8") == render_html(sample_data())
    assert csv_path.read_text(encoding="utf-8-sig").startswith("rule,severity,")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [csv_path.name, html_path.name]  # no temp left


def test_refuses_a_csv_name_for_the_html(tmp_path):
    with pytest.raises(ValueError, match=r"laporan\.html"):
        write_report(sample_data(), tmp_path / "laporan.csv")
