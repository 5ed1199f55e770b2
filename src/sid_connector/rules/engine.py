"""Running rule packs over one village: settings, collection of packs, and the report.

A rule that raises must not hide the others' findings, so each rule runs in isolation and a failure is
reported as an engine error for that rule. Findings are sorted deterministically so reports and stored
finding sets compare equal between runs.
"""

from __future__ import annotations

import gc
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sid_connector.privacy import scrub
from sid_connector.registrations import RulePack
from sid_connector.rules.model import Finding, Rule, RuleContext, Severity
from sid_connector.village import VillageData


class RuleSettings(BaseModel):
    """Per-village rule configuration (``[rules]`` in the config file)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    disabled: set[str] = Field(default_factory=set)
    severity: dict[str, Severity] = Field(default_factory=dict)
    ref_date: date | None = None


class DuplicateRuleError(ValueError):
    """Two packs (or one pack twice) define the same rule id; ids must be globally unique."""


@dataclass(frozen=True, slots=True)
class RuleError:
    """A rule that raised: its findings are missing from this run, the others are complete."""

    rule_id: str
    error: str


@dataclass(slots=True)
class RuleReport:
    """The outcome of one run of the rules over one village."""

    kode_desa: str
    ref_date: date
    findings: list[Finding] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    rules_run: int = 0

    @property
    def by_severity(self) -> dict[str, int]:
        """Finding count per severity, every severity present (0 included)."""
        counts = Counter(f.severity for f in self.findings)
        return {s.value: counts.get(s, 0) for s in Severity}

    @property
    def by_rule(self) -> dict[str, int]:
        """Finding count per rule id, sorted by id."""
        return dict(sorted(Counter(f.rule_id for f in self.findings).items()))

    def summary(self) -> dict[str, Any]:
        """Plain-JSON summary for reports and ``status --json``."""
        return {
            "kode_desa": self.kode_desa,
            "ref_date": self.ref_date.isoformat(),
            "rules_run": self.rules_run,
            "total": len(self.findings),
            "by_severity": self.by_severity,
            "by_rule": self.by_rule,
            "errors": [{"rule": e.rule_id, "error": e.error} for e in self.errors],
        }


def collect_rules(packs: Sequence[RulePack]) -> list[Rule]:
    """All rules of all packs, in pack order; a repeated id is an error naming both packs."""
    seen: dict[str, str] = {}
    rules: list[Rule] = []
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                raise DuplicateRuleError(
                    f"rule id {rule.id!r} is defined by both pack {seen[rule.id]!r} and pack {pack.name!r}"
                )
            seen[rule.id] = pack.name
            rules.append(rule)
    return rules


_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple[Any, ...]:
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def sort_key(finding: Finding) -> tuple[Any, ...]:
    """Worst first, then by rule, entity and record (``"9"`` before ``"10"``)."""
    return (finding.severity.rank, finding.rule_id, finding.entity, _natural(finding.record_key), finding.message)


def run_rules(
    village: VillageData,
    rules: Sequence[Rule],
    settings: RuleSettings | None = None,
    *,
    tables: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    other_villages: Sequence[VillageData] = (),
    options: Mapping[str, Any] | None = None,
) -> RuleReport:
    """Run every enabled rule over ``village`` and return the sorted findings with counts and timings.

    ``tables`` carries OpenSID tables that are not part of :class:`VillageData` (``tweb_rtm``,
    ``tweb_desa_pamong``, ``ref_jabatan``, ``program``, ``program_peserta``); rules needing one that is absent
    stay silent. ``other_villages`` is for the rules that span villages (KK-ONE-PER-PERSON).
    """
    settings = settings or RuleSettings()
    ctx = RuleContext(village, settings.ref_date, tables=tables, other_villages=other_villages, options=options)
    report = RuleReport(kode_desa=village.kode_desa, ref_date=ctx.ref_date)
    if not settings.enabled:
        return report
    findings: list[Finding] = []
    # The village is a large, long-lived object graph: pausing the cyclic GC avoids repeated full scans of
    # it while rules allocate short-lived tuples (rules create no reference cycles). Restored afterwards.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _run_each(rules, village, ctx, settings, report, findings)
    finally:
        if gc_was_enabled:
            gc.enable()
    findings.sort(key=sort_key)
    report.findings = findings
    return report


def _run_each(
    rules: Sequence[Rule],
    village: VillageData,
    ctx: RuleContext,
    settings: RuleSettings,
    report: RuleReport,
    findings: list[Finding],
) -> None:
    for rule in rules:
        if rule.id in settings.disabled:
            continue
        override = settings.severity.get(rule.id)
        started = time.perf_counter()
        try:
            produced = list(rule.check(village, ctx))
        except Exception as exc:  # a broken rule must not hide the others
            report.errors.append(RuleError(rule.id, scrub(f"{type(exc).__name__}: {exc}")))
            produced = []
        report.timings[rule.id] = time.perf_counter() - started
        report.rules_run += 1
        if override is not None:
            produced = [replace(f, severity=override) if f.severity != override else f for f in produced]
        findings.extend(produced)
