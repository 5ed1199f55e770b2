"""``notify``: see what waits for the village officials, send it now, or send a test message to one role."""

from __future__ import annotations

import json
from typing import Any

import click

from sid_connector.cli.context import AppContext
from sid_connector.cli.output import console
from sid_connector.exit_codes import ExitCode
from sid_connector.notify import send_now, send_test
from sid_connector.notify.delivery import pending_items
from sid_connector.privacy import scrub
from sid_connector.store import RunLock, Store

pass_app = click.make_pass_decorator(AppContext)
ROLE_CHOICES = ("KEPALA_DESA", "SEKDES", "KASI_PEM", "KADUS", "KETUA_RT", "OPERATOR")


@click.command("notify")
@click.option("--pending", "show_pending", is_flag=True, help="Tampilkan pesan yang menunggu (NIK tersamar).")
@click.option("--send", "send", is_flag=True, help="Kirim sekarang pesan yang sudah jatuh tempo.")
@click.option(
    "--test", "test_role", type=click.Choice(ROLE_CHOICES, case_sensitive=False), help="Kirim pesan uji ke jabatan."
)
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil sebagai JSON.")
@pass_app
def notify(app: AppContext, show_pending: bool, send: bool, test_role: str | None, as_json: bool) -> None:
    """Notifikasi untuk perangkat desa: lihat antrean, kirim, atau uji kanal."""
    config = app.config
    if not (show_pending or send or test_role):
        show_pending = True
    output: dict[str, Any] = {}
    exit_code = ExitCode.OK
    if send or test_role:
        with RunLock(config.store_path), Store.open(config.store_path) as store:
            if test_role:
                results = send_test(config, app.host, store, test_role)
                output["test"] = [{"channel": c, "person": p, "error": e} for c, p, e in results]
                if not results or any(error for _, _, error in results):
                    exit_code = ExitCode.PROBLEMS
            if send:
                output["send"] = send_now(config, app.host, store)
    if show_pending:
        with Store.open(config.store_path) as store:
            output["pending"] = pending_items(store)
    if as_json:
        click.echo(scrub(json.dumps(output, ensure_ascii=False, indent=2, default=str)))
    else:
        _print(output)
    if exit_code != ExitCode.OK:
        raise SystemExit(int(exit_code))


def _print(output: dict[str, Any]) -> None:
    for item in output.get("test") or []:
        status = "OK" if not item["error"] else f"GAGAL: {item['error']}"
        console.print(scrub(f"uji {item['channel']} → {item['person']}: {status}"))
    if "test" in output and not output["test"]:
        console.print("Tidak ada penerima untuk jabatan itu pada kanal yang terpasang.")
    if "send" in output:
        sent = output["send"]
        console.print(
            scrub(
                f"terkirim {sent['sent']}, gagal {sent['failed']}, dicoba lagi nanti {sent['retry']}, "
                f"menunggu {sent['pending']}"
            )
        )
    if "pending" in output:
        items = output["pending"]
        console.print(f"Menunggu: {len(items)} pesan")
        for item in items:
            when = item["next_attempt"] or "-"
            console.print(scrub(f"- [{item['channel']}] {item['person']} ({when}): {item['subject']}"), markup=False)
