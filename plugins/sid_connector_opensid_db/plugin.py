"""Registers the OpenSID database source with sid-connector (entry point ``opensid-db``)."""

from __future__ import annotations

from collections.abc import Sequence

from sid_connector import SourcePlugin, hookimpl
from sid_connector_opensid_db.source import OpenSIDDatabaseSource


@hookimpl
def sid_connector_sources() -> Sequence[SourcePlugin]:
    return [
        SourcePlugin(
            name="opensid-db",
            factory=OpenSIDDatabaseSource,
            description="Membaca langsung basis data MariaDB/MySQL OpenSID (inkremental, hanya-baca)",
        )
    ]
