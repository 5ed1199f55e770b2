"""The wablas channel against a loopback simulator of ``POST /api/send-message``."""

from __future__ import annotations

import logging

import pytest

from sid_connector.channels import Channel, ChannelError
from sid_connector_channels.wablas import WablasChannel
from tests.channels.conftest import MASKED_NIK, NIK, make_message
from tests.channels.simulator import Recorded, Reply, Simulator

TOKEN, SECRET_KEY = "wablas-Token-Rahasia", "Kunci-Rahasia-9"
SENT = {
    "status": True,
    "message": "Message is pending and waiting to be processed",
    "data": {"device_id": "D1", "quota": 99, "messages": [{"id": "m1", "phone": "6281234567890", "status": "pending"}]},
}


def wablas(request: Recorded) -> Reply:
    if request.headers.get("Authorization") not in {TOKEN, f"{TOKEN}.{SECRET_KEY}"}:
        return Reply(200, {"status": False, "message": "token invalid"})
    if request.path != "/api/send-message":
        return Reply(404, {"status": False, "message": "not found"})
    return Reply(200, SENT)


def test_sends_phone_and_message_with_token_only(sim: Simulator) -> None:
    sim.handler = wablas
    channel = WablasChannel({"base_url": sim.url + "/", "token": TOKEN})
    assert isinstance(channel, Channel)
    channel.send(make_message(address="+62 812 3456 7890", text=f"KK {NIK}"))
    request = sim.requests[0]
    assert request.path == "/api/send-message"
    assert request.headers["Authorization"] == TOKEN
    assert request.form()["phone"] == "6281234567890"
    assert f"KK {MASKED_NIK}" in request.form()["message"]
    assert NIK not in request.body.decode()
    check = channel.check()[0]
    assert check.ok
    assert check.warning
    channel.close()


def test_secret_key_is_appended_to_the_token(sim: Simulator) -> None:
    sim.handler = wablas
    channel = WablasChannel({"base_url": sim.url, "token": TOKEN, "secret_key": SECRET_KEY})
    channel.send(make_message())
    assert sim.requests[0].headers["Authorization"] == f"{TOKEN}.{SECRET_KEY}"
    assert SECRET_KEY not in repr(channel)
    channel.close()


def test_invalid_token_is_not_retryable_and_secret_free(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sim.handler = wablas
    channel = WablasChannel({"base_url": sim.url, "token": "salah-Token-1", "secret_key": "salah-Kunci-2"})
    with pytest.raises(ChannelError) as info:
        channel.send(make_message())
    assert info.value.retryable is False
    assert "token invalid" in str(info.value)
    channel.close()
    for text in (str(info.value), repr(channel), caplog.text):
        assert "salah-Token-1" not in text
        assert "salah-Kunci-2" not in text


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [
        (Reply(200, {"status": False, "message": "phone number not registered on whatsapp"}), False),
        (Reply(200, {"status": False, "message": "device disconnected, please scan qr code"}), True),
        (Reply(200, {"status": False, "message": "quota not enough"}), True),
        (Reply(429, {"status": False, "message": "Too Many Attempts."}), True),
        (Reply(500, {"status": False, "message": "Server Error"}), True),
        (Reply(403, {"status": False, "message": "Forbidden"}), False),
        (Reply(400, {"status": False, "message": "phone is required"}), False),
    ],
)
def test_failures_are_classified(sim: Simulator, reply: Reply, retryable: bool) -> None:
    sim.queue(reply)
    channel = WablasChannel({"base_url": sim.url, "token": TOKEN})
    with pytest.raises(ChannelError) as info:
        channel.send(make_message())
    assert info.value.retryable is retryable
    assert info.value.status == reply.status
    channel.close()


def test_connection_refused_and_timeout_are_retryable(sim: Simulator, closed_port: int) -> None:
    refused = WablasChannel({"base_url": f"http://127.0.0.1:{closed_port}", "token": TOKEN})
    with pytest.raises(ChannelError) as info:
        refused.send(make_message())
    assert info.value.retryable is True
    sim.queue(Reply(200, SENT, delay=1.0))
    slow = WablasChannel({"base_url": sim.url, "token": TOKEN, "timeout": 0.2})
    with pytest.raises(ChannelError) as info:
        slow.send(make_message())
    assert info.value.retryable is True
    refused.close()
    slow.close()
