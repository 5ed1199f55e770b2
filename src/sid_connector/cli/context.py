"""What every command shares: the config path, the language, and the plugin host — loaded lazily so a
command that needs neither (``--version``, ``init``) never pays for them or fails because of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sid_connector.config import Config, config_path, load_config
from sid_connector.plugins import PluginHost


@dataclass
class AppContext:
    config_option: str | None = None
    _config: Config | None = field(default=None, repr=False)
    _host: PluginHost | None = field(default=None, repr=False)

    @property
    def config_file(self) -> Path:
        return config_path(self.config_option)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_option)
        return self._config

    @property
    def host(self) -> PluginHost:
        if self._host is None:
            self._host = shared_host()
        return self._host


@cache
def shared_host() -> PluginHost:
    """One plugin host per process: the command lookup and the command itself load the plugins once."""
    return PluginHost.load()
