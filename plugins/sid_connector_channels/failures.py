"""Turning one failed HTTP attempt into a :class:`ChannelError` that says whether a retry can help.

Retryable: the link (connection refused or reset, timeout), the server's load (429, 5xx) and gateway states
an operator fixes without touching the config (WhatsApp device disconnected, quota used up). Not retryable:
the request itself (400/401/403/404, invalid token, unknown number), where every retry fails the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from sid_connector.channels import ChannelError
from sid_connector.privacy import scrub
from sid_connector_channels.options import Secret

MAX_DETAIL = 200

# Gateway reason texts (Fonnte ``reason``, Wablas ``message``) that no retry can fix, as lower-cased substrings.
# Everything else ("device disconnected", "quota", "please wait", an unknown text) is retryable.
PERMANENT_REASONS: tuple[str, ...] = (
    "token invalid",
    "invalid token",
    "unknown user",
    "invalid device",
    "unauthorized",
    "not registered",
    "tidak terdaftar",
    "target invalid",
    "invalid target",
    "invalid phone",
    "phone invalid",
    "number invalid",
    "invalid number",
    "input invalid",
    "invalid input",
    "message invalid",
    "blocked",
)


def is_retryable_status(status: int) -> bool:
    """429 and 5xx are the server's passing trouble; any other failing status is an answer."""
    return status == 429 or 500 <= status <= 599


def reason_is_retryable(reason: str) -> bool:
    """False for a known permanent refusal; anything else may pass (the outbox gives up in time)."""
    text = reason.lower()
    return not any(marker in text for marker in PERMANENT_REASONS)


def clean_detail(text: object, secrets: Iterable[Secret | None] = ()) -> str:
    """A server-supplied text made safe for an error: secrets removed, NIK/KK masked, length bounded."""
    detail = " ".join(str(text).split())
    for secret in secrets:
        if secret:
            detail = detail.replace(secret.reveal(), "***")
    detail = scrub(detail)
    return detail if len(detail) <= MAX_DETAIL else detail[: MAX_DETAIL - 1] + "…"


def transport_failure(channel: str, exc: httpx.TransportError) -> ChannelError:
    """Connection refused/reset, DNS, timeout: the message may never have arrived, so try again later."""
    kind = "batas waktu habis" if isinstance(exc, httpx.TimeoutException) else "server tidak dapat dihubungi"
    return ChannelError(f"kanal {channel}: {kind} ({type(exc).__name__})", retryable=True)


def status_failure(
    channel: str, response: httpx.Response, detail: object = "", secrets: Iterable[Secret | None] = ()
) -> ChannelError:
    """A non-2xx answer; ``detail`` is the server's own explanation when it gave one."""
    status = response.status_code
    text = clean_detail(detail, secrets) if detail else ""
    suffix = f": {text}" if text else ""
    return ChannelError(
        f"kanal {channel}: HTTP {status}{suffix}", retryable=is_retryable_status(status), status=status
    )


def gateway_failure(channel: str, status: int, reason: object, secrets: Iterable[Secret | None] = ()) -> ChannelError:
    """A gateway's ``"status": false`` (often inside an HTTP 200), classified by its reason text."""
    text = clean_detail(reason or "tanpa keterangan", secrets)
    return ChannelError(f"kanal {channel}: gateway menolak: {text}", retryable=reason_is_retryable(text), status=status)


def json_body(response: httpx.Response) -> dict[str, object] | None:
    """The response's JSON object, or None when the body is not one (an HTML error page, say)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
