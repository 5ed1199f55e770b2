"""Writing the report pair (HTML + CSV) to disk without leaving a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sid_connector.report.csv_export import render_csv
from sid_connector.report.model import ReportData
from sid_connector.report.render import render_html


def _atomic_write(path: Path, text: str, encoding: str) -> None:
    """Replace ``path`` in one step, so an official opening the report mid-run sees the old or new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_report(data: ReportData, html_path: Path) -> tuple[Path, Path]:
    """Write the HTML and, beside it with the same stem, the CSV; return (html_path, csv_path)."""
    html_path = Path(html_path)
    csv_path = html_path.with_suffix(".csv")
    if csv_path == html_path:
        raise ValueError(f"{html_path}: the HTML report needs a name that is not .csv (e.g. laporan.html)")
    _atomic_write(html_path, render_html(data), "utf-8")
    _atomic_write(csv_path, render_csv(data), "utf-8-sig")
    return html_path, csv_path
