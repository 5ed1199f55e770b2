"""The fonnte channel against a loopback simulator of Fonnte's documented ``/send`` and ``/device`` answers."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from sid_connector.channels import Channel, ChannelError
from sid_connector_channels.fonnte import FonnteChannel
from tests.channels.conftest import MASKED_NIK, NIK, make_message
from tests.channels.simulator import Recorded, Reply, Simulator

TOKEN = "fonnte-Device-Token+Rahasia"
SENT = {
    "detail": "success! message in queue",
    "id": ["80367170"],
    "process": "pending",
    "status": True,
    "target": ["6281234567890"],
}


def fonnte(request: Recorded) -> Reply:
    """Fonnte answers 200 whatever happens; ``status`` and ``reason`` carry the outcome."""
    if request.headers.get("Authorization") != TOKEN:
        return Reply(200, {"reason": "token invalid", "status": False})
    if request.path == "/device":
        return Reply(200, {"device": "6282227097005", "device_status": "connect", "quota": "78", "status": True})
    form = request.form()
    if not form.get("target", "").startswith("62"):
        return Reply(200, {"reason": "target invalid", "status": False})
    return Reply(200, SENT)


@pytest.fixture
def channel(sim: Simulator) -> Iterator[FonnteChannel]:
    sim.handler = fonnte
    channel = FonnteChannel({"token": TOKEN, "base_url": sim.url, "timeout": 2})
    yield channel
    channel.close()


def test_sends_form_with_normalised_target(channel: FonnteChannel, sim: Simulator) -> None:
    assert isinstance(channel, Channel)
    channel.send(make_message(address="0812-3456-7890", text=f"NIK {NIK} ganda"))
    request = sim.requests[0]
    assert request.method == "POST"
    assert request.path == "/send"
    assert request.headers["Authorization"] == TOKEN
    form = request.form()
    assert form["target"] == "6281234567890"
    assert form["countryCode"] == "62"
    assert f"NIK {MASKED_NIK} ganda" in form["message"]
    assert NIK not in request.body.decode()


def test_check_reads_the_device(channel: FonnteChannel) -> None:
    assert channel.check()[0].ok


def test_check_reports_a_disconnected_device(sim: Simulator) -> None:
    sim.queue(Reply(200, {"device": "62822", "device_status": "disconnect", "status": True}))
    channel = FonnteChannel({"token": TOKEN, "base_url": sim.url})
    check = channel.check()[0]
    assert not check.ok
    assert "disconnect" in check.message
    channel.close()


def test_status_false_under_http_200_is_a_failure(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sim.handler = fonnte
    wrong = "wrong-Fonnte-token-77"
    channel = FonnteChannel({"token": wrong, "base_url": sim.url})
    with pytest.raises(ChannelError) as info:
        channel.send(make_message())
    assert info.value.retryable is False
    assert info.value.status == 200
    assert "token invalid" in str(info.value)
    assert not channel.check()[0].ok
    channel.close()
    for text in (str(info.value), repr(channel), caplog.text):
        assert wrong not in text


def test_invalid_address_fails_before_any_request(channel: FonnteChannel, sim: Simulator) -> None:
    with pytest.raises(ChannelError) as info:
        channel.send(make_message(address="bukan nomor"))
    assert info.value.retryable is False
    assert not sim.requests


@pytest.mark.parametrize(
    ("reason", "retryable"),
    [
        ("token invalid", False),
        ("invalid token", False),
        ("target invalid", False),
        ("number not registered", False),
        ("request invalid on disconnected device", True),
        ("devices must connect", True),
        ("insufficient quota", True),
        ("something new and unexpected", True),
        (None, True),
    ],
)
def test_reasons_are_classified(sim: Simulator, reason: str | None, retryable: bool) -> None:
    sim.queue(Reply(200, {"reason": reason, "status": False} if reason else {"status": False}))
    channel = FonnteChannel({"token": TOKEN, "base_url": sim.url})
    with pytest.raises(ChannelError) as info:
        channel.send(make_message())
    assert info.value.retryable is retryable
    channel.close()


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [
        (Reply(429, {"reason": "too many requests", "status": False}), True),
        (Reply(500, b"Internal Server Error"), True),
        (Reply(503, b""), True),
        (Reply(401, {"reason": "unauthorized", "status": False}), False),
        (Reply(404, b"not found"), False),
        (Reply(200, b"<html>maintenance</html>"), True),
    ],
)
def test_http_failures_are_classified(sim: Simulator, reply: Reply, retryable: bool) -> None:
    sim.queue(reply)
    channel = FonnteChannel({"token": TOKEN, "base_url": sim.url})
    with pytest.raises(ChannelError) as info:
        channel.send(make_message())
    assert info.value.retryable is retryable
    assert info.value.status == reply.status
    channel.close()


def test_connection_refused_and_timeout_are_retryable(sim: Simulator, closed_port: int) -> None:
    for options, reply in (
        ({"base_url": f"http://127.0.0.1:{closed_port}"}, None),
        ({"base_url": sim.url, "timeout": 0.2}, Reply(200, SENT, delay=1.0)),
    ):
        if reply:
            sim.queue(reply)
        channel = FonnteChannel({"token": TOKEN, **options})
        with pytest.raises(ChannelError) as info:
            channel.send(make_message())
        assert info.value.retryable is True
        assert TOKEN not in str(info.value)
        channel.close()
