"""Inline stylesheet: readable on screen, and on A4 paper with table headers repeated on every page."""

from __future__ import annotations

CSS = """
@page { size: A4; margin: 15mm 12mm 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #1b1b1b;
  margin: 0 auto; max-width: 1100px; padding: 16px; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 4px; }
h2 { font-size: 13pt; margin: 22px 0 8px; border-bottom: 2px solid #333; padding-bottom: 2px; }
h3 { font-size: 11.5pt; margin: 16px 0 6px; }
h4 { font-size: 10.5pt; margin: 10px 0 4px; color: #333; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
.meta { margin: 0; color: #333; }
.confidential { border: 1px solid #b3261e; color: #b3261e; padding: 4px 8px; margin: 8px 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; page-break-inside: auto; }
thead { display: table-header-group; }
tfoot { display: table-footer-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.subtotal td, tr.total td, tr.current td { font-weight: 600; background: #f6f6f6; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; }
.card { border: 1px solid #999; padding: 6px 10px; min-width: 120px; }
.card .value { font-size: 15pt; font-weight: 700; display: block; }
.badge { display: inline-block; padding: 0 5px; border-radius: 3px; color: #fff; font-size: 8.5pt;
  font-weight: 700; white-space: nowrap; }
.sev-ERROR { background: #b3261e; }
.sev-WARNING { background: #b26a00; }
.sev-INFO { background: #1f5fa8; }
.sev-other { background: #555; }
.new { color: #b3261e; font-weight: 700; font-size: 8.5pt; }
.nik { font-family: "DejaVu Sans Mono", Consolas, monospace; white-space: nowrap; }
.hint { color: #0b4f2a; }
svg.trend { max-width: 100%; height: auto; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 10px; }
section.dusun { break-before: auto; }
footer { margin-top: 24px; font-size: 8.5pt; color: #555; }
@media print {
  body { padding: 0; max-width: none; font-size: 9.5pt; }
  .badge, .legend span, th, tr.subtotal td, tr.total td {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.dusun + section.dusun { break-before: page; page-break-before: always; }
}
"""
