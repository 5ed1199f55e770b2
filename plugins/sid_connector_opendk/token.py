"""The sync token: kept out of every repr, and its JWT ``exp`` read to warn before it runs out.

OpenDK's sync token is a JWT valid for one year, shared by every village of the kecamatan (OPENDK_API.md
§2.1); when it expires, every village stops at once. Reading ``exp`` (without verifying: we hold no key and
need none) lets the connector warn 30 days ahead (KNOWN_PROBLEMS §1).
"""

from __future__ import annotations

import base64
import datetime as dt
import json

WARN_DAYS = 30


class SecretToken:
    """A token that prints as ``***``; only :meth:`bearer` reveals it, for the Authorization header."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value.strip()

    def bearer(self) -> str:
        """The header value ``Bearer <token>``."""
        return f"Bearer {self._value}"

    def redact(self, text: str) -> str:
        """``text`` with the token (if it somehow got in) replaced by ``***``."""
        return text.replace(self._value, "***") if self._value else text

    @property
    def empty(self) -> bool:
        """No token configured at all."""
        return not self._value

    def expires_at(self) -> dt.datetime | None:
        """The JWT's ``exp`` as an aware UTC datetime; ``None`` when the token is not a readable JWT."""
        return jwt_expiry(self._value)

    def __repr__(self) -> str:
        return "SecretToken('***')"

    __str__ = __repr__


def jwt_expiry(token: str) -> dt.datetime | None:
    """Decode the payload of ``token`` (unverified) and return its ``exp``, or ``None``."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        return None
    return dt.datetime.fromtimestamp(exp, tz=dt.UTC)


def expiry_warning(
    expires_at: dt.datetime | None, *, now: dt.datetime | None = None, days: int = WARN_DAYS
) -> tuple[str, str] | None:
    """(Bahasa Indonesia, English) warning when the token expires within ``days`` or already has."""
    if expires_at is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    left = expires_at - now
    when = expires_at.strftime("%Y-%m-%d")
    if left.total_seconds() <= 0:
        return (
            f"Token sinkronisasi OpenDK sudah kedaluwarsa sejak {when}. Minta admin kecamatan membuat "
            "token baru dan menekan Simpan.",
            f"The OpenDK sync token expired on {when}. Ask the kecamatan admin to create a new token and press Save.",
        )
    if left <= dt.timedelta(days=days):
        return (
            f"Token sinkronisasi OpenDK akan kedaluwarsa pada {when} ({left.days} hari lagi). Minta admin "
            "kecamatan menyiapkan token baru; token ini dipakai semua desa di kecamatan.",
            f"The OpenDK sync token expires on {when} (in {left.days} days). Ask the kecamatan admin to "
            "prepare a new token; every village of the kecamatan uses this one.",
        )
    return None
