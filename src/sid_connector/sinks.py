"""What a sink adapter does: push a village's changes from the store upstream, through the outbox.

A sink works from the store, never from the source: what changed since its last *acknowledged* push, in the
order and sizes its receiver demands. It plans each push as outbox items committed before anything is sent,
so a run killed mid-push resumes with the first item not yet acknowledged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from sid_connector.sources import Check


@dataclass(slots=True)
class PushReport:
    """What one push did, for the run summary and ``status --json``."""

    sink: str
    village: str
    sent: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    verified: bool | None = None
    mismatches: list[str] = field(default_factory=list)
    error: str | None = None
    unreachable: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "sink": self.sink,
            "village": self.village,
            "sent": self.sent,
            "pending": self.pending,
            "verified": self.verified,
            "mismatches": self.mismatches,
            "error": self.error,
            "unreachable": self.unreachable,
        }


@runtime_checkable
class DemoEndpoint(Protocol):
    """Optional on a sink class: a stand-in receiver on loopback for ``sid-connector demo``.

    ``demo_endpoint(villages)`` is a context manager: while it is open, a receiver accepts the villages'
    pushes; it yields ``(sink options, describe)`` where ``describe()`` says in one line what the receiver holds.
    """

    @classmethod
    def demo_endpoint(cls, villages: Sequence[tuple[str, str]]) -> Any: ...


@runtime_checkable
class Sink(Protocol):
    """A sink adapter. Register its class through the ``sid_connector_sinks`` hook.

    ``options`` is the config's ``[sinks.NAME]`` table (secrets already resolved from the environment).
    """

    name: ClassVar[str]

    def push(self, store: Any, village: str, run_id: int) -> PushReport:
        """Plan (into the outbox) and deliver the village's pending changes; never raises for delivery
        failures — they are reported, and the items wait in the outbox for the next run."""
        ...

    def check(self) -> Sequence[Check]:
        """Checks for ``doctor``: reachable, credentials accepted, the village registered upstream."""
        ...

    def close(self) -> None: ...
