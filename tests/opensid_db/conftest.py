"""Fixtures: one fresh MariaDB database per test, loaded with OpenSID v2410's real schema.

A missing server fails these tests on purpose: a skipped database suite would hide a broken source.
"""

from __future__ import annotations

import functools
import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
HOST, PORT, USER = "127.0.0.1", 3306, "root"
SERVER_URL = f"mysql://{USER}@{HOST}:{PORT}"


def _mariadb(*args: str, stdin: Path | None = None) -> None:
    command = ["mariadb", f"-h{HOST}", f"-P{PORT}", f"-u{USER}", *args]
    with open(stdin, "rb") if stdin else open("/dev/null", "rb") as handle:
        done = subprocess.run(command, stdin=handle, capture_output=True, timeout=60, check=False)
    if done.returncode != 0:
        pytest.fail(f"MariaDB at {HOST}:{PORT} is needed: {done.stderr.decode(errors='replace')[:300]}")


@pytest.fixture
def empty_db() -> Iterator[str]:
    """A new, empty database; yields its name and drops it afterwards."""
    name = f"sidc_{uuid.uuid4().hex[:12]}"
    _mariadb("-e", f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield name
    finally:
        _mariadb("-e", f"DROP DATABASE IF EXISTS `{name}`")


# The tables the source reads and the writer fills, plus the reference table their keys point to. Most
# tests load just these statements, verbatim from the real dump: creating all 249 tables per test costs
# seconds on a busy server. ``full_opensid_db`` loads both files whole.
TABLES = (
    *("config", "migrasi", "ref_pindah", "ref_jabatan", "tweb_wil_clusterdesa", "tweb_keluarga"),
    *("tweb_penduduk", "tweb_penduduk_map", "tweb_desa_pamong", "tweb_penduduk_mandiri", "tweb_rtm"),
    *("log_penduduk", "log_keluarga", "log_hapus_penduduk"),
)


@functools.cache
def _subset_sql() -> str:
    text = (SHARED / "opensid" / "schema.sql").read_text() + (SHARED / "opensid" / "ref_tables.sql").read_text()
    parts = ["SET NAMES utf8mb4;", "SET FOREIGN_KEY_CHECKS=0;"]
    for table in TABLES:
        match = re.search(rf"CREATE TABLE `{table}` \(.*?\n\) ENGINE=[^\n]*;", text, re.S)
        assert match, table
        parts.append(match.group(0))
        parts.extend(re.findall(rf"^INSERT INTO `{table}` .*;$", text, re.M))
    return "\n".join(parts) + "\n"


@pytest.fixture
def opensid_db(empty_db: str, tmp_path: Path) -> str:
    """A database with OpenSID v2410's own DDL (from schema.sql + ref_tables.sql) for the tables read."""
    script = tmp_path / "subset.sql"
    script.write_text(_subset_sql())
    _mariadb(empty_db, stdin=script)
    return empty_db


@pytest.fixture
def full_opensid_db(empty_db: str) -> str:
    """A database with schema.sql + ref_tables.sql loaded whole, like a fresh OpenSID v2410 install."""
    _mariadb(empty_db, stdin=SHARED / "opensid" / "schema.sql")
    _mariadb(empty_db, stdin=SHARED / "opensid" / "ref_tables.sql")
    return empty_db


@pytest.fixture
def db_url(opensid_db: str) -> str:
    return f"{SERVER_URL}/{opensid_db}"


@pytest.fixture
def sql(opensid_db: str) -> Iterator[pymysql.connections.Connection]:
    """A root session on the test database, as OpenSID's web UI would write (UTC session, autocommit)."""
    conn = pymysql.connect(
        host=HOST,
        port=PORT,
        user=USER,
        database=opensid_db,
        autocommit=True,
        init_command="SET time_zone='+00:00'",
    )
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def server() -> Iterator[pymysql.connections.Connection]:
    """A root session on the server without a default database."""
    conn = pymysql.connect(host=HOST, port=PORT, user=USER, autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


def run_sql(conn: pymysql.connections.Connection, statement: str, *params: object) -> list[tuple]:
    with conn.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall())
