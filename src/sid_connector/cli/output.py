"""Terminal output: summaries as tables, progress bars on long work, masked numbers everywhere.

Progress bars go to stderr and only when it is a terminal, so cron mail and pipes stay clean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from sid_connector.i18n import t
from sid_connector.privacy import scrub
from sid_connector.sources import VillageRef
from sid_connector.sync.engine import ProgressCallback

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def echo_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def error(message: str) -> None:
    err_console.print(f"[bold red]{scrub(message)}[/]")


@contextmanager
def pull_progress() -> Iterator[Any]:
    """Yields a factory ``village → progress callback`` (or ``None`` when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as progress:
        tasks: dict[tuple[str, str], Any] = {}

        def for_village(village: VillageRef) -> ProgressCallback:
            def advance(entity: str, done: int, expected: int | None) -> None:
                key = (village.kode_desa, entity)
                if key not in tasks:
                    tasks[key] = progress.add_task(f"{village.kode_desa} {entity}", total=expected)
                elif expected is not None:
                    progress.update(tasks[key], total=expected)
                progress.advance(tasks[key], done)

            return advance

        yield for_village


def stage_status(name: str) -> Any:
    """A spinner naming the stage under way (rules, push, notify), on a terminal only."""
    if not sys.stderr.isatty():
        return nullcontext()
    return err_console.status(t(f"stage.{name}"))


def print_summary(summary: dict[str, Any]) -> None:
    console.print(f"[bold]{t('run.summary', run_id=summary.get('run_id'), status=summary.get('status'))}[/]")
    for code, village in summary.get("villages", {}).items():
        name = village.get("nama_desa") or ""
        console.print(f"Desa {name} ({code})")
        if village.get("resumed"):
            console.print(t("run.resumed"))
        table = Table(show_header=True, header_style="bold")
        for column in ("table.entity", "table.new", "table.changed", "table.deleted"):
            table.add_column(t(column), justify="left" if column == "table.entity" else "right")
        for entity, counts in sorted(village.get("changes", {}).items()):
            table.add_row(
                entity, str(counts.get("new", 0)), str(counts.get("changed", 0)), str(counts.get("deleted", 0))
            )
        console.print(table)
        if village.get("read"):
            read = ", ".join(f"{k}={v}" for k, v in sorted(village["read"].items()))
            console.print(t("summary.read", read=read))
        quarantined = village.get("quarantined", 0)
        if quarantined:
            console.print(f"[yellow]{t('summary.quarantined', count=quarantined)}[/]")
            for row in village.get("quarantine", [])[:20]:
                console.print(scrub(f"  - {row['entity']} {row['ref']}: {row['field']} — {row['reason']}"))
            if quarantined > 20:
                console.print(t("summary.more", count=quarantined - 20))
    for sink, villages in summary.get("sinks", {}).items():
        for code, report in villages.items():
            sent = ", ".join(f"{k}={v}" for k, v in sorted(report.get("sent", {}).items())) or "-"
            console.print(t("push.line", sink=sink, village=code, sent=sent, pending=report.get("pending", 0)))
            if report.get("error"):
                error(report["error"])
            for mismatch in report.get("mismatches", []):
                console.print(f"[yellow]{scrub(mismatch)}[/]")
    notified = summary.get("notify")
    if notified and any(notified.get(key) for key in ("queued", "sent", "pending", "failed")):
        console.print(
            t("summary.notify", **{key: notified.get(key, 0) for key in ("queued", "sent", "pending", "failed")})
        )
    findings = summary.get("findings")
    if findings:
        console.print(
            t(
                "summary.findings",
                errors=findings.get("ERROR", 0),
                warnings=findings.get("WARNING", 0),
                infos=findings.get("INFO", 0),
                new=findings.get("new", 0),
                resolved=findings.get("resolved", 0),
            )
        )
    if summary.get("error"):
        error(summary["error"])
