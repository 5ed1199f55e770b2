"""Synthetic OpenSID databases in MariaDB, built once per (residents, seed) and reused by later runs."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pymysql

from sid_connector.synth import VillageSpec, generate
from sid_connector_opensid_db import write_villages

HOST, PORT, USER = "127.0.0.1", 3306, "root"
_MARK = "sidbench_done"  # a table created last: its presence means the database is complete


@dataclass(frozen=True, slots=True)
class Workload:
    """One synthetic village in its own MariaDB database."""

    residents: int
    seed: int

    @property
    def database(self) -> str:
        return f"sidbench_r{self.residents}_s{self.seed}"

    @property
    def url(self) -> str:
        return f"mysql://{USER}@{HOST}:{PORT}/{self.database}"

    @property
    def spec(self) -> VillageSpec:
        return VillageSpec(residents=self.residents, seed=self.seed)

    @property
    def kode_desa(self) -> str:
        return self.spec.kode_desa


def server() -> pymysql.connections.Connection:
    """A plain session on the server (no database selected)."""
    return pymysql.connect(host=HOST, port=PORT, user=USER, autocommit=True)


def is_built(work: Workload) -> bool:
    """True when a previous run finished writing this workload."""
    conn = server()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
                (work.database, _MARK),
            )
            (found,) = cur.fetchone()
        return bool(found)
    finally:
        conn.close()


def ensure(work: Workload, log: bool = True) -> float:
    """Build the workload unless cached; returns the seconds spent building (0.0 when cached)."""
    if is_built(work):
        return 0.0
    started = time.perf_counter()
    conn = server()
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{work.database}`")
    finally:
        conn.close()
    if log:
        print(f"  building {work.database} (one-off, cached afterwards)…", flush=True)
    write_villages(work.url, [generate(work.spec)], chunk=2000)
    conn = server()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE TABLE `{work.database}`.`{_MARK}` (built_at DATETIME)")
            cur.execute(f"INSERT INTO `{work.database}`.`{_MARK}` VALUES (NOW())")
            cur.execute(f"ANALYZE TABLE `{work.database}`.`tweb_penduduk`, `{work.database}`.`tweb_keluarga`")
            cur.fetchall()
    finally:
        conn.close()
    return time.perf_counter() - started


def row_counts(work: Workload) -> dict[str, int]:
    """Rows per table the pull reads (for records/s)."""
    tables = ("tweb_wil_clusterdesa", "tweb_keluarga", "tweb_penduduk", "log_penduduk", "log_keluarga")
    conn = server()
    try:
        with conn.cursor() as cur:
            counts = {}
            for table in tables:
                cur.execute(f"SELECT COUNT(*) FROM `{work.database}`.`{table}`")
                (counts[table],) = cur.fetchone()
        return counts
    finally:
        conn.close()
