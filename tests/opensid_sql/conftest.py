"""A planted synthetic village written once as a dump, shared by the source tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sid_connector.sources import Batch, PullEvent, RawRow, Rejected, VillageRef
from sid_connector.synth import SyntheticVillage, VillageSpec, generate
from sid_connector_opensid_sql import OpenSQLDumpSource

KODE = "3301022001"


@pytest.fixture(scope="session")
def village() -> SyntheticVillage:
    return generate(VillageSpec(residents=600, seed=7, planted=True))


@pytest.fixture(scope="session")
def demo(village, tmp_path_factory) -> dict[str, Any]:
    """``write_demo``'s options for the planted village."""
    return OpenSQLDumpSource.write_demo(village, {"dir": tmp_path_factory.mktemp("demo")})


def pull(options: dict[str, Any], state: dict | None = None, **extra: Any) -> list[PullEvent]:
    source = OpenSQLDumpSource({**options, **extra})
    return list(source.pull(VillageRef(str(options["kode_desa"])), state or {}))


def rows_of(events: list[PullEvent], entity: str) -> dict[str, RawRow]:
    return {r.key: r for e in events if isinstance(e, Batch) and e.entity == entity for r in e.rows}


def rejected_of(events: list[PullEvent]) -> list[Rejected]:
    return [r for e in events if isinstance(e, Batch) for r in e.rejected]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
