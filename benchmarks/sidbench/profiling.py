"""pyinstrument text profiles of a measure, saved under ``results/profiles/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def profile(name: str, func: Callable[[], Any], out_dir: Path) -> Path | None:
    """Run ``func`` once under pyinstrument; returns the text file (None when pyinstrument is missing)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.002)
    profiler.start()
    try:
        func()
    finally:
        profiler.stop()
    target = out_dir / f"{name}.txt"
    target.write_text(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False))
    return target
