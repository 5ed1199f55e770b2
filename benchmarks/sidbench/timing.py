"""Small helpers for timed repetitions and medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def median(values: list[float]) -> float:
    """Median of the samples (NaN when there are none)."""
    return statistics.median(values) if values else float("nan")
