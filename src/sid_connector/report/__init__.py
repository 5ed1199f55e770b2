"""The village data-quality report: a self-contained HTML file for the Kasi Pemerintahan, plus a CSV.

Input is plain data (``ReportData``) so the report does not depend on the rule engine's internals.
"""

from __future__ import annotations

from sid_connector.report.csv_export import write_csv
from sid_connector.report.model import ReportData, ReportFinding, ReportRule, RunPoint
from sid_connector.report.output import write_report
from sid_connector.report.render import render_html

__all__ = [
    "ReportData",
    "ReportFinding",
    "ReportRule",
    "RunPoint",
    "render_html",
    "write_csv",
    "write_report",
]
