import sys
import types

import pytest

from sid_connector import SourcePlugin, hookimpl
from sid_connector.plugins import PluginError, PluginHost

from .plugin_fixtures import BROKEN_ON_IMPORT, BROKEN_ON_REGISTER, install_fake_distribution


def module(name, **hooks):
    plugin = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(plugin, hook_name, hookimpl(function))
    return plugin


def good_sources():
    return [SourcePlugin(name="good", factory=dict, description="a good source")]


def raising_sources():
    raise ValueError("boom")


def test_a_plugin_raising_while_registering_is_reported_and_skipped():
    host = PluginHost.load(
        strict=False,
        extra=[
            ("bad", module("bad", sid_connector_sources=raising_sources)),
            ("good", module("good", sid_connector_sources=good_sources)),
        ],
    )
    assert "good" in host.sources()
    report = {info.name: info for info in host.report()}
    assert report["bad"].status == "failed"
    assert "boom" in report["bad"].error
    assert report["good"].status == "ok"
    assert report["good"].hooks == ["sid_connector_sources"]


def test_registration_hooks_are_called_once_and_their_declarations_reused():
    calls = []

    def counted_sources():
        calls.append(1)
        return good_sources()

    counted = module("counted", sid_connector_sources=counted_sources)
    host = PluginHost.load(installed=False, extra=[("counted", counted)])
    first, second = host.sources(), host.sources()
    assert len(calls) == 1
    assert first["good"] is second["good"]


def test_strict_mode_makes_a_broken_plugin_fatal():
    with pytest.raises(PluginError, match="bad"):
        PluginHost.load(
            strict=True, installed=False, extra=[("bad", module("bad", sid_connector_sources=raising_sources))]
        )


def test_entry_point_failures_are_reported_with_their_error(tmp_path, monkeypatch):
    root = install_fake_distribution(
        tmp_path / "site",
        "broken-plugins",
        {"broken_on_import": BROKEN_ON_IMPORT, "broken_on_register": BROKEN_ON_REGISTER},
        {"broken-import": "broken_on_import", "broken-register": "broken_on_register"},
    )
    monkeypatch.syspath_prepend(str(root))
    host = PluginHost.load(strict=False)
    report = {info.name: info for info in host.report()}
    assert report["broken-import"].status == "failed"
    assert "boom on import" in report["broken-import"].error
    assert report["broken-register"].status == "failed"
    assert "boom while registering" in report["broken-register"].error
    assert report["broken-import"].version == "1.0"
    # First-party plugins come through the same entry points.
    assert report["opensid-xlsx"].status == "ok"
    sys.modules.pop("broken_on_register", None)


def test_lifecycle_hooks_are_called_and_a_raising_one_does_not_stop_others():
    calls = []

    def started(run_id, command):
        calls.append((run_id, command))

    def exploding(run_id):
        raise RuntimeError("observer bug")

    host = PluginHost.load(
        strict=False,
        extra=[
            ("observer", module("observer", sid_connector_run_started=started)),
            ("exploding", module("exploding", sid_connector_run_started=exploding)),
        ],
    )
    host.notify("sid_connector_run_started", run_id=7, command="sync", config={})
    assert calls == [(7, "sync")]


def test_sinks_channels_and_rule_packs_are_collected_by_name():
    from sid_connector import ChannelPlugin, RulePack, SinkPlugin

    def sinks():
        return [SinkPlugin(name="upstream", factory=dict)]

    def channels():
        return [ChannelPlugin(name="console", factory=dict)]

    def rules():
        return [RulePack(name="pack", version="1", rules=[])]

    host = PluginHost.load(
        strict=False,
        installed=False,
        extra=[
            ("p", module("p", sid_connector_sinks=sinks, sid_connector_channels=channels, sid_connector_rules=rules))
        ],
    )
    assert list(host.sinks()) == ["upstream"]
    assert list(host.channels()) == ["console"]
    assert [pack.name for pack in host.rule_packs()] == ["pack"]


def test_plugin_cli_commands_are_collected():
    import click

    @click.command(name="hello")
    def hello():
        click.echo("halo")

    host = PluginHost.load(
        strict=False, installed=False, extra=[("cli", module("cli", sid_connector_cli_commands=lambda: [hello]))]
    )
    assert [command.name for command in host.cli_commands()] == ["hello"]
