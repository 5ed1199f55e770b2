"""Plain input records for the data-quality report.

The report takes these instead of the rule engine's own types so that either side can change without the
other; whoever builds them (an adapter over the engine and the store) owns the privacy contract below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportFinding:
    """One open finding, already fit for the Kasi Pemerintahan's eyes.

    Contract for the producer (RULES.md §10): ``nik_masked`` is ``mask_id()`` output; ``nama`` is None for a
    person under 18 on ``ref_date`` and for aggregate-only rules (NIK-VS-DOMICILE); ``message`` carries no
    PDP-SPECIFIC-FIELDS value. The report still scrubs any 15–16 digit run as a second line of defence.
    """

    rule: str
    severity: str  # "ERROR" | "WARNING" | "INFO"
    entity: str
    record_key: str
    record_id: int | None
    nama: str | None
    nik_masked: str | None
    dusun: str | None
    rw: str | None
    rt: str | None
    message: str
    hint: str
    first_seen: str  # ISO date
    is_new: bool


@dataclass(frozen=True)
class ReportRule:
    """The catalogue entry a finding points to: its title and the operator's one-line fix hint."""

    id: str
    title: str
    severity: str
    hint: str


@dataclass(frozen=True)
class RunPoint:
    """Finding counts of one earlier validation run; the trend is a list of these, oldest first."""

    run_id: int
    at: str
    errors: int
    warnings: int
    infos: int


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows.

    ``totals`` holds ``penduduk``/``keluarga``/``wilayah`` counts. ``trend`` holds *previous* runs only: the
    report adds the current run (counted from ``findings``) as the last point, so the two are never mixed.
    """

    village_name: str
    kode_desa: str
    generated_at: str
    ref_date: str
    totals: dict[str, int]
    findings: list[ReportFinding]
    rules: dict[str, ReportRule]
    trend: list[RunPoint]
    resolved_since_last: int
    lang: str = "id"
    unmasked: bool = False  # the operator asked for full NIK/KK (``report --unmasked``): no scrubbing
