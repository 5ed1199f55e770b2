"""Bearer tokens: one per village or one for the relay, compared in constant time."""

from __future__ import annotations

import hmac

from sid_connector_receiver.errors import PushRejected
from sid_connector_receiver.settings import ReceiverSettings


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or ``None``."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape"))


class Gate:
    """Who may push. Without any token configured (loopback only, enforced at start-up) everyone may."""

    def __init__(self, settings: ReceiverSettings) -> None:
        self.token = settings.token
        self.tokens = dict(settings.tokens)

    @property
    def open(self) -> bool:
        return not (self.token or self.tokens)

    def _matches(self, given: str) -> list[str | None]:
        """Which scopes ``given`` opens: ``None`` for the relay-wide token, else village codes.

        Every configured token is compared (no early exit), so timing does not tell which one came close.
        """
        scopes: list[str | None] = []
        if self.token and _same(given, self.token):
            scopes.append(None)
        for code, expected in self.tokens.items():
            if _same(given, expected):
                scopes.append(code)
        return scopes

    def admit(self, header: str | None) -> None:
        """Refuse (401) before any body is read unless the token is one of ours."""
        if self.open:
            return
        given = bearer(header)
        if given is None or not self._matches(given):
            raise PushRejected(401, "Token tidak dikenal oleh penerima sid-connector.", "token salah atau tidak ada")

    def allow_village(self, header: str | None, kode: str) -> None:
        """Refuse (403) a token that belongs to another village."""
        if self.open:
            return
        scopes = self._matches(bearer(header) or "")
        if None not in scopes and kode not in scopes:
            raise PushRejected(403, f"Token ini tidak berlaku untuk desa {kode}.", f"token bukan milik desa {kode}")
