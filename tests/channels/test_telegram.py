"""The telegram channel against a loopback Bot API simulator (documented success and failure shapes)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from sid_connector.channels import Channel, ChannelError
from sid_connector_channels.telegram import MAX_TEXT, TelegramChannel
from tests.channels.conftest import MASKED_NIK, NIK, make_message
from tests.channels.simulator import Recorded, Reply, Simulator

TOKEN = "123456:AAE-bot-Token-Sangat-Rahasia"


def bot_api(request: Recorded) -> Reply:
    """The Bot API's answers: 401 for a wrong token, 400 for an unknown chat, else a sent message."""
    prefix = f"/bot{TOKEN}/"
    if not request.path.startswith(prefix):
        return Reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    method = request.path[len(prefix) :]
    if method == "getMe":
        return Reply(200, {"ok": True, "result": {"id": 123456, "is_bot": True, "username": "desa_bot"}})
    payload = request.json()
    if payload["chat_id"] == "404":
        return Reply(400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    chat = {"id": int(payload["chat_id"]), "type": "private"}
    return Reply(200, {"ok": True, "result": {"message_id": 7, "chat": chat, "date": 0, "text": payload["text"]}})


@pytest.fixture
def channel(sim: Simulator) -> Iterator[TelegramChannel]:
    sim.handler = bot_api
    channel = TelegramChannel({"token": TOKEN, "base_url": sim.url, "timeout": 2})
    yield channel
    channel.close()


def test_sends_plain_text_with_subject(channel: TelegramChannel, sim: Simulator) -> None:
    assert isinstance(channel, Channel)
    channel.send(make_message(address="987654321"))
    sent = sim.requests[0].json()
    assert sent["chat_id"] == "987654321"
    assert sent["text"].startswith("NIK-FORMAT: 2 temuan di Dusun Krajan\n\nYth. Kasi Pemerintahan")
    assert "parse_mode" not in sent


def test_check_calls_get_me(channel: TelegramChannel) -> None:
    check = channel.check()[0]
    assert check.ok
    assert "@desa_bot" in check.message


def test_long_text_is_cut_to_the_api_limit(channel: TelegramChannel, sim: Simulator) -> None:
    channel.send(make_message(address="1", subject="", text="x" * 5000))
    assert len(sim.requests[0].json()["text"]) == MAX_TEXT


def test_scrub_defence(channel: TelegramChannel, sim: Simulator) -> None:
    channel.send(make_message(address="1", text=f"NIK {NIK} ganda"))
    assert f"NIK {MASKED_NIK} ganda" in sim.requests[0].json()["text"]
    assert NIK not in sim.requests[0].body.decode()


def test_unknown_chat_is_not_retryable(channel: TelegramChannel) -> None:
    with pytest.raises(ChannelError) as info:
        channel.send(make_message(address="404"))
    assert info.value.retryable is False
    assert info.value.status == 400
    assert "chat not found" in str(info.value)


def test_wrong_token_is_not_retryable_and_never_shown(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sim.handler = bot_api
    wrong = "999:WRONG-token-value"
    channel = TelegramChannel({"token": wrong, "base_url": sim.url})
    with pytest.raises(ChannelError) as info:
        channel.send(make_message(address="1"))
    assert info.value.retryable is False
    assert info.value.status == 401
    check = channel.check()[0]
    assert not check.ok
    channel.close()
    assert "HTTP Request" in caplog.text  # httpx did log the request line, with the token redacted
    for text in (str(info.value), repr(channel), check.message, caplog.text):
        assert wrong not in text


@pytest.mark.parametrize(
    ("reply", "retryable", "status"),
    [
        (Reply(429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                     "parameters": {"retry_after": 7}}), True, 429),
        (Reply(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}), True, 500),
        (Reply(502, b"<html>Bad Gateway</html>"), True, 502),
        (Reply(403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}),
         False, 403),
        (Reply(200, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}), False, 400),
        (Reply(200, {"ok": False, "error_code": 429, "description": "Too Many Requests"}), True, 429),
    ],
)
def test_failures_are_classified(sim: Simulator, reply: Reply, retryable: bool, status: int) -> None:
    sim.queue(reply)
    channel = TelegramChannel({"token": TOKEN, "base_url": sim.url})
    with pytest.raises(ChannelError) as info:
        channel.send(make_message(address="1"))
    assert (info.value.retryable, info.value.status) == (retryable, status)
    assert TOKEN not in str(info.value)
    channel.close()


def test_connection_refused_and_timeout_are_retryable(sim: Simulator, closed_port: int) -> None:
    refused = TelegramChannel({"token": TOKEN, "base_url": f"http://127.0.0.1:{closed_port}"})
    with pytest.raises(ChannelError) as info:
        refused.send(make_message(address="1"))
    assert info.value.retryable is True
    assert TOKEN not in str(info.value)
    sim.queue(Reply(200, {"ok": True, "result": {}}, delay=1.0))
    slow = TelegramChannel({"token": TOKEN, "base_url": sim.url, "timeout": 0.2})
    with pytest.raises(ChannelError) as info:
        slow.send(make_message(address="1"))
    assert info.value.retryable is True
    assert "batas waktu" in str(info.value)
    refused.close()
    slow.close()
