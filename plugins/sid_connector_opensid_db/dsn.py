"""Connection settings parsed from a ``mysql://`` URL.

Kept apart from the driver so the settings (and their secret) can be checked and shown without importing it,
and so the password never reaches a repr, a log line or an error message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sid_connector.sources import SourceError

ENV_URL = "SID_SOURCE_URL"
_TRUE = {"1", "true", "yes", "on", "required", "require", "verify", "verify-ca", "verify-full"}
_FALSE = {"0", "false", "no", "off", "disabled", "disable", ""}


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Where and how to connect; ``password`` is excluded from the repr on purpose."""

    host: str
    port: int
    user: str
    database: str
    password: str = field(default="", repr=False)
    ssl: bool = False
    ssl_ca: str | None = None
    ssl_verify: bool = True
    connect_timeout: int = 10
    read_timeout: int = 300

    def describe(self) -> str:
        """``user@host:port/db`` for operator messages: never the password."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def _flag(value: str, name: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SourceError(f"Opsi koneksi {name}={value!r} tidak dikenal (pakai true/false).")


def _int(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SourceError(f"Opsi koneksi {name}={value!r} harus bilangan bulat (detik).") from None
    if number <= 0:
        raise SourceError(f"Opsi koneksi {name} harus lebih dari 0.")
    return number


def parse_url(url: str) -> ConnectionSettings:
    """``mysql://user:pass@host:port/db?ssl=true&ssl_ca=/path&connect_timeout=10&read_timeout=300``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"mysql", "mariadb", "mysql+pymysql"}:
        raise SourceError("URL basis data OpenSID harus diawali mysql:// (contoh mysql://user:sandi@host/opensid).")
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database:
        raise SourceError("URL basis data OpenSID harus memuat host dan nama basis data (mysql://user@host/db).")
    try:
        port = parts.port or 3306
    except ValueError:
        raise SourceError("Port pada URL basis data OpenSID tidak valid.") from None
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    known = {"ssl", "ssl_ca", "ssl_verify", "connect_timeout", "read_timeout"}
    unknown = sorted(set(query) - known)
    if unknown:
        raise SourceError(f"Opsi koneksi tidak dikenal: {', '.join(unknown)}.")
    ssl_ca = query.get("ssl_ca") or None
    return ConnectionSettings(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        database=database,
        ssl=_flag(query.get("ssl", ""), "ssl") or ssl_ca is not None,
        ssl_ca=ssl_ca,
        ssl_verify=_flag(query.get("ssl_verify", "true"), "ssl_verify"),
        connect_timeout=_int(query.get("connect_timeout", "10"), "connect_timeout"),
        read_timeout=_int(query.get("read_timeout", "300"), "read_timeout"),
    )


def settings_from_options(options: Mapping[str, Any]) -> ConnectionSettings:
    """The ``url`` option, else the ``SID_SOURCE_URL`` environment variable."""
    url = options.get("url") or os.environ.get(ENV_URL)
    if not url:
        raise SourceError(f"Sumber opensid-db butuh opsi 'url' atau variabel lingkungan {ENV_URL}.")
    return parse_url(str(url))
