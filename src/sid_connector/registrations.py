"""The typed objects a plugin returns from its hooks.

Each names one thing a plugin adds (a source class, a sink class, a rule pack, a channel class) so the
plugin manager can list, select and report on it without importing anything else of the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SourcePlugin:
    """A source adapter: ``factory(options)`` returns a :class:`sid_connector.sources.Source`."""

    name: str
    factory: Callable[[Mapping[str, Any]], Any]
    description: str = ""


@dataclass(frozen=True, slots=True)
class SinkPlugin:
    """A sink adapter: ``factory(options)`` returns a :class:`sid_connector.sinks.Sink`."""

    name: str
    factory: Callable[[Mapping[str, Any]], Any]
    description: str = ""


@dataclass(frozen=True, slots=True)
class ChannelPlugin:
    """A notification channel: ``factory(options)`` returns a :class:`sid_connector.channels.Channel`."""

    name: str
    factory: Callable[[Mapping[str, Any]], Any]
    description: str = ""


@dataclass(frozen=True, slots=True)
class RulePack:
    """A named, versioned set of validation rules (:class:`sid_connector.rules.Rule`)."""

    name: str
    version: str
    rules: Sequence[Any]
    description: str = ""
