"""The self-contained HTML report: one file, inline CSS and SVG only, printable on A4, every value escaped.

Sections follow what the Kasi Pemerintahan needs in order: how bad (summary), getting better or worse (trend),
where (dusun/RT), what kind (rule + fix hint), and finally which records.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from sid_connector.privacy import scrub
from sid_connector.report.chart import COLOURS, trend_svg
from sid_connector.report.grouping import (
    SEVERITIES,
    AreaKey,
    group_by_dusun,
    rule_counts,
    severity_counts,
)
from sid_connector.report.labels import label
from sid_connector.report.model import ReportData, ReportFinding, RunPoint
from sid_connector.report.style import CSS
from sid_connector.wilayah.codes import normalise_code

Label = Callable[[str], str]
_TOTAL_KEYS: tuple[str, ...] = ("penduduk", "keluarga", "wilayah")
TREND_RUNS = 12


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document, scrubbed of any unmasked 15–16 digit number."""
    lang = "en" if data.lang == "en" else "id"

    def t(key: str) -> str:
        return label(key, lang)

    body = "\n".join(
        (
            _header(data, t),
            _summary(data, t),
            _trend(data, t),
            _by_area(data, t),
            _by_rule(data, t),
            _details(data, t),
            f"<footer><p>{escape(t('footer'))}</p></footer>",
        )
    )
    title = f"{t('title')} — {data.village_name}"
    document = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return document if data.unmasked else scrub(document)


def dotted_kode(kode_desa: str) -> str:
    """Kemendagri dotted form (33.01.02.2001); a malformed code is shown as given, since that is itself a finding."""
    try:
        return normalise_code(kode_desa)
    except (ValueError, TypeError):
        return kode_desa


def _header(data: ReportData, t: Label) -> str:
    return (
        "<header>\n"
        f"<h1>{escape(t('title'))}: {escape(data.village_name)}</h1>\n"
        f'<p class="meta">{escape(t("kode_desa"))}: <strong>{escape(dotted_kode(data.kode_desa))}</strong> · '
        f"{escape(t('generated_at'))}: {escape(data.generated_at)} · "
        f"{escape(t('ref_date'))}: <strong>{escape(data.ref_date)}</strong></p>\n"
        f'<p class="confidential">{escape(t("confidential"))}</p>\n'
        "</header>"
    )


def _card(caption: str, value: int | str, css: str = "") -> str:
    classes = f"card {css}" if css else "card"
    return f'<div class="{classes}">{escape(caption)}<span class="value">{escape(str(value))}</span></div>'


def _badge(severity: str, t: Label) -> str:
    css = f"sev-{severity}" if severity in SEVERITIES else "sev-other"
    text = t(severity) if severity in SEVERITIES else severity
    return f'<span class="badge {css}">{escape(text)}</span>'


def _summary(data: ReportData, t: Label) -> str:
    totals = [_card(t(key), data.totals.get(key, 0)) for key in _TOTAL_KEYS]
    totals += [_card(key, value) for key, value in sorted(data.totals.items()) if key not in _TOTAL_KEYS]
    counts = severity_counts(data.findings)
    findings = [_card(f"{t('open_findings')}: {t(sev)}", counts[sev], f"card-{sev}") for sev in SEVERITIES]
    findings.append(_card(t("new_since_last"), sum(1 for f in data.findings if f.is_new)))
    findings.append(_card(t("resolved_since_last"), data.resolved_since_last))
    return (
        f'<section id="summary">\n<h2>{escape(t("summary"))}</h2>\n'
        f'<div class="cards">{"".join(totals)}</div>\n'
        f'<div class="cards" style="margin-top:8px">{"".join(findings)}</div>\n'
        "</section>"
    )


def _table(head: list[str], rows: list[str], numeric: set[int] | None = None, foot: str = "") -> str:
    """A table whose header repeats on every printed page; ``rows`` are ready-made ``<tr>`` strings."""
    numeric = numeric or set()
    cells = "".join(
        f'<th class="num">{escape(h)}</th>' if i in numeric else f"<th>{escape(h)}</th>" for i, h in enumerate(head)
    )
    tfoot = f"<tfoot>{foot}</tfoot>" if foot else ""
    return f"<table>\n<thead><tr>{cells}</tr></thead>\n{tfoot}<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def _num(value: int) -> str:
    return f'<td class="num">{value}</td>'


def _trend(data: ReportData, t: Label) -> str:
    """The last TREND_RUNS previous runs plus this one, so a long history still fits one A4 width."""
    heading = f'<section id="trend">\n<h2>{escape(t("trend"))}</h2>\n'
    if not data.trend:
        return heading + f"<p>{escape(t('no_trend'))}</p>\n</section>"
    counts = severity_counts(data.findings)
    current = RunPoint(-1, data.generated_at, counts["ERROR"], counts["WARNING"], counts["INFO"])
    previous = data.trend[-TREND_RUNS:]
    rows = [_trend_row(point, t) for point in [*previous, current]]
    head = [t("run"), t("at"), t("ERROR"), t("WARNING"), t("INFO"), t("total")]
    legend = "".join(
        f'<span style="background:{COLOURS[key]}"></span>{escape(t(sev))}'
        for key, sev in (("errors", "ERROR"), ("warnings", "WARNING"), ("infos", "INFO"))
    )
    names = {"errors": t("ERROR"), "warnings": t("WARNING"), "infos": t("INFO")}
    note = ""
    if len(data.trend) > len(previous):
        note = f"<p>{escape(t('trend_note').format(shown=len(previous), total=len(data.trend)))}</p>\n"
    return (
        heading
        + f"<figure>{trend_svg([*previous, current], t('trend_chart'), names)}"
        + f'<figcaption class="legend">{escape(t("trend_chart"))}: {legend}</figcaption></figure>\n'
        + note
        + _table(head, rows, numeric={2, 3, 4, 5})
        + "\n</section>"
    )


def _trend_row(point: RunPoint, t: Label) -> str:
    """A stored run shows its number; the current run (negative id) is labelled and highlighted."""
    is_current = point.run_id < 0
    name = t("current") if is_current else f"#{point.run_id}"
    css = ' class="current"' if is_current else ""
    return (
        f"<tr{css}><td>{escape(name)}</td><td>{escape(point.at)}</td>{_num(point.errors)}{_num(point.warnings)}"
        f"{_num(point.infos)}{_num(point.errors + point.warnings + point.infos)}</tr>"
    )


def _area_cells(area: AreaKey, t: Label) -> str:
    dusun, rw, rt = area
    return f"<td>{escape(dusun or t('no_dusun'))}</td><td>{escape(rw or '—')}</td><td>{escape(rt or '—')}</td>"


def _count_cells(findings: list[ReportFinding]) -> str:
    counts = severity_counts(findings)
    return "".join(_num(counts[sev]) for sev in SEVERITIES) + _num(len(findings))


def _by_area(data: ReportData, t: Label) -> str:
    """Counts per RT with a subtotal per dusun, so each Kepala Dusun sees their share at a glance.

    Counts are not suppressed (PDP-AGGREGATE-SUPPRESS): this is a confidential working document whose detail
    section names every record anyway; it is not an open aggregate publication.
    """
    rows: list[str] = []
    for dusun, areas in group_by_dusun(data.findings):
        for area, items in areas:
            rows.append(f"<tr>{_area_cells(area, t)}{_count_cells(items)}</tr>")
        dusun_items = [f for _, items in areas for f in items]
        rows.append(
            f'<tr class="subtotal"><td colspan="3">{escape(t("dusun_total"))}: {escape(dusun or t("no_dusun"))}</td>'
            f"{_count_cells(dusun_items)}</tr>"
        )
    foot = f'<tr class="total"><td colspan="3">{escape(t("total"))}</td>{_count_cells(data.findings)}</tr>'
    head = [t("dusun"), t("rw"), t("rt"), t("ERROR"), t("WARNING"), t("INFO"), t("total")]
    content = _table(head, rows, {3, 4, 5, 6}, foot) if rows else f"<p>{escape(t('no_findings'))}</p>"
    return f'<section id="by-area">\n<h2>{escape(t("by_area"))}</h2>\n{content}\n</section>'


def _by_rule(data: ReportData, t: Label) -> str:
    rows = [
        f"<tr><td><code>{escape(line.rule.id)}</code></td><td>{escape(line.rule.title)}</td>"
        f"<td>{_badge(line.rule.severity, t)}</td>{_num(line.count)}"
        f'<td class="hint">{escape(line.rule.hint)}</td></tr>'
        for line in rule_counts(data.findings, data.rules)
    ]
    head = [t("rule"), t("rule_title"), t("severity"), t("count"), t("hint")]
    content = _table(head, rows, {3}) if rows else f"<p>{escape(t('no_findings'))}</p>"
    return f'<section id="by-rule">\n<h2>{escape(t("by_rule"))}</h2>\n{content}\n</section>'


def _finding_row(number: int, finding: ReportFinding, data: ReportData, t: Label) -> str:
    rule = data.rules.get(finding.rule)
    title = f"<br>{escape(rule.title)}" if rule is not None and rule.title != finding.rule else ""
    hint = finding.hint or (rule.hint if rule is not None else "")
    record = escape(finding.entity) + (f" #{finding.record_id}" if finding.record_id is not None else "")
    new = f' <span class="new">{escape(t("new"))}</span>' if finding.is_new else ""
    return (
        f"<tr>{_num(number)}<td>{_badge(finding.severity, t)}</td>"
        f"<td><code>{escape(finding.rule)}</code>{title}</td><td>{record}</td>"
        f'<td>{escape(finding.nama or "—")}</td><td class="nik">{escape(finding.nik_masked or "—")}</td>'
        f'<td>{escape(finding.message)}</td><td class="hint">{escape(hint)}</td>'
        f"<td>{escape(finding.first_seen)}{new}</td></tr>"
    )


def _details(data: ReportData, t: Label) -> str:
    parts = [f'<section id="details">\n<h2>{escape(t("details"))}</h2>']
    if not data.findings:
        parts.append(f"<p>{escape(t('no_findings'))}</p>")
    head = [t("no"), t("severity"), t("rule"), t("record"), t("nama"), t("nik"), t("message"), t("hint"), t("since")]
    number = 0
    for dusun, areas in group_by_dusun(data.findings):
        heading = f"{t('dusun')} {dusun}" if dusun else t("no_dusun")
        parts.append(f'<section class="dusun">\n<h3>{escape(heading)}</h3>')
        for (_, rw, rt), items in areas:
            place = f"{t('rt')} {rt or '—'}" + (f" / {t('rw')} {rw}" if rw else "")
            rows = []
            for finding in items:
                number += 1
                rows.append(_finding_row(number, finding, data, t))
            parts.append(f"<h4>{escape(place)}</h4>\n" + _table(head, rows, {0}))
        parts.append("</section>")
    parts.append("</section>")
    return "\n".join(parts)
