"""The one error type a request can end in: an operator-readable 4xx answer that stores nothing."""

from __future__ import annotations


class PushRejected(Exception):
    """Refuse a push. ``message`` goes to OpenSID (Bahasa Indonesia); ``reason`` goes to the log only.

    Every parser of untrusted input raises only this, so the app turns any refusal into
    ``{"message": ...}`` with ``status`` and never into a 500 that crashes OpenSID's page.
    """

    def __init__(self, status: int, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason or message


def bad_request(message: str, reason: str | None = None) -> PushRejected:
    """422: the content cannot be accepted (OpenDK's own status for invalid uploads)."""
    return PushRejected(422, message, reason)


def too_large(message: str, reason: str | None = None) -> PushRejected:
    """413: the request or an unpacked member exceeds a cap."""
    return PushRejected(413, message, reason)
