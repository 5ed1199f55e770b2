"""The ``sid-connector`` command line.

Errors every command can meet (bad config, a held lock, a strict-mode plugin failure) are turned into a
clear message and the documented exit code in one place, :class:`SidConnectorGroup`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import Any

import click

from sid_connector import __version__
from sid_connector.cli.commands_admin import audit, doctor, plugins_command
from sid_connector.cli.commands_notify import notify
from sid_connector.cli.commands_quality import check, report
from sid_connector.cli.commands_run import push, status, sync
from sid_connector.cli.commands_setup import demo, init
from sid_connector.cli.context import AppContext, shared_host
from sid_connector.cli.output import error
from sid_connector.config import ConfigError
from sid_connector.exit_codes import ExitCode
from sid_connector.i18n import set_language, t
from sid_connector.plugins import PluginError
from sid_connector.privacy import ScrubbingFilter
from sid_connector.store import LockHeldError
from sid_connector.store.migrations import StoreTooNewError

BUILTIN_COMMANDS = (sync, push, status, check, report, notify, init, demo, doctor, plugins_command, audit)


class SidConnectorGroup(click.Group):
    """Adds plugin commands on demand and maps known errors to exit codes."""

    def _plugin_commands(self) -> dict[str, click.Command]:
        try:
            host = shared_host()
        except PluginError:
            return {}
        return {command.name: command for command in host.cli_commands() if isinstance(command, click.Command)}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._plugin_commands().get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            error(str(exc))
            sys.exit(int(ExitCode.USAGE))
        except PluginError as exc:
            error(t("plugins.failed", name="", error=str(exc)))
            sys.exit(int(ExitCode.USAGE))
        except StoreTooNewError as exc:
            error(str(exc))
            sys.exit(int(ExitCode.USAGE))
        except LockHeldError as exc:
            error(t("lock.held", holder=exc.holder))
            sys.exit(int(ExitCode.LOCKED))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            logging.getLogger("sid_connector").debug("unexpected error", exc_info=True)
            error(t("unexpected", error=f"{type(exc).__name__}: {exc}"))
            sys.exit(int(ExitCode.PROBLEMS))


def _setup_logging(verbose: int) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(ScrubbingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG)


@click.group(cls=SidConnectorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_option",
    default=None,
    metavar="PATH",
    help="Berkas konfigurasi (bawaan ./sid-connector.toml atau SID_CONNECTOR_CONFIG).",
)
@click.option("--lang", type=click.Choice(["id", "en"]), default=None, help="Bahasa pesan (id/en).")
@click.option("-v", "--verbose", count=True, help="Tampilkan log (-v info, -vv debug).")
@click.version_option(__version__, prog_name="sid-connector")
@click.pass_context
def cli(ctx: click.Context, config_option: str | None, lang: str | None, verbose: int) -> None:
    """sid-connector: tarik, periksa dan kirim data desa (OpenSID → lokal → OpenDK)."""
    _setup_logging(verbose)
    set_language(lang)
    ctx.obj = AppContext(config_option=config_option)
    if lang is None and not os.environ.get("SID_CONNECTOR_LANG") and ctx.invoked_subcommand not in {None, "init"}:
        with contextlib.suppress(ConfigError):  # the command itself will report the config problem
            set_language(ctx.obj.config.lang)


for _command in BUILTIN_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="sid-connector")
