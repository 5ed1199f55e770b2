"""The ``jsonl`` channel: one JSON object per message appended to a file, for other programs and audits."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from sid_connector.channels import ChannelError, OutgoingMessage
from sid_connector.sources import Check
from sid_connector_channels.options import Options
from sid_connector_channels.outgoing import as_json, scrubbed


class JsonlChannel:
    """Appends a line per message; a whole line is written at once so readers never see half an object."""

    name: ClassVar[str] = "jsonl"

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.path = Path(Options(self.name, options).string("path")).expanduser()
        self._lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> None:
        record = {"sent_at": datetime.now(UTC).isoformat(timespec="seconds"), **as_json(scrubbed(message))}
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(line)
                    handle.flush()
        except OSError as exc:
            # A full disk may clear; a missing permission will not, but the outbox gives up in time either way.
            raise ChannelError(f"kanal jsonl: tidak dapat menulis {self.path}: {exc.strerror}", retryable=True) from exc

    def check(self) -> Sequence[Check]:
        folder = self._existing_parent()
        writable = (
            folder.is_dir()
            and os.access(folder, os.W_OK)
            and (not self.path.exists() or (self.path.is_file() and os.access(self.path, os.W_OK)))
        )
        message = f"menulis ke {self.path}" if writable else f"tidak dapat menulis ke {self.path}"
        return [Check(name="kanal jsonl", ok=writable, message=message)]

    def _existing_parent(self) -> Path:
        folder = self.path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return folder

    def close(self) -> None:
        return None

    def __repr__(self) -> str:
        return f"JsonlChannel(path={str(self.path)!r})"
