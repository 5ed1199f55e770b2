"""Start-up safety, config keys, plugin registration and the ``opensid-push`` source's conformance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sid_connector_receiver.plugin as receiver_plugin
from sid_connector.cli.context import AppContext
from sid_connector.config import Config, ConfigError
from sid_connector.plugins import PluginHost
from sid_connector.testing import assert_source_conforms
from sid_connector_receiver.cli import serve
from sid_connector_receiver.inbox import PENDUDUK, Inbox
from sid_connector_receiver.settings import TOKEN_ENV, load_settings
from sid_connector_receiver.source import IDENTITAS, OpenSIDPushSource
from tests.receiver.conftest import write_config
from tests.receiver.pushes import KODE, village_rows, workbook


def config(tmp_path: Path, receiver: dict, source: dict | None = None) -> Config:
    data = {"source": source or {"name": "opensid-push", "inbox": "inbox", "kode_desa": KODE}, "receiver": receiver}
    return write_config(tmp_path, data)


def test_settings_read_tokens_villages_and_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("DESA_B_TOKEN", "token-b")
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    settings = load_settings(
        config(tmp_path, {"tokens": {"53.06.13.2002": "${DESA_B_TOKEN}"}, "port": 9000, "max_body_mb": 5})
    )
    assert settings.tokens == {"5306132002": "token-b"}
    assert settings.villages == {"5306132002", KODE}
    assert settings.inbox == tmp_path / "receiver-inbox"
    assert settings.port == 9000 and settings.limits.max_body == 5 * 1024 * 1024
    assert "token-b" not in repr(settings)


def test_env_token_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "dari-lingkungan")
    assert load_settings(config(tmp_path, {})).token == "dari-lingkungan"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_listening_beyond_loopback_needs_a_token(tmp_path, monkeypatch, host):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    settings = load_settings(config(tmp_path, {}))
    with pytest.raises(ConfigError, match="tanpa token"):
        settings.check_startup(host)
    settings.check_startup("127.0.0.1")  # loopback without a token is allowed


def test_serve_refuses_then_runs_uvicorn_on_loopback_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    path = config(tmp_path, {}).path
    runner = CliRunner()
    result = runner.invoke(serve, ["--host", "0.0.0.0"], obj=AppContext(config_option=str(path)))
    assert result.exit_code == 2 and "tanpa token" in result.output
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append(kw))
    monkeypatch.setattr(AppContext, "host", property(lambda self: PluginHost.load(strict=True)))
    result = runner.invoke(serve, [], obj=AppContext(config_option=str(path)))
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8087


def test_plugin_registers_the_source_and_the_command():
    host = PluginHost.load(strict=True, installed=False, extra=[("receiver", receiver_plugin)])
    assert "opensid-push" in host.sources()
    assert "sid_connector_cli_commands" in host.infos["receiver"].hooks
    assert "sid_connector_sources" in host.infos["receiver"].hooks


def test_opensid_push_source_conforms(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    inbox.save(workbook(village_rows(25)), KODE, PENDUDUK, ".xlsx")
    assert_source_conforms(lambda: OpenSIDPushSource({"inbox": str(inbox.root), "kode_desa": KODE}), tmp_path / "w")


def test_source_without_a_push_says_so(tmp_path):
    source = OpenSIDPushSource({"inbox": str(tmp_path), "kode_desa": "53.06.13.2001"})
    checks = source.check()
    assert checks[0].warning and "belum ada kiriman" in checks[0].message


def test_identity_takes_website_and_boundary_from_the_last_identitas_push(tmp_path):
    inbox = Inbox(tmp_path / "inbox")
    sent = {"kode_desa": KODE, "sebutan_desa": "desa", "website": "http://desa.example/", "path": "[[1,2]]"}
    inbox.save(json.dumps(sent).encode(), KODE, IDENTITAS, ".json")
    source = OpenSIDPushSource({"inbox": str(inbox.root), "kode_desa": KODE, "nama_desa": "Menganti"})
    desa = source.identity(source.villages()[0])
    assert (desa.nama_desa, desa.website, desa.path) == ("Menganti", "http://desa.example/", "[[1,2]]")
