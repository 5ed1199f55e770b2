"""The ``telegram`` channel: the Bot API's ``sendMessage``; ``message.address`` is the chat id.

The token travels in the URL path (``/bot<token>/sendMessage``), so it is registered with the log redactor
and never put in an error text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from sid_connector.channels import ChannelError, OutgoingMessage
from sid_connector.sources import Check
from sid_connector_channels.failures import clean_detail, json_body, status_failure
from sid_connector_channels.httpclient import DEFAULT_TIMEOUT, HttpChannel, attempt
from sid_connector_channels.options import Options
from sid_connector_channels.outgoing import chat_body, scrubbed

DEFAULT_BASE_URL = "https://api.telegram.org"
MAX_TEXT = 4096  # Bot API limit for one message


def _fit(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class TelegramChannel(HttpChannel):
    """Sends plain text (no parse mode, so a stray ``*`` or ``_`` in a name cannot break the message)."""

    name: ClassVar[str] = "telegram"

    def __init__(self, options: Mapping[str, Any]) -> None:
        opts = Options(self.name, options)
        self.token = opts.secret("token")
        self.base_url = opts.url("base_url", DEFAULT_BASE_URL)
        self._open(opts.number("timeout", DEFAULT_TIMEOUT), None, self.token)

    def _call(self, method: str, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.base_url}/bot{self.token.reveal()}/{method}"
        response = attempt(self._client, self.name, "POST", url, json=dict(payload or {}))
        body = json_body(response) or {}
        description = body.get("description", "")
        if not response.is_success:
            raise status_failure(self.name, response, description, (self.token,))
        if body.get("ok") is not True:
            # The API documents ok=false only with an error status, but a proxy or future change may not.
            code = body.get("error_code")
            status = code if isinstance(code, int) else response.status_code
            retryable = isinstance(code, int) and (code == 429 or code >= 500)
            detail = clean_detail(description or "ok=false", (self.token,))
            raise ChannelError(f"kanal telegram: ditolak: {detail}", retryable=retryable, status=status)
        result = body.get("result")
        return result if isinstance(result, dict) else {}

    def send(self, message: OutgoingMessage) -> None:
        chat_id = message.address.strip()
        if not chat_id:
            raise ChannelError("kanal telegram: chat_id penerima kosong", retryable=False)
        text = _fit(chat_body(scrubbed(message)))
        self._call("sendMessage", {"chat_id": chat_id, "text": text, "disable_web_page_preview": True})

    def check(self) -> Sequence[Check]:
        """``getMe``: the token is accepted and the API reachable."""
        try:
            me = self._call("getMe")
        except ChannelError as exc:
            return [Check(name="kanal telegram", ok=False, message=str(exc))]
        return [Check(name="kanal telegram", ok=True, message=f"bot @{me.get('username', '?')} siap")]

    def __repr__(self) -> str:
        return f"TelegramChannel(base_url={self.base_url!r})"
