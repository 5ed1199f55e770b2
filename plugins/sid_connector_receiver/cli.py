"""``sid-connector serve``: listen for OpenSID's pushes (the OpenDK API) with uvicorn."""

from __future__ import annotations

import logging

import click

from sid_connector.cli.context import AppContext
from sid_connector.config import ConfigError
from sid_connector.exit_codes import ExitCode
from sid_connector.privacy import ScrubbingFilter
from sid_connector_receiver.settings import is_loopback, load_settings

pass_app = click.make_pass_decorator(AppContext)


def _log_info() -> None:
    """A server should say what it received: INFO at least (``-vv`` keeps DEBUG), NIKs masked in every line."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(min(root.level or logging.WARNING, logging.INFO))
    for handler in root.handlers:
        if not any(isinstance(f, ScrubbingFilter) for f in handler.filters):
            handler.addFilter(ScrubbingFilter())


@click.command(name="serve")
@click.option("--host", default=None, help="Alamat dengar (bawaan [receiver] host atau 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Porta (bawaan [receiver] port atau 8087).")
@pass_app
def serve(app: AppContext, host: str | None, port: int | None) -> None:
    """Terima kiriman data OpenSID (API OpenDK) dan teruskan lewat pipeline sid-connector."""
    import uvicorn

    from sid_connector_receiver.service import create_service

    try:
        settings = load_settings(app.config)
        host = host or settings.host
        port = port or settings.port
        settings.check_startup(host)
    except ConfigError as error:
        click.echo(str(error), err=True)
        raise SystemExit(int(ExitCode.USAGE)) from error
    _log_info()
    if not settings.has_token:
        click.echo("Peringatan: tanpa token; hanya aman karena penerima mendengarkan di loopback.", err=True)
    service = create_service(app.config, app.host, settings=settings)
    where = f"http://{host}:{port}" if is_loopback(host) else f"{host}:{port}"
    click.echo(f"Penerima OpenSID mendengarkan di {where}; kotak masuk {settings.inbox}")
    try:
        uvicorn.run(service.app, host=host, port=port, log_level="info", access_log=False, proxy_headers=True)
    finally:
        service.close()
