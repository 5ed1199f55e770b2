"""Registers the ``opensid-push`` source and the ``serve`` command (entry point ``receiver``)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from sid_connector.hookspecs import hookimpl
from sid_connector.registrations import SourcePlugin
from sid_connector_receiver.source import OpenSIDPushSource


@hookimpl
def sid_connector_sources() -> Sequence[SourcePlugin]:
    return [
        SourcePlugin(
            name="opensid-push",
            factory=OpenSIDPushSource,
            description="Kiriman OpenSID ke penerima sid-connector (kotak masuk)",
        )
    ]


@hookimpl
def sid_connector_cli_commands() -> Sequence[click.Command]:
    from sid_connector_receiver.cli import serve

    return [serve]
