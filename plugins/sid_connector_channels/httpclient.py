"""One ``httpx.Client`` per HTTP channel: explicit timeouts, no redirects, no retries, secrets kept out of logs.

httpx logs every request URL at INFO, and the Telegram Bot API puts the token in the URL; the filter here
replaces registered secrets in the ``httpx`` logger's records before any handler sees them.
"""

from __future__ import annotations

import functools
import logging
import ssl
import threading

import httpx

from sid_connector_channels.failures import transport_failure
from sid_connector_channels.options import Secret

DEFAULT_TIMEOUT = 30.0


class _SecretRedactor(logging.Filter):
    """Replaces every registered secret in a record's final message by ``***``."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        with self._lock:
            self._secrets[secret] = self._secrets.get(secret, 0) + 1

    def remove(self, secret: str) -> None:
        with self._lock:
            count = self._secrets.get(secret, 0) - 1
            if count <= 0:
                self._secrets.pop(secret, None)
            else:
                self._secrets[secret] = count

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            secrets = [secret for secret in self._secrets if secret]
        if not secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for secret in secrets:
            cleaned = cleaned.replace(secret, "***")
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_REDACTOR = _SecretRedactor()
_LOGGERS = ("httpx",)
for _name in _LOGGERS:
    logging.getLogger(_name).addFilter(_REDACTOR)


def redact_in_logs(*secrets: Secret | None) -> None:
    """Keep these secrets out of httpx's log lines until :func:`forget_secrets`."""
    for secret in secrets:
        if secret:
            _REDACTOR.add(secret.reveal())


def forget_secrets(*secrets: Secret | None) -> None:
    for secret in secrets:
        if secret:
            _REDACTOR.remove(secret.reveal())


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle costs ~0.1 s; every channel shares one verified context."""
    return httpx.create_ssl_context()


def make_client(timeout: float = DEFAULT_TIMEOUT, headers: dict[str, str] | None = None) -> httpx.Client:
    """A client that makes exactly the one request it is asked for (the outbox owns retries)."""
    context = _tls_context()
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,
        headers=headers,
        verify=context,
        transport=httpx.HTTPTransport(retries=0, verify=context),
    )


class HttpChannel:
    """Base of the HTTP channels: one client, and their secrets kept out of httpx's logs until :meth:`close`."""

    def _open(self, timeout: float, headers: dict[str, str] | None, *secrets: Secret | None) -> None:
        self._client = make_client(timeout, headers)
        self._held_secrets = secrets
        self._closed = False
        redact_in_logs(*secrets)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._client.close()
            forget_secrets(*self._held_secrets)


def attempt(client: httpx.Client, channel: str, method: str, url: str, **kwargs: object) -> httpx.Response:
    """One request; a transport failure becomes a retryable :class:`ChannelError` (no URL in its text)."""
    try:
        return client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.TransportError as exc:
        raise transport_failure(channel, exc) from None
