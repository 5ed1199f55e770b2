"""Everything specific to the MySQL driver (PyMySQL) lives here, so it can be swapped for another.

PyMySQL is pure Python: it installs with pip alone on a fresh machine, where mysqlclient needs a compiler and
the libmariadb headers. The rest of the package sees only :class:`Database` and :class:`DatabaseError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ssl
from collections.abc import Iterable, Sequence
from typing import Any

import pymysql
from pymysql.constants import ER, FIELD_TYPE
from pymysql.converters import conversions, convert_date, convert_datetime

from sid_connector_opensid_db.dsn import ConnectionSettings

DRIVER_NAME = f"PyMySQL {pymysql.__version__}"
Row = dict[str, Any]


class DatabaseError(Exception):
    """A driver error turned into an operator message; never carries the password.

    ``kind`` is one of ``unreachable``, ``auth``, ``database``, ``query``.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _zero_safe(convert: Any) -> Any:
    """Zero dates (``0000-00-00``) become None; other unreadable dates stay text for the validator to name."""

    def parse(value: str | bytes) -> Any:
        result = convert(value)
        if isinstance(result, str) and result.startswith("0000-00-00"):
            return None
        return result

    return parse


_CONVERSIONS = dict(conversions)
_CONVERSIONS[FIELD_TYPE.DATE] = _zero_safe(convert_date)
_CONVERSIONS[FIELD_TYPE.DATETIME] = _zero_safe(convert_datetime)
_CONVERSIONS[FIELD_TYPE.TIMESTAMP] = _zero_safe(convert_datetime)


def _ssl_context(settings: ConnectionSettings) -> ssl.SSLContext | None:
    if not settings.ssl:
        return None
    context = ssl.create_default_context(cafile=settings.ssl_ca)
    if not settings.ssl_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _translate(exc: Exception, settings: ConnectionSettings) -> DatabaseError:
    """Map a driver exception to an Indonesian message; driver text may echo the URL, so it is dropped."""
    where = f"{settings.host}:{settings.port}"
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    detail = str(exc.args[1]) if len(exc.args) > 1 else ""
    if code == ER.ACCESS_DENIED_ERROR or code == ER.DBACCESS_DENIED_ERROR:
        return DatabaseError(
            f"Akses ditolak untuk pengguna '{settings.user}' di {where}: periksa nama pengguna dan sandi.",
            "auth",
        )
    if code == ER.BAD_DB_ERROR:
        return DatabaseError(f"Basis data '{settings.database}' tidak ada di {where}.", "database")
    if code == 2026:
        return DatabaseError(
            f"Koneksi TLS ke {where} gagal (server tanpa TLS atau sertifikat tidak sah): {detail[:120]}",
            "unreachable",
        )
    if code in (2003, 2005, 2006, 2013):
        lowered = detail.lower()
        if "name or service" in lowered or "nodename" in lowered or "getaddrinfo" in lowered or code == 2005:
            reason = "nama host tidak dikenal (DNS)"
        elif "refused" in lowered:
            reason = "koneksi ditolak (server mati atau port salah)"
        elif "timed out" in lowered or "timeout" in lowered:
            reason = "waktu tunggu habis"
        else:
            reason = "koneksi terputus"
        return DatabaseError(f"Server basis data {where} tidak dapat dihubungi: {reason}.", "unreachable")
    text = detail.replace(settings.password, "***") if settings.password else detail
    return DatabaseError(f"Kueri ke basis data OpenSID gagal (kode {code}): {text[:200]}", "query")


class Database:
    """One session on the OpenSID database: dict rows, UTC session clock, zero dates as None."""

    def __init__(self, settings: ConnectionSettings, *, autocommit: bool = True) -> None:
        self.settings = settings
        try:
            self._conn = pymysql.connect(
                host=settings.host,
                port=settings.port,
                user=settings.user,
                password=settings.password,
                database=settings.database,
                charset="utf8mb4",
                conv=_CONVERSIONS,
                ssl=_ssl_context(settings),
                connect_timeout=settings.connect_timeout,
                read_timeout=settings.read_timeout,
                write_timeout=settings.read_timeout,
                autocommit=autocommit,
                # Timestamps are compared with a watermark from this session's NOW(): a fixed UTC session
                # keeps both on one clock whatever the server's (possibly DST-shifting) zone is.
                init_command="SET time_zone = '+00:00'",
                cursorclass=pymysql.cursors.DictCursor,
            )
        except pymysql.MySQLError as exc:
            raise _translate(exc, settings) from None
        except OSError as exc:
            raise DatabaseError(
                f"Server basis data {settings.host}:{settings.port} tidak dapat dihubungi: "
                f"{exc.strerror or type(exc).__name__}.",
                "unreachable",
            ) from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """All rows of one (parameterised) query."""
        try:
            with self._conn.cursor() as cursor:
                cursor.execute(sql, tuple(params))
                return list(cursor.fetchall())
        except pymysql.MySQLError as exc:
            raise _translate(exc, self.settings) from None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        rows = self.query(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def column(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The first column of every row, fetched as plain tuples (id lists can be large)."""
        try:
            with self._conn.cursor(pymysql.cursors.SSCursor) as cursor:
                cursor.execute(sql, tuple(params))
                return [row[0] for row in cursor]
        except pymysql.MySQLError as exc:
            raise _translate(exc, self.settings) from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the affected row count."""
        try:
            with self._conn.cursor() as cursor:
                return int(cursor.execute(sql, tuple(params)))
        except pymysql.MySQLError as exc:
            raise _translate(exc, self.settings) from None

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, ignore: bool = False
    ) -> int:
        """One multi-row INSERT (``IGNORE`` keeps existing rows); names are checked by the caller."""
        values = [tuple(row) for row in rows]
        if not values:
            return 0
        placeholders = "(" + ",".join(["%s"] * len(columns)) + ")"
        names = ",".join(f"`{name}`" for name in columns)
        verb = "INSERT IGNORE" if ignore else "INSERT"
        sql = f"{verb} INTO `{table}` ({names}) VALUES " + ",".join([placeholders] * len(values))
        flat = [value for row in values for value in row]
        return self.execute(sql, flat)

    def end_read(self) -> None:
        """Close the read snapshot; a broken connection needs no cleanup, so errors are ignored."""
        with contextlib.suppress(pymysql.MySQLError, OSError):
            self._conn.rollback()

    def commit(self) -> None:
        self._conn.commit()

    def rollback(self) -> None:
        self._conn.rollback()

    def close(self) -> None:
        with contextlib.suppress(pymysql.MySQLError):
            self._conn.close()


def as_text(value: Any) -> str | None:
    """A DB clock value as the text the cursor stores (``YYYY-MM-DD HH:MM:SS``)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)
