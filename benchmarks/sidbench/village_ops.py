"""P3 (all rules over a stored village) and P4 (OpenDK packaging of its residents)."""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sid_connector.plugins import PluginHost
from sid_connector.rules import RuleSettings, collect_rules, run_rules
from sid_connector.store import Store
from sid_connector.village import VillageData
from sid_connector_opendk.packaging import LIMIT_BYTES, build_zips
from sidbench.pull import pull_once
from sidbench.workload import Workload


def stored_village(work: Workload, scratch: Path, pulled: Path | None = None) -> tuple[float, VillageData]:
    """Load the village from ``pulled`` (a store P1 filled) or from a new pull: (load seconds, village)."""
    with tempfile.TemporaryDirectory(dir=scratch) as tmp, Store.open(pulled or Path(tmp) / "store.db") as store:
        if pulled is None:
            pull_once(store, work)
        started = time.perf_counter()
        village = store.load_village(work.kode_desa)
        return time.perf_counter() - started, village


def rules_once(village: VillageData, work: Workload) -> tuple[float, int, int, dict[str, float]]:
    """(seconds, rules run, findings, seconds per rule) for every rule of every installed pack."""
    rules = collect_rules(PluginHost.load().rule_packs())
    settings = RuleSettings(ref_date=work.spec.ref_date)
    started = time.perf_counter()
    report = run_rules(village, rules, settings)
    return time.perf_counter() - started, report.rules_run, len(report.findings), dict(report.timings)


@dataclass(slots=True)
class PackResult:
    """One packaging run: time, rows, ZIP count and the lower bounds it is compared with."""

    seconds: float
    rows: int
    zips: int
    total_bytes: int
    min_by_total: int
    single_stream_bytes: int
    min_by_single_stream: int


def package_once(village: VillageData, work: Workload, single_stream_bytes: int = 0) -> PackResult:
    """Time ``build_zips`` over every resident (stored key order); sizes are the ZIPs' own lengths."""
    records = list(village.penduduk.values())
    started = time.perf_counter()
    parts = list(build_zips(records, work.kode_desa))
    seconds = time.perf_counter() - started
    total = sum(len(part) for part in parts)
    return PackResult(
        seconds=seconds,
        rows=sum(part.rows for part in parts),
        zips=len(parts),
        total_bytes=total,
        min_by_total=math.ceil(total / LIMIT_BYTES),
        single_stream_bytes=single_stream_bytes,
        min_by_single_stream=math.ceil(single_stream_bytes / LIMIT_BYTES) if single_stream_bytes else 0,
    )


def single_stream_bytes(village: VillageData, work: Workload) -> int:
    """Size of one ZIP holding every resident (no limit): the data's compressed size in one stream."""
    parts = list(build_zips(list(village.penduduk.values()), work.kode_desa, limit=1 << 40))
    return sum(len(part) for part in parts)
