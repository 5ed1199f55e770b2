"""OpenSID database source for sid-connector: read a village straight from OpenSID's MariaDB/MySQL."""

from sid_connector_opensid_db.source import OpenSIDDatabaseSource
from sid_connector_opensid_db.writer import write_villages

__all__ = ["OpenSIDDatabaseSource", "write_villages"]
