"""P1/P2: the real engine pulling an OpenSID database into a fresh store, then a no-op resync."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sid_connector.store import Store
from sid_connector.sync.engine import VillagePull
from sid_connector_opensid_db import OpenSIDDatabaseSource
from sidbench.workload import Workload


@dataclass(slots=True)
class PullTiming:
    """Seconds of one full pull and of the no-op resync that followed it, with the rows each read."""

    full_s: float
    full_rows: int
    noop_s: float
    noop_rows: int
    noop_changes: int


def _rows_read(read: dict[str, int]) -> int:
    """Rows delivered by the source (entities only; id lists and counters excluded)."""
    entities = ("wilayah", "keluarga", "penduduk", "peristiwa", "peristiwa_keluarga")
    return sum(int(read.get(name, 0)) for name in entities)


def pull_once(store: Store, work: Workload) -> tuple[float, int, int]:
    """One pull with a new source session: (seconds, rows read, records changed)."""
    started = time.perf_counter()
    source = OpenSIDDatabaseSource({"url": work.url, "kode_desa": work.kode_desa})
    try:
        village = source.villages()[0]
        run_id = store.start_run("benchmark")
        result = VillagePull(store, source, "opensid-db", village, run_id).run()
    finally:
        source.close()
    seconds = time.perf_counter() - started
    changed = sum(sum(kinds.values()) for kinds in result.changes.values())
    return seconds, _rows_read(result.read), changed


def fresh_store(path: Path) -> Store:
    """An empty store at ``path`` (an earlier file and its WAL are removed)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Store.open(path)


def full_then_noop(work: Workload, scratch: Path, keep: Path | None = None) -> PullTiming:
    """A full pull into a fresh store, then a second pull with nothing changed; ``keep`` keeps the store."""
    with tempfile.TemporaryDirectory(dir=scratch) as tmp, fresh_store(keep or Path(tmp) / "store.db") as store:
        full_s, full_rows, _ = pull_once(store, work)
        noop_s, noop_rows, changes = pull_once(store, work)
    return PullTiming(full_s, full_rows, noop_s, noop_rows, changes)
