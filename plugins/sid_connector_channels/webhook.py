"""The ``webhook`` channel: POSTs each message (with its structured ``data``) as signed JSON to one URL.

For villages wiring notifications into their own tools (a chat bot, a dashboard). The body is signed with
a shared secret (see :mod:`sid_connector_channels.signing`), so the receiver can trust it and refuse replays.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from sid_connector.channels import OutgoingMessage
from sid_connector.sources import Check
from sid_connector_channels.failures import json_body, status_failure
from sid_connector_channels.httpclient import DEFAULT_TIMEOUT, HttpChannel, attempt
from sid_connector_channels.options import Options
from sid_connector_channels.outgoing import as_json, scrubbed
from sid_connector_channels.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

RESERVED_HEADERS = {SIGNATURE_HEADER.lower(), TIMESTAMP_HEADER.lower(), "content-type", "content-length", "host"}


class WebhookChannel(HttpChannel):
    """One POST per message; any 2xx is success. ``message.address`` is passed along in the body."""

    name: ClassVar[str] = "webhook"

    def __init__(self, options: Mapping[str, Any], *, clock: Callable[[], float] = time.time) -> None:
        opts = Options(self.name, options)
        self.url = opts.url("url")
        self.secret = opts.secret("secret")
        extra = {str(key): str(value) for key, value in opts.mapping("headers").items()}
        if RESERVED_HEADERS & {key.lower() for key in extra}:
            raise opts.error("headers", "tidak boleh mengganti header tanda tangan atau Content-Type")
        self._clock = clock
        self._open(opts.number("timeout", DEFAULT_TIMEOUT), extra, self.secret)

    def body(self, message: OutgoingMessage) -> bytes:
        """The exact bytes sent (and signed): compact UTF-8 JSON with sorted keys."""
        payload = {"version": 1, **as_json(scrubbed(message))}
        return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()

    def send(self, message: OutgoingMessage) -> None:
        content = self.body(message)
        timestamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self.secret.reveal(), timestamp, content),
        }
        for header, value in (("X-Sid-Event", message.event), ("X-Sid-Dedup-Key", message.dedup_key)):
            if value.isascii() and value.isprintable():  # the body always has them; headers only when safe
                headers[header] = value
        response = attempt(self._client, self.name, "POST", self.url, content=content, headers=headers)
        if not response.is_success:
            body = json_body(response) or {}
            raise status_failure(self.name, response, body.get("message") or body.get("error") or "", (self.secret,))

    def check(self) -> Sequence[Check]:
        """Configuration only: a test POST would be a real delivery (use ``notify --test``)."""
        return [Check(name="kanal webhook", ok=True, message=f"mengirim ke {self.url} dengan tanda tangan HMAC")]

    def __repr__(self) -> str:
        return f"WebhookChannel(url={self.url!r})"


