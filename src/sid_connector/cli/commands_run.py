"""``sync`` and ``status``: the commands cron and operators run every day."""

from __future__ import annotations

from typing import Any

import click

from sid_connector.cli.context import AppContext
from sid_connector.cli.output import echo_json, print_summary, pull_progress, stage_status
from sid_connector.i18n import t
from sid_connector.privacy import scrub
from sid_connector.store import Store, outbox
from sid_connector.sync.run import run_sync

pass_app = click.make_pass_decorator(AppContext)


@click.command()
@click.option("--allow-mass-delete", is_flag=True, help="Izinkan penghapusan massal yang dihentikan pengaman.")
@click.option("--json", "as_json", is_flag=True, help="Cetak ringkasan sebagai JSON.")
@pass_app
def sync(app: AppContext, allow_mass_delete: bool, as_json: bool) -> None:
    """Tarik data dari sumber ke basis data lokal (pull → store)."""
    with pull_progress() as progress:
        outcome = run_sync(
            app.config, app.host, allow_mass_delete=allow_mass_delete, progress=progress, stage=stage_status
        )
    if as_json:
        echo_json(scrub_json(outcome.summary))
    else:
        print_summary(outcome.summary)
    raise SystemExit(int(outcome.exit_code))


def scrub_json(data: Any) -> Any:
    """Mask NIK/KK-like numbers in any string of a JSON-able structure."""
    if isinstance(data, str):
        return scrub(data)
    if isinstance(data, dict):
        return {key: scrub_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [scrub_json(item) for item in data]
    return data


def status_data(store: Store) -> dict[str, Any]:
    villages = []
    totals: dict[str, int] = {}
    for code in store.villages():
        desa = store.identity(code)
        counts = store.counts(code)
        villages.append({"kode_desa": code, "nama_desa": desa.nama_desa if desa else None, "counts": counts})
        for entity, value in counts.items():
            totals[entity] = totals.get(entity, 0) + value
    last = store.last_run()
    last_run = None
    if last:
        summary = last["summary"]
        last_run = {
            "id": last["id"],
            "command": last["command"],
            "status": last["status"],
            "started_at": last["started_at"],
            "finished_at": last["finished_at"],
            "changes": summary.get("changes", {}),
            "quarantined": summary.get("quarantined", 0),
            "read": summary.get("read", {}),
            "findings": summary.get("findings", {}),
            "error": summary.get("error"),
        }
    village = {k: v for k, v in villages[0].items() if k != "counts"} if villages else None
    open_findings = {"ERROR": 0, "WARNING": 0, "INFO": 0}
    for severity, total in store.conn.execute(
        "SELECT severity, count(*) FROM finding WHERE resolved_run IS NULL GROUP BY severity"
    ):
        open_findings[severity] = total
    return {
        "village": village,
        "villages": villages,
        "counts": totals,
        "findings": open_findings,
        "sinks": sink_status(store),
        "last_run": last_run,
    }


def sink_status(store: Store) -> dict[str, Any]:
    """Per sink: items waiting in the outbox and the last acknowledged push."""
    sinks: dict[str, Any] = {}
    for channel, counts in outbox.counts(store.conn, "sink:").items():
        _, name, village = channel.split(":", 2)
        entry = sinks.setdefault(name, {"pending": 0, "last_push": None, "villages": {}})
        entry["pending"] += counts.get("pending", 0)
        last = store.get_state(f"sink:{name}", village).get("last_push")
        entry["villages"][village] = {"pending": counts.get("pending", 0), "last_push": last}
        if last and (entry["last_push"] is None or last["at"] > entry["last_push"]["at"]):
            entry["last_push"] = last
    return sinks


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Cetak sebagai JSON.")
@pass_app
def status(app: AppContext, as_json: bool) -> None:
    """Tampilkan isi basis data lokal dan hasil sinkronisasi terakhir."""
    config = app.config
    if not config.store_path.exists():
        data: dict[str, Any] = {"village": None, "villages": [], "counts": {}, "last_run": None}
    else:
        with Store.open(config.store_path) as store:
            data = status_data(store)
    if as_json:
        echo_json(scrub_json(data))
        return
    if data["last_run"] is None and not data["villages"]:
        click.echo(t("status.none"))
        return
    for village in data["villages"]:
        click.echo(f"Desa {village['nama_desa'] or ''} ({village['kode_desa']})")
        for entity, value in village["counts"].items():
            click.echo(f"  {entity:<20} {value:>9}")
    run = data["last_run"]
    if run:
        click.echo(f"Run #{run['id']} {run['command']}: {run['status']} ({run['finished_at']})")
        for entity, counts in sorted(run["changes"].items()):
            click.echo(
                f"  {entity:<20} +{counts.get('new', 0)} ~{counts.get('changed', 0)} -{counts.get('deleted', 0)}"
            )
        if run["quarantined"]:
            click.echo(t("summary.quarantined", count=run["quarantined"]))
        if run["error"]:
            click.echo(scrub(run["error"]))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil sebagai JSON.")
@pass_app
def push(app: AppContext, as_json: bool) -> None:
    """Kirim perubahan yang menunggu (outbox) ke tujuan (OpenDK) tanpa menarik data baru."""
    from sid_connector.exit_codes import ExitCode
    from sid_connector.store import RunLock
    from sid_connector.sync.run import run_push_stage

    config = app.config
    with RunLock(config.store_path), Store.open(config.store_path) as store:
        run_id = store.start_run("push")
        summary: dict[str, Any] = {"changes": {}, "quarantined": 0}
        reports = run_push_stage(config, app.host, store, run_id, summary, store.villages())
        unreachable = any(r.get("unreachable") for r in reports)
        failed = any(r.get("error") for r in reports)
        status_text = "problems" if failed else "ok"
        summary["status"] = status_text
        store.finish_run(run_id, status_text, summary)
    if as_json:
        echo_json(scrub_json(summary.get("sinks", {})))
    else:
        for name, villages in summary.get("sinks", {}).items():
            for code, report in villages.items():
                sent = ", ".join(f"{k}={v}" for k, v in sorted(report["sent"].items())) or "-"
                click.echo(t("push.line", sink=name, village=code, sent=sent, pending=report["pending"]))
                if report["error"]:
                    click.echo(scrub(report["error"]), err=True)
                for mismatch in report["mismatches"]:
                    click.echo(scrub(mismatch), err=True)
    if unreachable:
        raise SystemExit(int(ExitCode.UNREACHABLE))
    if failed:
        raise SystemExit(int(ExitCode.PROBLEMS))
