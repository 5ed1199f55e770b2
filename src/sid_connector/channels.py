"""What a notification channel receives and how it reports failure.

The core decides *who* hears *what* (events, routing, the outbox); a channel plugin only knows how to deliver
one message to one address. A channel raises :class:`ChannelError` and says whether trying again later can
help, so the outbox can retry a dead link and give up on a wrong address.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from sid_connector.sources import Check


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message for one recipient on one channel.

    ``address`` is channel-specific (an email address, a Telegram chat id, a WhatsApp number). ``text`` is the
    short body (fits WhatsApp); ``subject`` is used where the channel has one. ``data`` carries the structured
    event for machine channels (JSON Lines, webhook) — already stripped of raw NIK/KK and sensitive fields.
    """

    address: str
    subject: str
    text: str
    role: str
    recipient_name: str | None = None
    event: str = ""
    dedup_key: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


class ChannelError(Exception):
    """Delivery failed. ``retryable`` is False when retrying cannot help (bad token, unknown number)."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@runtime_checkable
class Channel(Protocol):
    """A notification channel. Register its class through the ``sid_connector_channels`` hook.

    ``options`` is the channel's table from the config (``[notify.channels.NAME]``), secrets resolved.
    """

    name: ClassVar[str]

    def send(self, message: OutgoingMessage) -> None:
        """Deliver one message or raise :class:`ChannelError`."""
        ...

    def check(self) -> Sequence[Check]:
        """Checks for ``doctor`` / ``notify --test``: configured, reachable, credentials accepted."""
        ...

    def close(self) -> None: ...
