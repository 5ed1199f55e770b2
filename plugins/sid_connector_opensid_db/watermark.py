"""Watermark arithmetic on the database's own clock (OPENSID_DB.md §8).

Watermarks are stored as the text ``SELECT NOW()`` gave (UTC session), never the client's time, so a wrong
clock on the connector's machine cannot skip changes.
"""

from __future__ import annotations

import datetime as dt

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
