"""The webhook channel: signed JSON to a loopback receiver that verifies the signature with the secret."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from sid_connector.channels import Channel, ChannelError
from sid_connector_channels.signing import sign, verify
from sid_connector_channels.webhook import WebhookChannel
from tests.channels.conftest import MASKED_NIK, NIK, make_message
from tests.channels.simulator import Reply, Simulator

SECRET = "webhook-Shared-Secret-123"
NOW = 1_790_000_000


def channel_for(sim: Simulator, **extra: object) -> WebhookChannel:
    options = {"url": f"{sim.url}/hooks/sid", "secret": SECRET, "timeout": 2, **extra}
    return WebhookChannel(options, clock=lambda: NOW)


def test_posts_signed_json_with_data(sim: Simulator) -> None:
    sim.queue(Reply(204, b""))
    channel = channel_for(sim, headers={"X-Desa": "sukamaju"})
    assert isinstance(channel, Channel)
    channel.send(make_message(text=f"NIK {NIK}", data={"rule": "NIK-FORMAT", "nik": NIK, "ids": [1, 2]}))
    request = sim.requests[0]
    assert request.path == "/hooks/sid"
    assert request.headers["Content-Type"].startswith("application/json")
    assert request.headers["X-Desa"] == "sukamaju"
    assert request.headers["X-Sid-Event"] == "finding.new"
    timestamp, signature = request.headers["X-Sid-Timestamp"], request.headers["X-Sid-Signature"]
    assert timestamp == str(NOW)
    # The receiver's own computation, independent of the plugin's code: HMAC-SHA256 over "<ts>." + raw body.
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert signature == f"sha256={expected}"
    assert verify(SECRET, timestamp, signature, request.body, now=NOW + 10)
    body = json.loads(request.body)
    assert body["version"] == 1
    assert body["dedup_key"] == "NIK-FORMAT:42:ERROR"
    assert body["role"] == "KASI_PEM"
    assert body["data"] == {"rule": "NIK-FORMAT", "nik": MASKED_NIK, "ids": [1, 2]}
    assert body["text"] == f"NIK {MASKED_NIK}"
    assert NIK not in request.body.decode()
    channel.close()


def test_verify_rejects_tampering_replay_and_wrong_secret() -> None:
    body = b'{"a":1}'
    signature = sign(SECRET, NOW, body)
    assert verify(SECRET, str(NOW), signature, body, now=NOW)
    assert not verify(SECRET, str(NOW), signature, b'{"a":2}', now=NOW)
    assert not verify("other", str(NOW), signature, body, now=NOW)
    assert not verify(SECRET, str(NOW + 1), signature, body, now=NOW)  # timestamp is part of the signed content
    assert not verify(SECRET, str(NOW), signature, body, now=NOW + 301)  # replayed too late
    assert not verify(SECRET, None, signature, body, now=NOW)
    assert not verify(SECRET, "abc", signature, body, now=NOW)


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [
        (Reply(200, {"ok": True}), None),
        (Reply(202, b""), None),
        (Reply(400, {"message": "bad payload"}), False),
        (Reply(401, {"error": "bad signature"}), False),
        (Reply(404, b""), False),
        (Reply(429, b""), True),
        (Reply(503, b""), True),
        (Reply(301, b"", headers={"Location": "https://elsewhere.example"}), False),
    ],
)
def test_status_classification(sim: Simulator, reply: Reply, retryable: bool | None) -> None:
    sim.queue(reply)
    channel = channel_for(sim)
    if retryable is None:
        channel.send(make_message())
    else:
        with pytest.raises(ChannelError) as info:
            channel.send(make_message())
        assert info.value.retryable is retryable
        assert info.value.status == reply.status
        assert SECRET not in str(info.value)
    channel.close()


def test_connection_refused_is_retryable(closed_port: int) -> None:
    channel = WebhookChannel({"url": f"http://127.0.0.1:{closed_port}/x", "secret": SECRET})
    with pytest.raises(ChannelError) as info:
        channel.send(make_message())
    assert info.value.retryable is True
    assert channel.check()[0].ok
    assert SECRET not in repr(channel)
    channel.close()
