"""The engine's bookkeeping for one (source, village) pull, as plain functions over plain data.

It lives in the store beside the source's own cursor and is committed in the same transaction as each
batch, so after a kill the next run knows a pull was under way, which full passes were open, and from which
change and quarantine ids its summary must count — and so reports exactly what one clean pull would.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

State = dict[str, Any]


def pull_state(state: Mapping[str, Any]) -> dict[str, Any]:
    return dict(state.get("pull") or {})


def in_progress(state: Mapping[str, Any]) -> bool:
    return bool(pull_state(state).get("in_progress"))


def begin(state: Mapping[str, Any], *, since_change: int, since_quarantine: int, run_id: int) -> State:
    """Start a pull, or keep the one a killed run left open."""
    new = copy.deepcopy(dict(state))
    if in_progress(new):
        new["pull"]["runs"] = [*new["pull"].get("runs", []), run_id]
        return new
    new["pull"] = {
        "in_progress": True,
        "since_change": since_change,
        "since_quarantine": since_quarantine,
        "snapshots": {},
        "read": {},
        "runs": [run_id],
    }
    return new


def cursor(state: Mapping[str, Any]) -> dict[str, Any]:
    return dict(state.get("cursor") or {})


def with_cursor(state: Mapping[str, Any], new_cursor: Mapping[str, Any] | None) -> State:
    if new_cursor is None:
        return dict(state)
    return {**state, "cursor": dict(new_cursor)}


def open_snapshot(state: Mapping[str, Any], entity: str, generation: str) -> State:
    pull = pull_state(state)
    pull["snapshots"] = {**pull.get("snapshots", {}), entity: generation}
    pull["complete"] = [name for name in pull.get("complete", []) if name != entity]
    return {**state, "pull": pull}


def pass_mark(state: Mapping[str, Any], generation: str) -> str:
    """The mark records seen by a full pass get: the source's generation, scoped to this pull.

    The same file synced twice has the same generation; scoping by the pull's first run keeps the marks of an
    earlier, completed pass from counting as "seen" in a new one, while a resumed pull keeps its own marks.
    """
    runs = pull_state(state).get("runs") or [0]
    return f"{runs[0]}:{generation}"


def snapshot_generation(state: Mapping[str, Any], entity: str) -> str | None:
    return pull_state(state).get("snapshots", {}).get(entity)


def complete_snapshot(state: Mapping[str, Any], entity: str) -> State:
    """The pass over ``entity`` reached its end: its unseen records may be deleted when the pull ends."""
    pull = pull_state(state)
    pull["complete"] = sorted({*pull.get("complete", []), entity})
    return {**state, "pull": pull}


def record_keyset(state: Mapping[str, Any], entity: str) -> State:
    """A key set for ``entity`` is stored: records not in it may be deleted when the pull ends."""
    pull = pull_state(state)
    pull["keysets"] = sorted({*pull.get("keysets", []), entity})
    return {**state, "pull": pull}


def pending_deletions(state: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """(entity → generation of each completed pass, entities with a stored key set)."""
    pull = pull_state(state)
    snapshots = pull.get("snapshots", {})
    complete = {entity: snapshots[entity] for entity in pull.get("complete", []) if entity in snapshots}
    return complete, list(pull.get("keysets", []))


def add_read(state: Mapping[str, Any], counts: Mapping[str, int]) -> State:
    pull = pull_state(state)
    read = dict(pull.get("read", {}))
    for name, value in counts.items():
        read[name] = read.get(name, 0) + int(value)
    pull["read"] = read
    return {**state, "pull": pull}


def finish(state: Mapping[str, Any]) -> State:
    """Close the pull; the summary marks are kept so ``status`` can still explain the last pull."""
    pull = pull_state(state)
    pull["in_progress"] = False
    pull["snapshots"], pull["complete"], pull["keysets"] = {}, [], []
    return {**state, "pull": pull}
