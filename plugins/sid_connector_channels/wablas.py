"""The ``wablas`` channel: WhatsApp through a Wablas server (``POST {base_url}/api/send-message``).

Wablas accounts live on a regional host (``https://<region>.wablas.com``), so ``base_url`` is required.
Newer accounts also have a secret key, sent as ``Authorization: <token>.<secret_key>``; older ones send the
token alone. A ``"status": false`` body is a refusal even under HTTP 200.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from sid_connector.channels import ChannelError, OutgoingMessage
from sid_connector.sources import Check
from sid_connector_channels.failures import gateway_failure, json_body, status_failure
from sid_connector_channels.httpclient import DEFAULT_TIMEOUT, HttpChannel, attempt
from sid_connector_channels.options import Options, Secret
from sid_connector_channels.outgoing import chat_body, scrubbed
from sid_connector_channels.phone import InvalidPhoneNumber, normalise_phone


class WablasChannel(HttpChannel):
    """``message.address`` is the recipient's WhatsApp number in any common Indonesian spelling."""

    name: ClassVar[str] = "wablas"

    def __init__(self, options: Mapping[str, Any]) -> None:
        opts = Options(self.name, options)
        self.base_url = opts.url("base_url")
        self.token = opts.secret("token")
        self.secret_key = opts.optional_secret("secret_key")
        authorization = self.token.reveal()
        if self.secret_key:
            authorization = f"{authorization}.{self.secret_key.reveal()}"
        self._authorization = Secret(authorization)
        self._open(
            opts.number("timeout", DEFAULT_TIMEOUT),
            {"Authorization": authorization},
            self.token,
            self.secret_key,
            self._authorization,
        )

    @property
    def _secrets(self) -> tuple[Secret | None, ...]:
        return (self._authorization, self.token, self.secret_key)

    def send(self, message: OutgoingMessage) -> None:
        try:
            phone = normalise_phone(message.address)
        except InvalidPhoneNumber as exc:
            raise ChannelError(f"kanal wablas: {exc}", retryable=False) from None
        form = {"phone": phone, "message": chat_body(scrubbed(message))}
        response = attempt(self._client, self.name, "POST", f"{self.base_url}/api/send-message", data=form)
        body = json_body(response)
        if not response.is_success:
            raise status_failure(self.name, response, (body or {}).get("message", ""), self._secrets)
        if body is None:
            raise ChannelError("kanal wablas: jawaban gateway bukan JSON", retryable=True, status=response.status_code)
        if body.get("status") is not True:
            raise gateway_failure(self.name, response.status_code, body.get("message"), self._secrets)

    def check(self) -> Sequence[Check]:
        """Configuration only: Wablas has no side-effect-free call shared by every server version."""
        return [
            Check(
                name="kanal wablas",
                ok=True,
                warning=True,
                message=f"dikonfigurasi untuk {self.base_url}; token baru teruji saat notify --test",
            )
        ]

    def __repr__(self) -> str:
        return f"WablasChannel(base_url={self.base_url!r})"
