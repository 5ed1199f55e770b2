"""OpenDK sink support: the sync API client, its error table, resident ZIP packaging and a simulator."""

from sid_connector_opendk.client import ENDPOINTS, OpenDKClient, Reply, normalize_desa_id
from sid_connector_opendk.errors import Action, OpenDKError
from sid_connector_opendk.packaging import COLUMNS, LIMIT_BYTES, PackagingError, ZipPart, build_zips, validate_zip

__all__ = [
    "COLUMNS",
    "ENDPOINTS",
    "LIMIT_BYTES",
    "Action",
    "OpenDKClient",
    "OpenDKError",
    "PackagingError",
    "Reply",
    "ZipPart",
    "build_zips",
    "normalize_desa_id",
    "validate_zip",
]
