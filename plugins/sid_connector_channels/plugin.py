"""Registers the first-party notification channels (entry point ``channels``)."""

from __future__ import annotations

from collections.abc import Sequence

from sid_connector.hookspecs import hookimpl
from sid_connector.registrations import ChannelPlugin
from sid_connector_channels.console import ConsoleChannel
from sid_connector_channels.fonnte import FonnteChannel
from sid_connector_channels.jsonl import JsonlChannel
from sid_connector_channels.smtp import EmailChannel
from sid_connector_channels.telegram import TelegramChannel
from sid_connector_channels.wablas import WablasChannel
from sid_connector_channels.webhook import WebhookChannel


@hookimpl
def sid_connector_channels() -> Sequence[ChannelPlugin]:
    return [
        ChannelPlugin(name="console", factory=ConsoleChannel, description="Cetak pesan ke layar (uji coba)"),
        ChannelPlugin(name="jsonl", factory=JsonlChannel, description="Tambahkan satu objek JSON per pesan ke berkas"),
        ChannelPlugin(name="email", factory=EmailChannel, description="E-mail lewat SMTP (STARTTLS/SSL, AUTH)"),
        ChannelPlugin(name="telegram", factory=TelegramChannel, description="Telegram Bot API (sendMessage)"),
        ChannelPlugin(name="fonnte", factory=FonnteChannel, description="WhatsApp lewat gateway Fonnte"),
        ChannelPlugin(name="wablas", factory=WablasChannel, description="WhatsApp lewat gateway Wablas"),
        ChannelPlugin(name="webhook", factory=WebhookChannel, description="POST JSON bertanda tangan HMAC ke URL"),
    ]
