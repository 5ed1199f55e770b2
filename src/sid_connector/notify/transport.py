"""The configured channels (``[notify.channels.NAME]``) built from their plugins, and how each one addresses
a person: by a contact kind (``whatsapp``, ``email``, ``telegram``) or, for machine channels, by the person's key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sid_connector.notify.directory import Person
from sid_connector.notify.settings import NotifySettings
from sid_connector.plugins import PluginHost

log = logging.getLogger(__name__)

DEFAULT_CONTACT = {
    "email": "email",
    "telegram": "telegram",
    "fonnte": "whatsapp",
    "wablas": "whatsapp",
    "apprise": "apprise",
}
"""Channels not listed (console, jsonl, webhook) reach everyone, addressed by the person's key."""
EVERYONE = "*"
OWN_OPTIONS = {"contact", "rate_per_minute", "plugin", "dir"}
JSONL_NAME = "notifications.jsonl"


@dataclass(slots=True)
class Transport:
    """One configured channel; the channel object is built on first use so a bad one never stops the rest."""

    name: str
    plugin: str
    contact: str
    options: dict[str, Any]
    factory: Callable[[Mapping[str, Any]], Any] | None
    rate_per_minute: int | None = None
    error: str | None = None
    _channel: Any = field(default=None, repr=False)

    @property
    def outbox_name(self) -> str:
        return f"notify:{self.name}"

    @property
    def hold_name(self) -> str:
        """Where digest items wait for their daily/weekly moment."""
        return f"notify-hold:{self.name}"

    def address(self, person: Person) -> str | None:
        if self.contact == EVERYONE:
            return person.contacts.get(self.name) or person.key
        return person.contacts.get(self.contact) or None

    def channel(self) -> Any | None:
        """The channel, or None (with ``error`` set) when its plugin is missing or its options are wrong."""
        if self._channel is None and self.error is None:
            if self.factory is None:
                self.error = f"kanal '{self.plugin}' tidak terpasang"
            else:
                try:
                    self._channel = self.factory(self.options)
                except Exception as exc:  # a plugin's constructor may raise anything; report, don't crash
                    self.error = f"kanal {self.name}: {exc}"
            if self.error:
                log.warning("notify: %s", self.error)
        return self._channel

    def close(self) -> None:
        if self._channel is not None:
            try:
                self._channel.close()
            except Exception:  # closing must never fail a run
                log.exception("notify: closing channel %s failed", self.name)
            self._channel = None


def channel_options(plugin: str, options: Mapping[str, Any], base_dir: Path) -> dict[str, Any]:
    """The plugin's own options: ours removed, jsonl's ``dir`` turned into ``DIR/notifications.jsonl``."""
    result = {k: v for k, v in options.items() if k not in OWN_OPTIONS}
    if plugin == "jsonl":
        if not result.get("path") and options.get("dir"):
            result["path"] = str(Path(str(options["dir"])) / JSONL_NAME)
        if result.get("path") and not Path(str(result["path"])).expanduser().is_absolute():
            result["path"] = str(base_dir / str(result["path"]))
    return result


def build_transports(settings: NotifySettings, host: PluginHost, base_dir: Path) -> list[Transport]:
    plugins = host.channels()
    built = []
    for name, options in settings.channels.items():
        plugin = str(options.get("plugin", name))
        found = plugins.get(plugin)
        rate = options.get("rate_per_minute")
        built.append(
            Transport(
                name=name,
                plugin=plugin,
                contact=str(options.get("contact", DEFAULT_CONTACT.get(plugin, EVERYONE))),
                options=channel_options(plugin, options, base_dir),
                factory=found.factory if found else None,
                rate_per_minute=int(rate) if rate else None,
            )
        )
    return built
