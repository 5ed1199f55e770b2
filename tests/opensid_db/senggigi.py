"""One small test village (Senggigi) in a test database: seed it, open a source on it, pull it."""

from __future__ import annotations

from typing import Any

from sid_connector.sources import VillageRef
from sid_connector_opensid_db import OpenSIDDatabaseSource, write_villages

from .applier import Applier
from .village_factory import make_village

KODE = "5201142005"


def source(url: str, **options: object) -> OpenSIDDatabaseSource:
    return OpenSIDDatabaseSource({"url": url, "kode_desa": KODE, **options})


def seed(url: str, **kwargs: int) -> None:
    write_villages(url, [make_village(1, KODE, "Senggigi", **kwargs)])


def pull(opened: OpenSIDDatabaseSource, applier: Applier | None = None, **kw: Any) -> Applier:
    """Pull into ``applier`` (a new one by default), the engine-free store of these tests."""
    applier = applier or Applier()
    return applier.run(opened, VillageRef(KODE), **kw)
