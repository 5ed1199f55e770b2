"""``check`` and ``report``: what is wrong in the village's data, for the terminal, scripts and officials."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from sid_connector.cli.context import AppContext
from sid_connector.cli.output import console, err_console
from sid_connector.exit_codes import ExitCode
from sid_connector.i18n import language, t
from sid_connector.privacy import scrub
from sid_connector.rules import collect_rules
from sid_connector.rules.render import finding_row
from sid_connector.store import RunLock, Store
from sid_connector.sync.validation import VillageValidation, reference_date, rule_settings, validate_village

pass_app = click.make_pass_decorator(AppContext)
JSON_KEYS = ("rule", "severity", "entity", "record_id", "dusun", "rt", "message", "hint")


def _validate_all(app: AppContext, command: str) -> tuple[list[VillageValidation], int]:
    """Run the rules over every village in the store as one run (remembered like any other)."""
    config = app.config
    settings = rule_settings(config)
    with RunLock(config.store_path), Store.open(config.store_path) as store:
        run_id = store.start_run(command)
        results = [validate_village(store, app.host, code, run_id, settings) for code in store.villages()]
        totals: dict[str, Any] = {"ERROR": 0, "WARNING": 0, "INFO": 0, "new": 0, "resolved": 0}
        for result in results:
            for key, value in result.summary().items():
                if key in totals:
                    totals[key] += value
        status = "problems" if totals["ERROR"] else "ok"
        store.finish_run(run_id, status, {"findings": totals, "changes": {}, "quarantined": 0})
    return results, run_id


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@pass_app
def check(app: AppContext, fmt: str) -> None:
    """Jalankan aturan validasi atas data lokal (exit 1 bila ada temuan ERROR)."""
    results, _ = _validate_all(app, "check")
    lang = language()
    rows = []
    for result in results:
        for finding in result.report.findings:
            row = finding_row(finding, lang=lang)
            rows.append({"village": result.village, **{key: row[key] for key in JSON_KEYS}, "rw": row["rw"]})
    totals = {"ERROR": 0, "WARNING": 0, "INFO": 0}
    for row in rows:
        totals[row["severity"]] = totals.get(row["severity"], 0) + 1
    summary = {
        "total": len(rows),
        "by_severity": totals,
        "rules": len({row["rule"] for row in rows}),
        "villages": {r.village: r.summary() for r in results},
    }
    if fmt == "json":
        click.echo(scrub(json.dumps({"findings": rows, "summary": summary}, ensure_ascii=False, indent=2)))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["village", *JSON_KEYS, "rw"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(scrub(buffer.getvalue()), nl=False)
    else:
        table = Table(show_header=True, header_style="bold", show_lines=False)
        for column in ("severity", "rule", "dusun", "rt", "message"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["severity"], row["rule"], row["dusun"] or "", row["rt"] or "", scrub(row["message"]))
        console.print(table)
        console.print(t("check.summary", errors=totals["ERROR"], warnings=totals["WARNING"], infos=totals["INFO"]))
    if totals["ERROR"]:
        raise SystemExit(int(ExitCode.PROBLEMS))


@click.command()
@click.option(
    "--out", "out", default=None, type=click.Path(dir_okay=False), help="Berkas HTML (CSV ditulis di sebelahnya)."
)
@click.option("--unmasked", is_flag=True, help="Tampilkan NIK/No KK lengkap (hanya untuk petugas berwenang).")
@pass_app
def report(app: AppContext, out: str | None, unmasked: bool) -> None:
    """Tulis laporan kualitas data (HTML mandiri, siap cetak A4) dan CSV-nya."""
    from sid_connector.report import write_report
    from sid_connector.report.adapter import build_report_data

    if unmasked:
        err_console.print(f"[bold yellow]{t('report.unmasked_warning')}[/]")
    results, run_id = _validate_all(app, "report")
    config = app.config
    settings = rule_settings(config)
    rules = collect_rules(app.host.rule_packs())
    written = []
    with Store.open(config.store_path) as store:
        if unmasked:
            store.audit(run_id, "report.unmasked", {"villages": [r.village for r in results]})
        for result in results:
            data = build_report_data(
                store,
                result.village,
                rules,
                ref_date=reference_date(settings),
                run_id=run_id,
                lang=language(),
                unmasked=unmasked,
            )
            name = out if out and len(results) == 1 else f"laporan-kualitas-data-{result.village}.html"
            target = Path(name) if Path(name).is_absolute() or out else config.base_dir / name
            if out and len(results) > 1:
                target = Path(out).with_name(f"{Path(out).stem}-{result.village}.html")
            written.extend(write_report(data, target))
    for path in written:
        click.echo(t("report.written", path=path))
