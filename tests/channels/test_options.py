"""Every channel validates its options at construction with a Bahasa Indonesia error naming the option."""

from __future__ import annotations

from typing import Any

import pytest

from sid_connector_channels.fonnte import FonnteChannel
from sid_connector_channels.jsonl import JsonlChannel
from sid_connector_channels.options import ChannelConfigError, Options, Secret
from sid_connector_channels.smtp import EmailChannel
from sid_connector_channels.telegram import TelegramChannel
from sid_connector_channels.wablas import WablasChannel
from sid_connector_channels.webhook import WebhookChannel

EMAIL = {"host": "127.0.0.1", "from": "sid@desa.example.id"}


@pytest.mark.parametrize(
    ("factory", "options", "option"),
    [
        (JsonlChannel, {}, "path"),
        (EmailChannel, {"from": "sid@desa.example.id"}, "host"),
        (EmailChannel, {"host": "smtp.example.id"}, "from"),
        (EmailChannel, {**EMAIL, "from": "bukan-alamat"}, "from"),
        (EmailChannel, {**EMAIL, "username": "sid"}, "password"),
        (EmailChannel, {**EMAIL, "password": "rahasia-smtp"}, "username"),
        (EmailChannel, {**EMAIL, "ssl": True, "starttls": True}, "starttls"),
        (EmailChannel, {**EMAIL, "port": 70000}, "port"),
        (EmailChannel, {**EMAIL, "timeout": "lama"}, "timeout"),
        (EmailChannel, {**EMAIL, "starttls": "mungkin"}, "starttls"),
        (TelegramChannel, {}, "token"),
        (TelegramChannel, {"token": "123:abc", "base_url": "ftp://x"}, "base_url"),
        (FonnteChannel, {"token": "   "}, "token"),
        (WablasChannel, {"token": "t"}, "base_url"),
        (WablasChannel, {"base_url": "https://tegal.wablas.com"}, "token"),
        (WebhookChannel, {"secret": "s"}, "url"),
        (WebhookChannel, {"url": "https://hook.example.id/in"}, "secret"),
        (WebhookChannel, {"url": "https://h.id", "secret": "s", "headers": {"X-Sid-Signature": "x"}}, "headers"),
    ],
)
def test_missing_or_wrong_option_is_named(factory: Any, options: dict[str, Any], option: str) -> None:
    with pytest.raises(ChannelConfigError) as info:
        factory(options)
    text = str(info.value)
    assert f"'{option}'" in text
    assert f"[notify.channels.{factory.name}]" in text
    assert "rahasia-smtp" not in text


def test_secret_never_shows() -> None:
    secret = Options("x", {"token": "sangat-rahasia"}).secret("token")
    assert "sangat-rahasia" not in repr(secret) + str(secret) + f"{secret}"
    assert secret.reveal() == "sangat-rahasia"
    assert not Secret("")


def test_email_defaults_follow_tls_mode() -> None:
    assert EmailChannel(EMAIL).port == 587
    assert EmailChannel({**EMAIL, "ssl": True}).port == 465
    assert EmailChannel({**EMAIL, "starttls": False}).port == 25
