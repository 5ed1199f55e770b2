"""Registers the ``opensid-sql`` source (entry point ``sid_connector``)."""

from __future__ import annotations

from collections.abc import Sequence

from sid_connector.hookspecs import hookimpl
from sid_connector.registrations import SourcePlugin
from sid_connector_opensid_sql.source import OpenSQLDumpSource


@hookimpl
def sid_connector_sources() -> Sequence[SourcePlugin]:
    return [
        SourcePlugin(
            name="opensid-sql",
            factory=OpenSQLDumpSource,
            description="Berkas cadangan basis data OpenSID (.sql / .sql.gz), tanpa server basis data",
        )
    ]
