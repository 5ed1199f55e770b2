"""What "the store equals one clean run's store" means, as data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any


def _without_bookkeeping(state_text: str) -> Any:
    state = json.loads(state_text)
    state.pop("pull", None)  # run ids and change-id marks differ between runs by construction
    return state


def store_fingerprint(path: Path) -> dict[str, Any]:
    """Current records, the multiset of changes, of quarantined rows, and the sources' cursors."""
    conn = sqlite3.connect(path)
    try:
        return {
            "records": conn.execute("SELECT village, entity, key, hash, data FROM record ORDER BY 1, 2, 3").fetchall(),
            "changes": sorted(conn.execute("SELECT village, entity, key, kind, coalesce(diff, '') FROM change")),
            "quarantine": sorted(conn.execute("SELECT village, entity, ref, field, reason FROM quarantine")),
            "state": {
                (source, village): _without_bookkeeping(state)
                for source, village, state in conn.execute("SELECT source, village, state FROM sync_state")
            },
            "present_keys": conn.execute("SELECT count(*) FROM present_key").fetchone()[0],
        }
    finally:
        conn.close()


def last_summary(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        (summary,) = conn.execute(
            "SELECT summary FROM run WHERE status NOT IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    data = json.loads(summary)
    return {"changes": data["changes"], "quarantined": data["quarantined"], "status": data["status"]}
