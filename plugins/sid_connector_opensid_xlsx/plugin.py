"""Registers the ``opensid-xlsx`` source (entry point ``sid_connector``)."""

from __future__ import annotations

from collections.abc import Sequence

from sid_connector.hookspecs import hookimpl
from sid_connector.registrations import SourcePlugin
from sid_connector_opensid_xlsx.source import OpenSIDWorkbookSource


@hookimpl
def sid_connector_sources() -> Sequence[SourcePlugin]:
    return [
        SourcePlugin(
            name="opensid-xlsx",
            factory=OpenSIDWorkbookSource,
            description="Berkas ekspor/impor penduduk OpenSID (.xlsx)",
        )
    ]
