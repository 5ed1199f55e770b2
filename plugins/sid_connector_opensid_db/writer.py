"""Writing synthetic villages into an OpenSID-shaped database (for ``demo``, tests and benchmarks).

Rows are inserted as a dump does: one session with ``FOREIGN_KEY_CHECKS=0`` (residents, families and RT rows
reference each other in cycles) and multi-row INSERTs of ``chunk`` rows, so a million residents stay
feasible. The schema, when missing, comes from the DDL shipped in this package, never from outside it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any, Protocol

from sid_connector.sources import SourceError
from sid_connector_opensid_db.driver import Database, DatabaseError
from sid_connector_opensid_db.dsn import ConnectionSettings, parse_url, settings_from_options
from sid_connector_opensid_db.queries import table_columns

DDL_FILE = "opensid_v2410_tables.sql"
SCHEMA_VERSION = "2024100101"
_DB_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")


class VillageLike(Protocol):
    """What the writer needs of ``sid_connector.synth.SyntheticVillage`` (``jabatan`` and ``rtm`` optional)."""

    config: dict[str, Any]
    wilayah: list[dict[str, Any]]
    pamong: list[dict[str, Any]]

    def keluarga(self) -> Iterable[dict[str, Any]]: ...
    def penduduk(self) -> Iterable[dict[str, Any]]: ...
    def log_penduduk(self) -> Iterable[dict[str, Any]]: ...
    def log_keluarga(self) -> Iterable[dict[str, Any]]: ...


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    return [part.strip() for part in body.split(";\n") if part.strip().rstrip(";")]


def ensure_database(settings: ConnectionSettings) -> None:
    """Create the target database when it does not exist (the name is checked, it cannot be a parameter)."""
    if not _DB_NAME.match(settings.database):
        raise SourceError(f"Nama basis data {settings.database!r} tidak diizinkan untuk demo.")
    server = Database(dataclasses.replace(settings, database=""))
    try:
        server.execute(f"CREATE DATABASE IF NOT EXISTS `{settings.database}` CHARACTER SET utf8mb4")
    finally:
        server.close()


def ensure_schema(db: Database) -> bool:
    """Create the OpenSID tables this package needs unless ``config`` exists; True when created."""
    if db.query("SHOW TABLES LIKE 'config'"):
        return False
    ddl = resources.files("sid_connector_opensid_db").joinpath(DDL_FILE).read_text(encoding="utf-8")
    db.execute("SET SESSION FOREIGN_KEY_CHECKS = 0")  # the tables reference each other in cycles
    for statement in _statements(ddl):
        db.execute(statement)
    db.execute("SET SESSION FOREIGN_KEY_CHECKS = 1")
    db.execute("INSERT INTO migrasi (versi_database) VALUES (%s)", (SCHEMA_VERSION,))
    db.commit()
    return True


class _TableWriter:
    """Buffers rows of one table and flushes them as multi-row INSERTs of at most ``chunk`` rows."""

    def __init__(self, db: Database, table: str, chunk: int, *, ignore: bool = False) -> None:
        self.db, self.table, self.chunk, self.ignore = db, table, chunk, ignore
        self.columns = set(table_columns(db, table))
        self.pending: list[Mapping[str, Any]] = []
        self.written = 0

    def add(self, row: Mapping[str, Any]) -> None:
        unknown = set(row) - self.columns
        if unknown:
            raise ValueError(f"kolom tidak dikenal untuk {self.table}: {', '.join(sorted(unknown))}")
        self.pending.append(row)
        if len(self.pending) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        groups: dict[tuple[str, ...], list[Sequence[Any]]] = {}
        for row in self.pending:
            names = tuple(row)
            groups.setdefault(names, []).append(tuple(row.values()))
        for names, values in groups.items():
            try:
                self.written += self.db.insert_rows(self.table, names, values, ignore=self.ignore)
            except DatabaseError as exc:
                raise DatabaseError(f"{self.table}: {exc}", exc.kind) from None
        self.pending.clear()
        self.db.commit()


def _write(db: Database, table: str, rows: Iterable[Mapping[str, Any]], chunk: int, *, ignore: bool = False) -> int:
    if isinstance(rows, list) and not rows:
        return 0
    writer = _TableWriter(db, table, chunk, ignore=ignore)
    for row in rows:
        writer.add(row)
    writer.flush()
    return writer.written


def write_into(db: Database, villages: Iterable[VillageLike], *, chunk: int = 1000) -> list[str]:
    """Write each village's tables in dump order on an open session; returns their kode_desa."""
    db.execute("SET SESSION FOREIGN_KEY_CHECKS = 0")
    codes: list[str] = []
    try:
        for village in villages:
            _write(db, "config", [village.config], chunk)
            # OpenSID seeds the first jabatan rows itself: keep those, add the rest.
            _write(db, "ref_jabatan", getattr(village, "jabatan", None) or [], chunk, ignore=True)
            _write(db, "tweb_wil_clusterdesa", village.wilayah, chunk)
            _write(db, "tweb_keluarga", village.keluarga(), chunk)
            _write(db, "tweb_penduduk", village.penduduk(), chunk)
            if village.pamong:
                _write(db, "tweb_desa_pamong", village.pamong, chunk)
            _write(db, "log_penduduk", village.log_penduduk(), chunk)
            _write(db, "log_keluarga", village.log_keluarga(), chunk)
            _write(db, "tweb_rtm", getattr(village, "rtm", None) or [], chunk)
            codes.append(str(village.config.get("kode_desa") or ""))
    finally:
        db.execute("SET SESSION FOREIGN_KEY_CHECKS = 1")
    return codes


def write_villages(conn_url: str | None, villages: Iterable[VillageLike], *, chunk: int = 1000) -> list[str]:
    """Write one or several synthetic villages (one gabungan database) at ``conn_url``; returns their codes.

    The database is created if missing, and the OpenSID tables too when ``config`` is absent; an existing
    OpenSID schema is used as it is.
    """
    settings = parse_url(conn_url) if conn_url else settings_from_options({})
    try:
        ensure_database(settings)
        db = Database(settings, autocommit=False)
    except DatabaseError as exc:
        raise SourceError(str(exc), unreachable=exc.kind == "unreachable") from None
    try:
        ensure_schema(db)
        return write_into(db, villages, chunk=chunk)
    except DatabaseError as exc:
        db.rollback()
        raise SourceError(f"Gagal menulis desa demo: {exc}") from None
    finally:
        db.close()
