"""The findings as CSV, one row per finding, for officials who work in a spreadsheet.

Cells are scrubbed of unmasked NIK/KK numbers and guarded against formula injection: a name or upstream
message starting with ``=`` must not run as a formula when the Kasi Pemerintahan opens the file in Excel.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sid_connector.privacy import scrub
from sid_connector.report.grouping import sorted_findings
from sid_connector.report.model import ReportData, ReportFinding

HEADER: tuple[str, ...] = (
    "rule", "severity", "entity", "record_id", "nama", "nik", "dusun", "rw", "rt",
    "message", "hint", "first_seen", "new",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object, *, unmasked: bool = False) -> str:
    """Text for one cell: None → '', 15–16 digit runs masked, a leading formula character neutralised by ``'``."""
    text = "" if value is None else str(value) if unmasked else scrub(str(value))
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def finding_row(finding: ReportFinding, data: ReportData) -> list[str]:
    """One CSV row; the rule's hint stands in when the finding carries none."""
    rule = data.rules.get(finding.rule)
    hint = finding.hint or (rule.hint if rule is not None else "")
    values: tuple[object, ...] = (
        finding.rule, finding.severity, finding.entity, finding.record_id, finding.nama, finding.nik_masked,
        finding.dusun, finding.rw, finding.rt, finding.message, hint, finding.first_seen,
        "1" if finding.is_new else "0",
    )  # fmt: skip
    return [safe_cell(value, unmasked=data.unmasked) for value in values]


def render_csv(data: ReportData) -> str:
    """The CSV text, in the same order as the HTML's detailed section."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(finding_row(finding, data) for finding in sorted_findings(data.findings))
    return buffer.getvalue()


def write_csv(data: ReportData, path: Path) -> None:
    """Write the CSV as UTF-8 with a BOM, which Excel needs to show names with non-ASCII letters correctly."""
    path.write_text(render_csv(data), encoding="utf-8-sig", newline="")
