"""The ``[receiver]`` table: where to listen, whom to trust, where to keep pushes and how much to accept."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sid_connector.config import Config, ConfigError
from sid_connector_opensid_xlsx.columns import MAX_CELL

TOKEN_ENV = "SID_RECEIVER_TOKEN"  # noqa: S105 - the name of the variable, not a secret
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8087
MB = 1024 * 1024


def kode_desa(value: object) -> str | None:
    """``"52.01.14.2005"`` or ``"5201142005"`` → ``"5201142005"``; anything else → ``None``."""
    text = str(value or "").strip()
    if not re.fullmatch(r"\d{2}\.?\d{2}\.?\d{2}\.?\d{4}", text):
        return None
    return text.replace(".", "")


def dotted(kode: str) -> str:
    """``"5201142005"`` → ``"52.01.14.2005"`` (how OpenSID writes ``desa_id``)."""
    return f"{kode[:2]}.{kode[2:4]}.{kode[4:6]}.{kode[6:]}"


def is_loopback(host: str) -> bool:
    """Only loopback addresses (and ``localhost``) count as private to this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on untrusted input; each is checked before the work it bounds is done."""

    max_body: int = 50 * MB
    max_unzipped: int = 200 * MB
    max_ratio: int = 100
    max_entries: int = 10_000
    max_cell: int = MAX_CELL  # the workbook reader truncates (and flags) at this length
    max_rows: int = 500_000


@dataclass(frozen=True, slots=True)
class ReceiverSettings:
    """Resolved settings; tokens are never part of ``repr``."""

    inbox: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = field(default=None, repr=False)
    tokens: Mapping[str, str] = field(default_factory=dict, repr=False)
    villages: frozenset[str] = frozenset()
    keep: int = 10
    run_pipeline: bool = True
    limits: Limits = Limits()

    @property
    def has_token(self) -> bool:
        return bool(self.token or self.tokens)

    def known(self, kode: str) -> bool:
        """A village this relay serves: named in ``villages``, ``tokens`` or the config's ``[source]``."""
        return kode in self.villages

    def check_startup(self, host: str) -> None:
        """Refuse to start unsafe or useless: beyond loopback without a token anyone could push residents."""
        if not is_loopback(host) and not self.has_token:
            raise ConfigError(
                f"Penerima tidak akan mendengarkan di {host} tanpa token: isi {TOKEN_ENV} atau "
                "[receiver] token / tokens, atau gunakan --host 127.0.0.1."
            )
        if not self.villages:
            raise ConfigError(
                'Belum ada desa untuk penerima: isi [receiver] villages = ["KODE_DESA"], [receiver] tokens, '
                "atau [source] kode_desa."
            )


def _codes(values: object, where: str) -> set[str]:
    items = values if isinstance(values, list | tuple) else [values] if values else []
    codes = set()
    for item in items:
        code = kode_desa(item)
        if code is None:
            raise ConfigError(f"{where}: kode desa {str(item)[:20]!r} harus 10 angka (boleh bertitik).")
        codes.add(code)
    return codes


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"53": {"06": {"13": {"2001": t}}}}`` → ``{"53.06.13.2001": t}``: an unquoted dotted TOML key nests."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name))
        else:
            flat[name] = value
    return flat


def load_settings(config: Config) -> ReceiverSettings:
    """Read ``[receiver]`` (secrets already expanded from ``${VAR}``) plus ``SID_RECEIVER_TOKEN``."""
    raw: dict[str, Any] = config.section("receiver")
    tokens_raw = raw.get("tokens") or {}
    if not isinstance(tokens_raw, Mapping):
        raise ConfigError('[receiver] tokens harus tabel: tokens = {"3301022001" = "${SID_RECEIVER_TOKEN}"}.')
    tokens: dict[str, str] = {}
    for key, value in _flatten(tokens_raw).items():
        code = kode_desa(key)
        if code is None:
            raise ConfigError(f"[receiver] tokens: kunci {str(key)[:20]!r} harus kode desa 10 angka.")
        if not str(value or "").strip():
            raise ConfigError(f"[receiver] tokens: token desa {code} kosong.")
        tokens[code] = str(value).strip()
    token = os.environ.get(TOKEN_ENV) or str(raw.get("token") or "").strip() or None
    villages = _codes(raw.get("villages"), "[receiver] villages") | set(tokens)
    if config.source.name == "opensid-push" or not villages:
        villages |= _codes(config.source.kode_desa, "[source] kode_desa")
    defaults = Limits()
    limits = Limits(
        max_body=int(raw.get("max_body_mb", defaults.max_body // MB)) * MB,
        max_unzipped=int(raw.get("max_unzipped_mb", defaults.max_unzipped // MB)) * MB,
        max_ratio=int(raw.get("max_ratio", defaults.max_ratio)),
        max_entries=int(raw.get("max_entries", defaults.max_entries)),
        max_rows=int(raw.get("max_rows", defaults.max_rows)),
    )
    return ReceiverSettings(
        inbox=config.resolve(str(raw.get("inbox") or "receiver-inbox")),
        host=str(raw.get("host") or DEFAULT_HOST),
        port=int(raw.get("port") or DEFAULT_PORT),
        token=token,
        tokens=tokens,
        villages=frozenset(villages),
        keep=max(2, int(raw.get("keep", 10))),  # the running pipeline may still read the previous file
        run_pipeline=bool(raw.get("run_pipeline", True)),
        limits=limits,
    )
