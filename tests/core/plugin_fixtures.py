"""Build throw-away installed distributions with ``sid_connector`` entry points, as a third party ships them."""

from __future__ import annotations

from pathlib import Path


def install_fake_distribution(root: Path, dist: str, modules: dict[str, str], entry_points: dict[str, str]) -> Path:
    """Write modules and a ``.dist-info`` with entry points under ``root``; put ``root`` on PYTHONPATH."""
    root.mkdir(parents=True, exist_ok=True)
    for name, source in modules.items():
        (root / f"{name}.py").write_text(source, encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", encoding="utf-8")
    lines = "\n".join(f"{name} = {target}" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[sid_connector]\n{lines}\n", encoding="utf-8")
    return root


BROKEN_ON_IMPORT = 'raise RuntimeError("boom on import")\n'

BROKEN_ON_REGISTER = """
from sid_connector import hookimpl

@hookimpl
def sid_connector_sources():
    raise ValueError("boom while registering")
"""
