"""The plugin contract: every way a plugin extends sid-connector, one typed and documented hook each.

A plugin is a module (or object) registered under the entry-point group ``sid_connector``, implementing any
of these hooks with ``@sid_connector.hookimpl``. ``docs/plugins.md`` documents every hook, and a test fails
when one is missing there. Registration hooks return a sequence, so one plugin may add several things.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from sid_connector.registrations import ChannelPlugin, RulePack, SinkPlugin, SourcePlugin

PROJECT = "sid_connector"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def sid_connector_sources() -> Sequence[SourcePlugin]:
    """Register source adapters (where village data is pulled from).

    Example::

        @hookimpl
        def sid_connector_sources():
            return [SourcePlugin(name="my-sid", factory=MySidSource, description="My SID's database")]
    """


@hookspec
def sid_connector_sinks() -> Sequence[SinkPlugin]:
    """Register sink adapters (where village data is pushed to, e.g. a kecamatan's OpenDK).

    Example::

        @hookimpl
        def sid_connector_sinks():
            return [SinkPlugin(name="opendk", factory=OpenDKSink, description="OpenDK sync API")]
    """


@hookspec
def sid_connector_rules() -> Sequence[RulePack]:
    """Register rule packs (validation rules run over the store after each pull).

    Example::

        @hookimpl
        def sid_connector_rules():
            return [RulePack(name="dukcapil", version="1.0", rules=[nik_format, kk_format])]
    """


@hookspec
def sid_connector_channels() -> Sequence[ChannelPlugin]:
    """Register notification channels (how officials are told: email, WhatsApp gateway, Telegram, …).

    Example::

        @hookimpl
        def sid_connector_channels():
            return [ChannelPlugin(name="console", factory=ConsoleChannel, description="print to stdout")]
    """


@hookspec
def sid_connector_cli_commands() -> Sequence[click.Command]:
    """Add commands to the ``sid-connector`` command line.

    Example::

        @hookimpl
        def sid_connector_cli_commands():
            @click.command(name="hello")
            def hello():
                click.echo("halo")
            return [hello]
    """


@hookspec
def sid_connector_run_started(run_id: int, command: str, config: Mapping[str, Any]) -> None:
    """Called when a run (``sync``, ``demo``, …) has taken the store's lock and begun.

    Example::

        @hookimpl
        def sid_connector_run_started(run_id, command, config):
            log.info("run %s (%s) started", run_id, command)
    """


@hookspec
def sid_connector_run_finished(run_id: int, status: str, summary: Mapping[str, Any]) -> None:
    """Called when a run ends, with its status (``ok``, ``problems``, ``failed``) and its summary.

    The summary is the same JSON ``status --json`` shows as ``last_run``. An exception raised here is
    reported and does not change the run's outcome.

    Example::

        @hookimpl
        def sid_connector_run_finished(run_id, status, summary):
            metrics.gauge("quarantined", summary["quarantined"])
    """
