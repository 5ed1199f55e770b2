"""The plugin host: loads the ``sid_connector`` entry points and survives a broken plugin.

A plugin that fails to import, or raises while registering what it adds, is recorded as failed and skipped;
every command that does not need it keeps working. ``SID_CONNECTOR_STRICT_PLUGINS=1`` turns such a failure
into an error, for plugin authors who want to see it at once.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy

from sid_connector import hookspecs
from sid_connector.registrations import ChannelPlugin, RulePack, SinkPlugin, SourcePlugin

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "sid_connector"
STRICT_ENV = "SID_CONNECTOR_STRICT_PLUGINS"
REGISTRATION_HOOKS = (
    "sid_connector_sources",
    "sid_connector_sinks",
    "sid_connector_rules",
    "sid_connector_channels",
    "sid_connector_cli_commands",
)


class PluginError(RuntimeError):
    """A plugin failed and strict mode is on."""


@dataclass(slots=True)
class PluginInfo:
    """What ``plugins --json`` shows for one plugin."""

    name: str
    version: str | None
    hooks: list[str] = field(default_factory=list)
    status: str = "ok"
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "hooks": self.hooks,
            "status": self.status,
            "error": self.error,
        }


def strict_from_env() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _short_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class PluginHost:
    """Owns the pluggy manager. ``PluginHost.load()`` for the installed plugins."""

    def __init__(self, *, strict: bool | None = None) -> None:
        self.strict = strict_from_env() if strict is None else strict
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        # What each plugin's registration hooks returned, called once at registration: they declare, so
        # every later ``sources()``/``rule_packs()``/… reuses the same objects.
        self._declared: dict[tuple[str, str], list[Any]] = {}

    @classmethod
    def load(
        cls, *, strict: bool | None = None, extra: Iterable[tuple[str, object]] = (), installed: bool = True
    ) -> PluginHost:
        """Load every entry point of the group (unless ``installed=False``), then ``extra`` (name, plugin) pairs
        — for tests and for applications embedding sid-connector with plugins of their own."""
        host = cls(strict=strict)
        if installed:
            for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
                host._load_entry_point(entry_point)
        for name, plugin in extra:
            host.register(name, plugin)
        return host

    def _fail(self, info: PluginInfo, exc: BaseException, what: str) -> None:
        info.status = "failed"
        info.error = _short_error(exc)
        log.warning("plugin %s failed while %s: %s", info.name, what, info.error)
        log.debug("%s", "".join(traceback.format_exception(exc)))
        if self.strict:
            raise PluginError(f"plugin {info.name} failed while {what}: {info.error}") from exc

    def _load_entry_point(self, entry_point: EntryPoint) -> None:
        version = entry_point.dist.version if entry_point.dist else None
        info = self.infos.setdefault(entry_point.name, PluginInfo(entry_point.name, version))
        try:
            plugin = entry_point.load()
        except Exception as exc:
            self._fail(info, exc, "loading")
            return
        self.register(entry_point.name, plugin, version=version)

    def register(self, name: str, plugin: object, *, version: str | None = None) -> None:
        if self.manager.get_plugin(name) is plugin:
            return  # already loaded (e.g. through its entry point): registering it again is a no-op
        info = self.infos.setdefault(name, PluginInfo(name, version))
        try:
            self.manager.register(plugin, name=name)
        except Exception as exc:
            self._fail(info, exc, "registering")
            return
        info.hooks = sorted(caller.name for caller in self.manager.get_hookcallers(plugin) or [])
        # Registration hooks run once now, so a plugin that raises there is reported before any command.
        for hook_name in REGISTRATION_HOOKS:
            if hook_name in info.hooks:
                self._collect_from(name, hook_name)

    def _collect_from(self, name: str, hook_name: str) -> list[Any]:
        info = self.infos[name]
        if info.status != "ok":
            return []
        declared = self._declared.get((name, hook_name))
        if declared is not None:
            return declared
        plugin = self.manager.get_plugin(name)
        try:
            declared = list(getattr(plugin, hook_name)() or [])
        except Exception as exc:
            self._fail(info, exc, f"calling {hook_name}")
            self.manager.unregister(name=name)
            return []
        self._declared[(name, hook_name)] = declared
        return declared

    def _collect(self, hook_name: str) -> list[Any]:
        items: list[Any] = []
        for name in sorted(self.infos):
            if self.infos[name].status == "ok" and hook_name in self.infos[name].hooks:
                items.extend(self._collect_from(name, hook_name))
        return items

    def _by_name(self, hook_name: str, kind: type) -> dict[str, Any]:
        return {item.name: item for item in self._collect(hook_name) if isinstance(item, kind)}

    def sources(self) -> dict[str, SourcePlugin]:
        return self._by_name("sid_connector_sources", SourcePlugin)

    def sinks(self) -> dict[str, SinkPlugin]:
        return self._by_name("sid_connector_sinks", SinkPlugin)

    def channels(self) -> dict[str, ChannelPlugin]:
        return self._by_name("sid_connector_channels", ChannelPlugin)

    def rule_packs(self) -> list[RulePack]:
        return [item for item in self._collect("sid_connector_rules") if isinstance(item, RulePack)]

    def cli_commands(self) -> list[Any]:
        return self._collect("sid_connector_cli_commands")

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call a lifecycle hook on every plugin; one plugin raising never stops the run or the others."""
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            try:
                impl.function(*[kwargs[arg] for arg in impl.argnames])
            except Exception as exc:
                log.warning("plugin %s raised in %s: %s", impl.plugin_name, hook_name, _short_error(exc))
                if self.strict:
                    raise PluginError(f"plugin {impl.plugin_name} raised in {hook_name}") from exc

    def report(self) -> Sequence[PluginInfo]:
        return [self.infos[name] for name in sorted(self.infos)]
