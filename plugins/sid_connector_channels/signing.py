"""The webhook signature: HMAC-SHA256 over ``"<timestamp>." + body``, so a captured request cannot be replayed.

Sender headers: ``X-Sid-Timestamp: <unix seconds>`` and ``X-Sid-Signature: sha256=<hex>``. A receiver
recomputes the HMAC over the timestamp header, a dot and the *exact* body bytes, compares in constant time,
and rejects timestamps older (or newer) than its tolerance. :func:`verify` is that receiver, in Python.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Sid-Signature"
TIMESTAMP_HEADER = "X-Sid-Timestamp"
SCHEME = "sha256"
DEFAULT_TOLERANCE = 300  # seconds


def signed_content(timestamp: int | str, body: bytes) -> bytes:
    """What the HMAC covers: the timestamp as sent, a dot, then the body bytes."""
    return str(timestamp).encode("ascii") + b"." + body


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Sid-Signature`` header value."""
    digest = hmac.new(secret.encode("utf-8"), signed_content(timestamp, body), hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def verify(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
) -> bool:
    """True when the signature matches and the timestamp is within ``tolerance`` seconds of ``now``."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip())
