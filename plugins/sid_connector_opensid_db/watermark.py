"""Watermark arithmetic on the database's own clock (OPENSID_DB.md §8), and the id facts of a KeySet.

Watermarks are stored as the text ``SELECT NOW()`` gave (UTC session), never the client's time, so a wrong
clock on the connector's machine cannot skip changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text[:19], _FORMAT)


def since(watermark: str | None, overlap_seconds: int) -> str | None:
    """The lower bound for ``updated_at >=``: the watermark minus the overlap (None = read everything).

    The overlap catches rows whose transaction began before the watermark was taken but committed after.
    """
    if watermark is None:
        return None
    return (parse(watermark) - dt.timedelta(seconds=overlap_seconds)).strftime(_FORMAT)


def hours_between(earlier: str | None, later: str) -> float:
    """Hours from ``earlier`` to ``later`` (infinite when there is no earlier time)."""
    if earlier is None:
        return float("inf")
    return (parse(later) - parse(earlier)).total_seconds() / 3600


# -- id facts: proving "no deletion" without reading the id list -------------------------------------------
#
# OpenSID ids are AUTO_INCREMENT and never reused, so rows with ``id <= max`` can only disappear, never
# appear. When a KeySet is sent, its cursor keeps the count, sum and largest of its ids. Later, the same count
# and sum of ids ``<= max`` at the source prove that none of those rows was deleted (a late-committed row below
# ``max`` plus a deletion changes the sum). A pass that read a row above ``max`` sends the id list anyway: the
# store would then hold a key the facts do not cover, and a KeySet still pending from a killed pull would not
# cover it either.


def id_facts(ids: list[int], at: str) -> dict[str, Any]:
    """The facts of one full id list, taken at the pull's database time ``at``."""
    return {"count": len(ids), "sum": sum(ids), "max": max(ids, default=0), "at": at}


def covers(facts: Any, read_max: int, now: str, refresh_hours: float) -> bool:
    """Whether ``facts`` may stand in for an id list: present, not older than the refresh interval, and no
    row above their ``max`` read since they were taken."""
    if not isinstance(facts, dict) or not {"count", "sum", "max", "at"} <= facts.keys():
        return False
    return read_max <= int(facts["max"]) and hours_between(facts["at"], now) < refresh_hours


def unchanged(facts: dict[str, Any], count: int, total: int) -> bool:
    """True when the source still has exactly the rows the facts describe (``COUNT``/``SUM`` of ids <= max)."""
    return int(count) == int(facts["count"]) and int(total) == int(facts["sum"])
