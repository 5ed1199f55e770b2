"""The console and jsonl channels, and the scrub defence on both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sid_connector.channels import Channel, ChannelError
from sid_connector_channels.console import ConsoleChannel
from sid_connector_channels.jsonl import JsonlChannel
from tests.channels.conftest import MASKED_NIK, NIK, make_message


def test_console_prints_a_readable_block(capsys: pytest.CaptureFixture[str]) -> None:
    channel = ConsoleChannel({})
    assert isinstance(channel, Channel)
    channel.send(make_message(text=f"NIK {NIK} tidak valid"))
    out = capsys.readouterr().out
    assert "Kepada : KASI_PEM (S. W.) <0812-3456-7890>" in out
    assert "Subjek : NIK-FORMAT: 2 temuan di Dusun Krajan" in out
    assert f"NIK {MASKED_NIK} tidak valid" in out
    assert NIK not in out
    assert channel.check()[0].ok
    channel.close()


def test_jsonl_appends_one_object_per_message(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "notif.jsonl"
    channel = JsonlChannel({"path": str(path)})
    assert isinstance(channel, Channel)
    assert channel.check()[0].ok
    channel.send(make_message())
    channel.send(make_message(text=f"KK {NIK}", data={"no_kk": NIK, "nested": [{"nik": int(NIK)}], "n": 3}))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["text"].endswith("terima kasih ✓")
    assert first["role"] == "KASI_PEM"
    assert first["dedup_key"] == "NIK-FORMAT:42:ERROR"
    assert first["data"]["subject_id"] == 42
    assert "sent_at" in first
    assert second["text"] == f"KK {MASKED_NIK}"
    assert second["data"] == {"no_kk": MASKED_NIK, "nested": [{"nik": MASKED_NIK}], "n": 3}
    assert NIK not in path.read_text(encoding="utf-8")


def test_jsonl_unwritable_path_is_a_channel_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    channel = JsonlChannel({"path": str(blocker / "notif.jsonl")})
    with pytest.raises(ChannelError):
        channel.send(make_message())
    assert not channel.check()[0].ok
