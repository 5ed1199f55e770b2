"""Kill a real ``sid-connector sync`` with SIGKILL at several points; the rerun must equal one clean run.

Scenario: a village's workbook is synced (first load), then a newer workbook with residents deleted and changed
is synced. Each kill point is reached by watching the store from outside, as an operator's power cut would
land: before the first batch, mid-way through the residents, when the pass is complete but deletions are not
yet applied, and at seeded random moments. Every killed store is rerun to completion and compared with the
store of the same syncs run cleanly.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from .fingerprint import last_summary, store_fingerprint

pytestmark = pytest.mark.slow

RESIDENTS = 3000
DELETED_ROWS = range(100, 130)  # sheet rows removed in the newer workbook (30 residents)
CHANGED_ROWS = range(200, 215)  # sheet rows whose name changes (15 residents)


def newer_workbook(source: Path, target: Path) -> None:
    """Copy an OpenSID workbook, deleting and changing some residents, as the next export would be."""
    old = openpyxl.load_workbook(source, read_only=True)
    new = openpyxl.Workbook(write_only=True)
    sheet = new.create_sheet("Sheet1")
    header = None
    for number, values in enumerate(old.active.iter_rows(values_only=True), start=1):
        values = list(values)
        if header is None:
            header = values
        elif number in DELETED_ROWS:
            continue
        elif number in CHANGED_ROWS:
            values[header.index("nama")] = f"{values[header.index('nama')]} PERUBAHAN"
        sheet.append(values)
    new.save(target)
    old.close()


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> tuple[Path, Path]:
    from sid_connector.synth import VillageSpec, generate
    from sid_connector_opensid_xlsx.source import OpenSIDWorkbookSource

    folder = tmp_path_factory.mktemp("workbooks")
    village = generate(VillageSpec(residents=RESIDENTS, seed=11, planted=True))
    first = Path(OpenSIDWorkbookSource.write_demo(village, {"dir": str(folder)})["path"])
    second = folder / "penduduk_baru.xlsx"
    newer_workbook(first, second)
    return first, second


def prepare(folder: Path, workbook: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(workbook, folder / "penduduk.xlsx")
    (folder / "sid-connector.toml").write_text(
        '[source]\nname = "opensid-xlsx"\npath = "penduduk.xlsx"\nkode_desa = "3301022001"\n'
        '[store]\npath = "sid-connector.db"\n',
        encoding="utf-8",
    )


def sync(folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sid_connector", "sync"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SID_CONNECTOR_LANG": "id"},
    )


def sync_to_end(folder: Path) -> None:
    process = sync(folder)
    out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), out + err  # 1: planted rows are quarantined


def query(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            row = conn.execute(sql).fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0
    return int(row[0] or 0) if row else 0


def kill_when(folder: Path, condition: Callable[[Path], bool], *, timeout: float = 120) -> bool:
    """Start a sync and SIGKILL it once ``condition(store)`` holds; ``False`` if it finished first."""
    process = sync(folder)
    db = folder / "sid-connector.db"
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if condition(db):
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.005)
    process.communicate()
    return False


def after_seconds(delay: float) -> Callable[[Path], bool]:
    start = time.monotonic()
    return lambda db: time.monotonic() - start >= delay


def run_started(db: Path) -> bool:
    return query(db, "SELECT count(*) FROM run WHERE status = 'running'") > 0


def residents_at_least(count: int) -> Callable[[Path], bool]:
    return lambda db: query(db, "SELECT count(*) FROM record WHERE entity = 'penduduk'") >= count


def changes_in_running_run(db: Path) -> bool:
    return query(db, "SELECT count(*) FROM change WHERE run_id = (SELECT max(id) FROM run)") > 0


def pass_complete(db: Path) -> bool:
    return query(db, "SELECT count(*) FROM sync_state WHERE state LIKE '%\"complete\": [%penduduk%'") > 0


@pytest.fixture(scope="module")
def clean(tmp_path_factory, workbooks):
    first, second = workbooks
    folder = tmp_path_factory.mktemp("clean")
    prepare(folder, first)
    sync_to_end(folder)
    after_first = store_fingerprint(folder / "sid-connector.db")
    shutil.copy(second, folder / "penduduk.xlsx")
    sync_to_end(folder)
    return after_first, store_fingerprint(folder / "sid-connector.db"), last_summary(folder / "sid-connector.db")


FIRST_LOAD_KILLS = {
    "as-the-run-starts": run_started,
    "after-first-residents": residents_at_least(1),
    "mid-way": residents_at_least(RESIDENTS // 2),
    "random-1": after_seconds(random.Random(1).uniform(0.5, 2.5)),
}
# Random moments may fall after the end; the window between a complete pass and its deletions lasts only
# milliseconds, so a poll may miss it — tests/core/test_engine.py hits that point deterministically.
MAY_MISS = {"random-1", "random-2", "pass-complete-before-deletions"}
SECOND_SYNC_KILLS = {
    "first-change-committed": changes_in_running_run,
    "pass-complete-before-deletions": pass_complete,
    "random-2": after_seconds(random.Random(2).uniform(0.5, 2.5)),
}


@pytest.mark.parametrize("point", sorted(FIRST_LOAD_KILLS))
def test_kill_during_first_load(tmp_path, workbooks, clean, point):
    first, second = workbooks
    after_first, final, final_summary = clean
    prepare(tmp_path, first)
    killed = kill_when(tmp_path, FIRST_LOAD_KILLS[point])
    sync_to_end(tmp_path)
    assert store_fingerprint(tmp_path / "sid-connector.db") == after_first
    shutil.copy(second, tmp_path / "penduduk.xlsx")
    sync_to_end(tmp_path)
    assert store_fingerprint(tmp_path / "sid-connector.db") == final
    assert last_summary(tmp_path / "sid-connector.db") == final_summary
    assert killed or point in MAY_MISS, f"sync finished before kill point {point}"


@pytest.mark.parametrize("point", sorted(SECOND_SYNC_KILLS))
def test_kill_during_incremental_sync_with_deletions(tmp_path, workbooks, clean, point):
    first, second = workbooks
    _, final, final_summary = clean
    prepare(tmp_path, first)
    sync_to_end(tmp_path)
    shutil.copy(second, tmp_path / "penduduk.xlsx")
    killed = kill_when(tmp_path, SECOND_SYNC_KILLS[point])
    sync_to_end(tmp_path)
    assert store_fingerprint(tmp_path / "sid-connector.db") == final
    summary = last_summary(tmp_path / "sid-connector.db")
    assert summary == final_summary
    assert summary["changes"]["penduduk"]["deleted"] == len(DELETED_ROWS)
    assert summary["changes"]["penduduk"]["changed"] == len(CHANGED_ROWS)
    assert killed or point in MAY_MISS, f"sync finished before kill point {point}"
