"""The ``console`` channel: prints each message as a readable block, for trying routing before any gateway."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from sid_connector.channels import OutgoingMessage
from sid_connector.sources import Check
from sid_connector_channels.options import Options
from sid_connector_channels.outgoing import scrubbed

RULE = "─" * 60


class ConsoleChannel:
    """Writes to the stdout of the moment (looked up per message, so redirection and tests see it)."""

    name: ClassVar[str] = "console"

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        Options(self.name, options)  # no options; the call keeps the constructor's contract uniform

    def send(self, message: OutgoingMessage) -> None:
        message = scrubbed(message)
        recipient = message.role + (f" ({message.recipient_name})" if message.recipient_name else "")
        lines = [
            RULE,
            f"Kepada : {recipient} <{message.address}>",
            f"Subjek : {message.subject}",
        ]
        if message.event:
            lines.append(f"Peristiwa: {message.event}")
        lines += ["", message.text, RULE]
        print("\n".join(lines), file=sys.stdout, flush=True)

    def check(self) -> Sequence[Check]:
        return [Check(name="kanal console", ok=True, message="pesan dicetak ke layar")]

    def close(self) -> None:
        return None

    def __repr__(self) -> str:
        return "ConsoleChannel()"
