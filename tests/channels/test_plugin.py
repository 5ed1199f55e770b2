"""Registration through the plugin host, including the optional apprise plugin with and without apprise."""

from __future__ import annotations

import sys

import pytest

import sid_connector_apprise.plugin as apprise_plugin
import sid_connector_channels.plugin as channels_plugin
from sid_connector.channels import Channel
from sid_connector.plugins import PluginHost
from tests.channels.conftest import make_message

NAMES = {"console", "jsonl", "email", "telegram", "fonnte", "wablas", "webhook"}


def test_host_registers_every_channel() -> None:
    host = PluginHost.load(installed=False, extra=[("channels", channels_plugin)], strict=True)
    channels = host.channels()
    assert set(channels) == NAMES
    assert all(plugin.description for plugin in channels.values())
    console = channels["console"].factory({})
    assert isinstance(console, Channel)


def test_apprise_missing_registers_nothing_and_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # makes "import apprise" raise ImportError
    with caplog.at_level("INFO"):
        host = PluginHost.load(
            installed=False, extra=[("channels", channels_plugin), ("apprise", apprise_plugin)], strict=True
        )
    info = {item.name: item for item in host.report()}
    assert info["apprise"].status == "ok"  # an extra that is not installed is not a failure
    assert "apprise" not in host.channels()
    assert "pip install" in caplog.text
    assert info["channels"].status == "ok"
    assert set(host.channels()) == NAMES


def test_apprise_present_registers_its_channel(tmp_path: object) -> None:
    import apprise  # noqa: F401
    host = PluginHost.load(installed=False, extra=[("apprise", apprise_plugin)], strict=True)
    channel = host.channels()["apprise"].factory({"urls": ["json://127.0.0.1:9/"]})
    assert isinstance(channel, Channel)
    assert make_message().address  # the factory accepted a plain list (broadcast mode)
    channel.close()
