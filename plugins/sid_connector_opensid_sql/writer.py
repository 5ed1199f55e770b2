"""Writing synthetic villages as an OpenSID database backup (mysqldump style), for ``demo``, tests and benchmarks.

The file looks like what OpenSID's "Backup database" gives an operator: a header, tables in alphabetical
order, each with ``DROP TABLE``/``CREATE TABLE`` (the v2410 DDL bundled with the database source) and
extended INSERTs without a column list. Rows are streamed family by family from the generator and written in
INSERTs of ``chunk`` rows, so a million residents need no more memory than a hundred.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import IO, Any

from sid_connector_opensid_db.writer import DDL_FILE, SCHEMA_VERSION
from sid_connector_opensid_sql.ddl import CREATE, parse_create
from sid_connector_opensid_sql.literals import row_literal
from sid_connector_opensid_sql.second_source import second_source

CHUNK = 500
_DDL = re.compile(r"CREATE TABLE IF NOT EXISTS `(\w+)` \(.*?\n\)[^;]*;", re.S)
_HEADER = """-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB (sid-connector demo)
--
-- Host: localhost    Database: opensid
-- ------------------------------------------------------

/*!40101 SET NAMES utf8mb4 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
"""
_FOOTER = """/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;

-- Dump completed
"""

RowSource = Callable[[Any], Iterable[dict[str, Any]]]


def _main_and_second(main: RowSource, extra: str) -> RowSource:
    def rows(village: Any) -> Iterator[dict[str, Any]]:
        yield from main(village)
        if village.spec.planted:
            yield from getattr(second_source(village), extra)

    return rows


# Alphabetical, as mysqldump orders them: a reader must not rely on families coming before residents.
TABLES: dict[str, RowSource] = {
    "config": lambda v: [v.config],
    "log_keluarga": lambda v: v.log_keluarga(),
    "log_penduduk": _main_and_second(lambda v: v.log_penduduk(), "log_penduduk"),
    "ref_jabatan": lambda v: getattr(v, "jabatan", None) or [],
    "tweb_desa_pamong": lambda v: v.pamong or [],
    "tweb_keluarga": _main_and_second(lambda v: v.keluarga(), "keluarga"),
    "tweb_penduduk": _main_and_second(lambda v: v.penduduk(), "penduduk"),
    "tweb_rtm": lambda v: getattr(v, "rtm", None) or [],
    "tweb_wil_clusterdesa": _main_and_second(lambda v: v.wilayah, "wilayah"),
}


def bundled_ddl() -> dict[str, tuple[str, list[str]]]:
    """``table → (CREATE TABLE text, columns)`` from the v2410 DDL shipped with the database source."""
    text = resources.files("sid_connector_opensid_db").joinpath(DDL_FILE).read_text(encoding="utf-8")
    result: dict[str, tuple[str, list[str]]] = {}
    for match in _DDL.finditer(text):
        statement = match.group(0).replace("CREATE TABLE IF NOT EXISTS", "CREATE TABLE", 1)
        create = CREATE.match(statement)
        assert create is not None
        name, table = parse_create(statement, create)
        result[name] = (statement, table.columns)
    return result


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8", newline="\n")
    return path.open("w", encoding="utf-8", newline="\n")


def _write_table(out: IO[str], table: str, columns: list[str], rows: Iterable[dict[str, Any]], chunk: int) -> int:
    known = set(columns)
    pending: list[str] = []
    written = 0
    for row in rows:
        unknown = row.keys() - known
        if unknown:
            raise ValueError(f"kolom tidak dikenal untuk {table}: {', '.join(sorted(unknown))}")
        pending.append(row_literal([row.get(column) for column in columns]))
        if len(pending) >= chunk:
            out.write(f"INSERT INTO `{table}` VALUES " + ",".join(pending) + ";\n")
            written += len(pending)
            pending.clear()
    if pending:
        out.write(f"INSERT INTO `{table}` VALUES " + ",".join(pending) + ";\n")
        written += len(pending)
    return written


def write_dump(villages: Sequence[Any], path: Path | str, *, chunk: int = CHUNK) -> dict[str, int]:
    """Write one village, or several of one gabungan database, as a dump at ``path`` (``.gz`` compresses).

    Returns the rows written per table.
    """
    target = Path(path)
    ddl = bundled_ddl()
    counts: dict[str, int] = {}
    with _open(target) as out:
        out.write(_HEADER)
        for table in sorted([*TABLES, "migrasi"]):
            statement, columns = ddl[table]
            out.write(f"\n--\n-- Table structure for table `{table}`\n--\n\nDROP TABLE IF EXISTS `{table}`;\n")
            out.write(statement + "\n\n")
            out.write(f"--\n-- Dumping data for table `{table}`\n--\n\nLOCK TABLES `{table}` WRITE;\n")
            if table == "migrasi":
                rows: Iterable[dict[str, Any]] = [{"id": 1, "versi_database": SCHEMA_VERSION, "premium": None}]
            else:
                rows = (row for village in villages for row in TABLES[table](village))
            counts[table] = _write_table(out, table, columns, rows, chunk)
            out.write("UNLOCK TABLES;\n")
        out.write("\n" + _FOOTER)
    return counts
