"""The ``fonnte`` channel: WhatsApp through the Fonnte gateway (``POST /send`` with form fields).

Fonnte answers HTTP 200 even when it refuses (``{"status": false, "reason": "..."}``), so the body's
``status`` decides, and the ``reason`` text says whether a retry can help.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from sid_connector.channels import ChannelError, OutgoingMessage
from sid_connector.sources import Check
from sid_connector_channels.failures import gateway_failure, json_body, status_failure
from sid_connector_channels.httpclient import DEFAULT_TIMEOUT, HttpChannel, attempt
from sid_connector_channels.options import Options
from sid_connector_channels.outgoing import chat_body, scrubbed
from sid_connector_channels.phone import InvalidPhoneNumber, normalise_phone

DEFAULT_BASE_URL = "https://api.fonnte.com"


class FonnteChannel(HttpChannel):
    """``message.address`` is the recipient's WhatsApp number in any common Indonesian spelling."""

    name: ClassVar[str] = "fonnte"

    def __init__(self, options: Mapping[str, Any]) -> None:
        opts = Options(self.name, options)
        self.token = opts.secret("token")
        self.base_url = opts.url("base_url", DEFAULT_BASE_URL)
        self.country_code = opts.string("country_code", "62")
        self._open(opts.number("timeout", DEFAULT_TIMEOUT), {"Authorization": self.token.reveal()}, self.token)

    def _post(self, path: str, form: Mapping[str, str] | None = None) -> dict[str, Any]:
        response = attempt(self._client, self.name, "POST", f"{self.base_url}{path}", data=dict(form or {}))
        body = json_body(response)
        if not response.is_success:
            detail = (body or {}).get("reason", "")
            raise status_failure(self.name, response, detail, (self.token,))
        if body is None:
            raise ChannelError("kanal fonnte: jawaban gateway bukan JSON", retryable=True, status=response.status_code)
        if body.get("status") is not True:
            raise gateway_failure(self.name, response.status_code, body.get("reason"), (self.token,))
        return body

    def send(self, message: OutgoingMessage) -> None:
        try:
            target = normalise_phone(message.address)
        except InvalidPhoneNumber as exc:
            raise ChannelError(f"kanal fonnte: {exc}", retryable=False) from None
        body = chat_body(scrubbed(message))
        self._post("/send", {"target": target, "message": body, "countryCode": self.country_code})

    def check(self) -> Sequence[Check]:
        """``POST /device``: token accepted and the WhatsApp device connected."""
        try:
            device = self._post("/device")
        except ChannelError as exc:
            return [Check(name="kanal fonnte", ok=False, message=str(exc))]
        state = str(device.get("device_status", "")).lower()
        if state and state != "connect":
            return [Check(name="kanal fonnte", ok=False, message=f"perangkat WhatsApp tidak terhubung ({state})")]
        quota = device.get("quota")
        return [Check(name="kanal fonnte", ok=True, message=f"perangkat terhubung, kuota {quota}")]

    def __repr__(self) -> str:
        return f"FonnteChannel(base_url={self.base_url!r})"
