"""Deterministic ordering and counting of findings, shared by the HTML and the CSV.

Both outputs must list findings in the same order so an official can move between them; RT/RW numbers sort
numerically ("2" before "10") because OpenSID stores them as text with or without leading zeros.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sid_connector.report.model import ReportFinding, ReportRule

SEVERITIES: tuple[str, ...] = ("ERROR", "WARNING", "INFO")

AreaKey = tuple[str | None, str | None, str | None]


def severity_rank(severity: str) -> int:
    """Errors first; an unknown severity sorts last rather than failing the whole report."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _text_key(value: str | None) -> tuple[int, str]:
    """Missing values last, then case-insensitive text."""
    return (1, "") if value is None or not value.strip() else (0, value.strip().casefold())


def _number_key(value: str | None) -> tuple[int, int, str]:
    """Missing last; digits by value; other text (e.g. '-') after numbers."""
    if value is None or not value.strip():
        return (2, 0, "")
    text = value.strip()
    return (0, int(text), text) if text.isdigit() else (1, 0, text.casefold())


def area_sort_key(area: AreaKey) -> tuple[object, ...]:
    """Order of (dusun, rw, rt) groups."""
    dusun, rw, rt = area
    return (_text_key(dusun), _number_key(rw), _number_key(rt))


def finding_sort_key(finding: ReportFinding) -> tuple[object, ...]:
    """Area, then severity, then rule, then person; record_key/message make ties impossible in practice."""
    return (
        area_sort_key(area_of(finding)),
        severity_rank(finding.severity),
        finding.rule,
        _text_key(finding.nama),
        finding.record_key,
        -1 if finding.record_id is None else finding.record_id,
        finding.message,
    )


def area_of(finding: ReportFinding) -> AreaKey:
    """The (dusun, rw, rt) a finding belongs to, blanks normalised to None."""
    return (_blank_to_none(finding.dusun), _blank_to_none(finding.rw), _blank_to_none(finding.rt))


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


def sorted_findings(findings: list[ReportFinding]) -> list[ReportFinding]:
    """Findings in report order."""
    return sorted(findings, key=finding_sort_key)


def severity_counts(findings: list[ReportFinding]) -> dict[str, int]:
    """Count per severity, every known severity present (0 included)."""
    counts = Counter(f.severity for f in findings)
    return {severity: counts.get(severity, 0) for severity in SEVERITIES}


def group_by_area(findings: list[ReportFinding]) -> list[tuple[AreaKey, list[ReportFinding]]]:
    """Sorted (area, findings) pairs; findings within an area keep report order."""
    groups: dict[AreaKey, list[ReportFinding]] = {}
    for finding in sorted_findings(findings):
        groups.setdefault(area_of(finding), []).append(finding)
    return sorted(groups.items(), key=lambda item: area_sort_key(item[0]))


def group_by_dusun(
    findings: list[ReportFinding],
) -> list[tuple[str | None, list[tuple[AreaKey, list[ReportFinding]]]]]:
    """Areas nested under their dusun, for the detailed section (dusun → RT)."""
    nested: dict[str | None, list[tuple[AreaKey, list[ReportFinding]]]] = {}
    for area, items in group_by_area(findings):
        nested.setdefault(area[0], []).append((area, items))
    return sorted(nested.items(), key=lambda item: _text_key(item[0]))


@dataclass(frozen=True)
class RuleCount:
    """One line of the per-rule table."""

    rule: ReportRule
    count: int


def rule_counts(findings: list[ReportFinding], rules: dict[str, ReportRule]) -> list[RuleCount]:
    """Rules that have findings, worst severity first, then most findings, then id.

    A finding whose rule is missing from the catalogue still gets a line (id as title, its own hint) so no
    finding silently disappears from the summary.
    """
    counts = Counter(f.rule for f in findings)
    fallback = {f.rule: f for f in sorted_findings(findings)}
    lines = []
    for rule_id, count in counts.items():
        rule = rules.get(rule_id)
        if rule is None:
            sample = fallback[rule_id]
            rule = ReportRule(id=rule_id, title=rule_id, severity=sample.severity, hint=sample.hint)
        lines.append(RuleCount(rule=rule, count=count))
    return sorted(lines, key=lambda line: (severity_rank(line.rule.severity), -line.count, line.rule.id))
