"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's reference material (../shared). Its absence is a failure, never a skip."""
    if not (SHARED / "opensid" / "schema.sql").exists():
        pytest.fail(f"reference material missing: {SHARED} (it lies beside the project in CI)")
    return SHARED
