"""The TOML configuration: one file per village (or fleet), secrets from the environment.

String values may name an environment variable as ``${NAME}``, and ``SID_SOURCE_URL`` overrides the
source's ``url``, so passwords and tokens need never be written into the file. Relative paths are relative
to the config file, so a config and its store can move together.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sid_connector.i18n import t

CONFIG_ENV = "SID_CONNECTOR_CONFIG"
DEFAULT_CONFIG = "sid-connector.toml"
SOURCE_URL_ENV = "SID_SOURCE_URL"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PATH_KEYS = {"path", "dir", "out", "file"}


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to fix (exit code 2)."""


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    kode_desa: str | list[str] | None = None

    def options(self) -> dict[str, Any]:
        return self.model_dump(exclude={"name"}, exclude_none=True)


class StoreConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = "sid-connector.db"


class SyncConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mass_delete_threshold: float = Field(0.2, ge=0, le=1)
    mass_delete_minimum: int = Field(5, ge=0)


class Config(BaseModel):
    """The whole configuration. Sections later features add (rules, sinks, notify) are kept as tables."""

    model_config = ConfigDict(extra="allow")

    lang: str = "id"
    source: SourceConfig
    store: StoreConfig = StoreConfig()
    sync: SyncConfig = SyncConfig()
    path: Path | None = Field(default=None, exclude=True)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, value: str) -> Path:
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    @property
    def store_path(self) -> Path:
        return self.resolve(self.store.path)

    def source_options(self) -> dict[str, Any]:
        """The ``[source]`` table with paths resolved and the environment's URL applied."""
        options = self.source.options()
        for key in PATH_KEYS & options.keys():
            options[key] = str(self.resolve(str(options[key])))
        if os.environ.get(SOURCE_URL_ENV):
            options["url"] = os.environ[SOURCE_URL_ENV]
        return options

    def section(self, name: str) -> dict[str, Any]:
        """An optional table added by a later feature (``[rules]``, ``[sinks]``, …), empty when absent."""
        value = (self.model_extra or {}).get(name, {})
        return dict(value) if isinstance(value, Mapping) else {}


def expand_env(value: Any) -> Any:
    """Replace ``${NAME}`` with the environment's value, recursively; a missing variable is an error."""
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(t("config.env_missing", name=name))
            return os.environ[name]

        return _ENV_REF.sub(substitute, value)
    if isinstance(value, dict):
        return {key: expand_env(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand_env(item) for item in value]
    return value


def config_path(explicit: str | os.PathLike[str] | None) -> Path:
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    target = config_path(path)
    if not target.exists():
        raise ConfigError(t("config.missing", path=target))
    try:
        raw = tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(t("config.unreadable", path=target, error=exc)) from exc
    try:
        config = Config.model_validate(expand_env(raw))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}" for item in exc.errors(include_url=False)
        )
        raise ConfigError(t("config.invalid", path=target, problems=problems)) from exc
    config.path = target.resolve()
    return config


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def dump_toml(data: Mapping[str, Any], header: str = "") -> str:
    """Write a config mapping as TOML (scalars first, then one table per nested mapping)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    scalars = {k: v for k, v in data.items() if not isinstance(v, Mapping)}
    tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    lines += [f"{key} = {_toml_value(value)}" for key, value in scalars.items() if value is not None]

    def emit(prefix: str, table: Mapping[str, Any]) -> None:
        lines.append("")
        lines.append(f"[{prefix}]")
        nested = {k: v for k, v in table.items() if isinstance(v, Mapping)}
        lines.extend(
            f"{k} = {_toml_value(v)}" for k, v in table.items() if not isinstance(v, Mapping) and v is not None
        )
        for key, value in nested.items():
            emit(f"{prefix}.{key}", value)

    for key, value in tables.items():
        emit(key, value)
    return "\n".join(lines) + "\n"
