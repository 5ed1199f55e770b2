"""The ``[notify]`` table read once into typed settings, so every other module trusts its input.

Unknown keys are ignored rather than rejected: a newer config must not stop an older sid-connector from
syncing. Wrong values (a bad time, an unknown mode) raise :class:`ConfigError` with the key to fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sid_connector.config import Config, ConfigError

MODES = ("immediate", "daily", "weekly")
DEFAULT_MODES: dict[str, str] = {
    "born": "immediate",
    "died": "immediate",
    "moved_out": "immediate",
    "moved_in": "immediate",
    "lost": "immediate",
    "head_changed": "immediate",
    "reminder": "immediate",
    "sync_failed": "immediate",
    "role_missing": "immediate",
    "finding_error": "daily",
    "finding_warning": "weekly",
    "resolved": "daily",
}


def parse_clock(value: str, key: str) -> dt.time:
    """``"21:00"`` → time; the key names the setting in the error."""
    try:
        hours, minutes = str(value).strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError as exc:
        raise ConfigError(f"[notify] {key}: waktu '{value}' tidak sah (format HH:MM)") from exc


def parse_window(value: str | None) -> tuple[dt.time, dt.time] | None:
    """``"21:00-06:00"`` → (start, end); a window may cross midnight."""
    if not value:
        return None
    start, sep, end = str(value).partition("-")
    if not sep:
        raise ConfigError(f"[notify] quiet_hours: '{value}' tidak sah (contoh: \"21:00-06:00\")")
    return parse_clock(start, "quiet_hours"), parse_clock(end, "quiet_hours")


def _roles(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ConfigError(f'[notify.routing] {key}: harus daftar jabatan, mis. ["KASI_PEM", "KADUS"]')
    return tuple(str(item).upper() for item in value)


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """What the notifier needs from the config; ``enabled`` is False when no channel is configured."""

    enabled: bool = False
    lang: str = "id"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    quiet_hours: tuple[dt.time, dt.time] | None = None
    digest_time: dt.time = dt.time(7, 0)
    weekly_day: int = 0  # Monday
    digest_max_items: int = 15
    sebutan_dusun: str | None = None
    use_resident_contacts: bool = False
    channels: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    officials: Mapping[str, Any] = field(default_factory=dict)
    rule_routes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    event_routes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    modes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MODES))

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, "immediate")

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.timezone)


def load_settings(config: Config) -> NotifySettings:
    """Read ``[notify]``; see docs/notifications.md for every key."""
    raw = config.section("notify")
    channels = {str(k): dict(v or {}) for k, v in dict(raw.get("channels") or {}).items()}
    routing = dict(raw.get("routing") or {})
    digest = dict(raw.get("digest") or {})
    try:
        zone = ZoneInfo(str(raw.get("timezone", "Asia/Jakarta")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"[notify] timezone: '{raw.get('timezone')}' tidak dikenal") from exc
    modes = dict(DEFAULT_MODES)
    for kind, mode in dict(routing.get("mode") or {}).items():
        if mode not in MODES:
            raise ConfigError(f"[notify.routing.mode] {kind}: '{mode}' harus salah satu dari {', '.join(MODES)}")
        modes[str(kind)] = str(mode)
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    weekly = str(digest.get("weekly_day", "monday")).lower()
    if weekly not in days:
        raise ConfigError(f"[notify.digest] weekly_day: '{weekly}' bukan nama hari (monday … sunday)")
    return NotifySettings(
        enabled=bool(raw.get("enabled", True)) and bool(channels),
        lang=str(raw.get("lang", config.lang or "id")),
        timezone=zone,
        quiet_hours=parse_window(raw.get("quiet_hours")),
        digest_time=parse_clock(digest.get("time", "07:00"), "digest.time"),
        weekly_day=days.index(weekly),
        digest_max_items=int(digest.get("max_items", 15)),
        sebutan_dusun=raw.get("sebutan_dusun"),
        use_resident_contacts=bool(raw.get("use_resident_contacts", False)),
        channels=channels,
        officials=dict(raw.get("officials") or {}),
        rule_routes={str(k).upper(): _roles(v, str(k)) for k, v in dict(routing.get("rules") or {}).items()},
        event_routes={str(k): _roles(v, str(k)) for k, v in dict(routing.get("events") or {}).items()},
        modes=modes,
    )
