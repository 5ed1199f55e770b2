"""``plugins`` and ``audit verify``: what is installed, and whether the record of what happened holds."""

from __future__ import annotations

import click

from sid_connector.cli.context import AppContext
from sid_connector.cli.output import echo_json, error
from sid_connector.exit_codes import ExitCode
from sid_connector.i18n import t
from sid_connector.store import Store

pass_app = click.make_pass_decorator(AppContext)


@click.command(name="plugins")
@click.option("--json", "as_json", is_flag=True, help="Cetak sebagai JSON.")
@pass_app
def plugins_command(app: AppContext, as_json: bool) -> None:
    """Daftar plugin yang terpasang dan statusnya."""
    infos = [info.as_json() for info in app.host.report()]
    if as_json:
        echo_json(infos)
        return
    for info in infos:
        mark = "ok" if info["status"] == "ok" else "GAGAL"
        click.echo(f"{info['name']:<24} {info['version'] or '-':<10} {mark:<6} {', '.join(info['hooks'])}")
        if info["error"]:
            click.echo(f"    {info['error']}")


@click.group()
def audit() -> None:
    """Log audit berantai hash."""


@audit.command()
@pass_app
def verify(app: AppContext) -> None:
    """Periksa bahwa tidak ada entri log audit yang diubah atau dihapus (exit 1 bila rusak)."""
    with Store.open(app.config.store_path) as store:
        verdict = store.verify_audit()
    if verdict.ok:
        click.echo(t("audit.ok", entries=verdict.entries))
        return
    error(t("audit.broken", entry_id=verdict.entry_id, problem=verdict.problem))
    raise SystemExit(int(ExitCode.PROBLEMS))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Cetak sebagai JSON.")
@pass_app
def doctor(app: AppContext, as_json: bool) -> None:
    """Periksa sumber data (dan tujuan pengiriman): terjangkau, terbaca, desa terdaftar."""
    from sid_connector.sync.run import make_source

    checks = []
    source = make_source(app.config, app.host)
    try:
        checks.extend(("source", check) for check in source.check())
        villages = [village.kode_desa for village in source.villages()]
    finally:
        source.close()
    for name, sink in configured_sinks(app):
        try:
            sink_checks = list(sink.check())
            checks.extend((f"sink:{name}", check) for check in sink_checks)
            if all(check.ok for check in sink_checks) and hasattr(sink, "check_village"):
                checks.extend((f"sink:{name}", sink.check_village(code)) for code in villages)
        finally:
            sink.close()
    failed = [check for _, check in checks if not check.ok and not check.warning]
    if as_json:
        echo_json(
            [
                {"part": part, "name": c.name, "ok": c.ok, "warning": c.warning, "message": c.message}
                for part, c in checks
            ]
        )
    else:
        for part, check in checks:
            mark = "OK " if check.ok and not check.warning else "PERINGATAN" if check.ok or check.warning else "GAGAL"
            click.echo(f"[{mark}] {part} {check.name}: {check.message}")
    if failed:
        raise SystemExit(int(ExitCode.UNREACHABLE))


def configured_sinks(app: AppContext) -> list[tuple[str, object]]:
    """The sinks named in the config's ``[sinks.NAME]`` tables, built by their plugins."""
    from sid_connector.sync.run import make_sinks

    return make_sinks(app.config, app.host)
