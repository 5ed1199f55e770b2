"""dlt's ``sql_database`` source loading the same five tables into duckdb (benchmark-only dependency)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from sidbench.bare import ENTITIES
from sidbench.workload import HOST, PORT, USER, Workload

TABLES = ("tweb_wil_clusterdesa", "tweb_keluarga", "tweb_penduduk", "log_penduduk", "log_keluarga")
assert len(TABLES) == len(ENTITIES)


def available() -> bool:
    """True when dlt, duckdb and sqlalchemy are importable."""
    try:
        import dlt  # noqa: F401
        import duckdb  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        return False
    return True


def fastest_backend() -> str:
    """dlt's fastest ``sql_database`` backend installed here: connectorx (Rust reader) when importable."""
    try:
        import connectorx  # noqa: F401
    except ImportError:
        return "pyarrow"
    return "connectorx"


def load(work: Workload, scratch: Path, backend: str = "pyarrow") -> tuple[float, int]:
    """(seconds, rows loaded) for one full dlt run into a fresh duckdb file."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt
    from dlt.sources.sql_database import sql_database

    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        started = time.perf_counter()
        source = sql_database(
            credentials=f"mysql+pymysql://{USER}@{HOST}:{PORT}/{work.database}",
            table_names=list(TABLES),
            backend=backend,
            chunk_size=50_000,
            reflection_level="full",
        )
        pipeline = dlt.pipeline(
            pipeline_name="sidbench",
            pipelines_dir=str(Path(tmp) / "pipelines"),
            destination=dlt.destinations.duckdb(str(Path(tmp) / "bench.duckdb")),
            dataset_name="opensid",
            progress=None,
        )
        pipeline.run(source, write_disposition="replace")
        seconds = time.perf_counter() - started
        rows = sum(
            int(count)
            for table, count in pipeline.last_trace.last_normalize_info.row_counts.items()
            if not table.startswith("_dlt")
        )
    return seconds, rows
