"""What the numbers were measured on: CPU, memory, Python, MariaDB and library versions."""

from __future__ import annotations

import importlib.metadata as md
import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

from sidbench.workload import server

PACKAGES = (
    "sid-connector", "PyMySQL", "pydantic", "pydantic-core", "openpyxl", "dlt", "duckdb", "pyarrow",
    "SQLAlchemy", "pyinstrument", "mysql-connector-python", "python-calamine", "XlsxWriter",
)  # fmt: skip


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total_mib() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    return 0


def _mariadb_version() -> str:
    conn = server()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            return str(cur.fetchone()[0])
    finally:
        conn.close()


def describe() -> dict[str, Any]:
    """A JSON-ready description of this machine and its software."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_mib": _mem_total_mib(),
        "load_avg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "mariadb": _mariadb_version(),
        "packages": versions,
    }
