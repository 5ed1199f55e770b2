"""The results table printed at the end and the JSON written to ``results/latest.json``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class Measure:
    """One reported number, its ratio (when it has one) and its target."""

    id: str
    name: str
    value: float | None
    unit: str
    samples: list[float] = field(default_factory=list)
    ratio: float | None = None
    ratio_of: str = ""
    target: str = ""
    met: bool | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _fmt(value: float | None) -> str:
    if value is None:
        return "not run"
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def table(measures: list[Measure]) -> str:
    """A plain-text table: measure, median, unit, ratio, target, verdict."""
    head = ("id", "measure", "median", "unit", "ratio", "target", "met")
    rows = [head]
    for m in measures:
        verdict = "-" if m.met is None else ("yes" if m.met else "NO")
        ratio = "" if m.ratio is None else f"{m.ratio:.3g} ({m.ratio_of})"
        rows.append((m.id, m.name, _fmt(m.value), m.unit, ratio, m.target, verdict))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write(path: Path, machine: dict[str, Any], config: dict[str, Any], measures: list[Measure]) -> None:
    """Write the results file (the directory is created when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"machine": machine, "config": config, "measures": [asdict(m) for m in measures]}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def markdown(measures: list[Measure]) -> str:
    """The same table as Markdown (pasted into docs/performance.md)."""
    lines = ["| id | measure | median | unit | ratio | target | met |", "|---|---|---:|---|---|---|---|"]
    for m in measures:
        verdict = "–" if m.met is None else ("**yes**" if m.met else "**no**")
        ratio = "" if m.ratio is None else f"{m.ratio:.3g} ({m.ratio_of})"
        lines.append(f"| {m.id} | {m.name} | {_fmt(m.value)} | {m.unit} | {ratio} | {m.target} | {verdict} |")
    return "\n".join(lines) + "\n"
