"""Reading a channel's ``[notify.channels.NAME]`` table, with errors an operator can act on.

Errors are in Bahasa Indonesia and name the missing or wrong option; they never echo a secret's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ChannelConfigError(ValueError):
    """A channel's options are missing or wrong; raised by the channel's constructor."""


class Secret:
    """A token or password that never shows in ``repr``/``str`` (so not in logs or tracebacks either)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


class Options:
    """Typed access to one channel's options; every error names the channel and the option."""

    def __init__(self, channel: str, options: Mapping[str, Any] | None) -> None:
        self.channel = channel
        self._options = dict(options or {})

    def error(self, option: str, problem: str) -> ChannelConfigError:
        """An error for ``option`` that tells where to fix it."""
        return ChannelConfigError(
            f"kanal {self.channel}: opsi '{option}' {problem} (periksa [notify.channels.{self.channel}])"
        )

    def has(self, option: str) -> bool:
        value = self._options.get(option)
        return value is not None and value != ""

    def string(self, option: str, default: str | None = None) -> str:
        """A required string, or ``default`` when one is given and the option is absent."""
        value = self._options.get(option)
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is not None:
                return default
            raise self.error(option, "wajib diisi")
        if not isinstance(value, str | int):
            raise self.error(option, "harus berupa teks")
        return str(value).strip()

    def optional_string(self, option: str) -> str | None:
        return self.string(option) if self.has(option) else None

    def secret(self, option: str) -> Secret:
        """A required secret (token, password); its value is never part of an error."""
        return Secret(self.string(option))

    def optional_secret(self, option: str) -> Secret | None:
        return self.secret(option) if self.has(option) else None

    def boolean(self, option: str, default: bool) -> bool:
        value = self._options.get(option, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "ya", "yes", "1", "on"}:
            return True
        if isinstance(value, str) and value.strip().lower() in {"false", "tidak", "no", "0", "off"}:
            return False
        raise self.error(option, "harus true atau false")

    def number(self, option: str, default: float, *, minimum: float = 0.0) -> float:
        value = self._options.get(option, default)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.error(option, "harus berupa angka")
        try:
            number = float(value)
        except ValueError:
            raise self.error(option, "harus berupa angka") from None
        if number <= minimum:
            raise self.error(option, f"harus lebih besar dari {minimum:g}")
        return number

    def integer(self, option: str, default: int, *, minimum: int = 1, maximum: int = 65535) -> int:
        value = self._options.get(option, default)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.error(option, "harus berupa bilangan bulat")
        try:
            number = int(value)
        except ValueError:
            raise self.error(option, "harus berupa bilangan bulat") from None
        if not minimum <= number <= maximum:
            raise self.error(option, f"harus antara {minimum} dan {maximum}")
        return number

    def url(self, option: str, default: str | None = None) -> str:
        """An http(s) URL without a trailing slash."""
        value = self.string(option, default)
        if not value.startswith(("http://", "https://")):
            raise self.error(option, "harus berupa URL http:// atau https://")
        return value.rstrip("/")

    def mapping(self, option: str) -> Mapping[str, Any]:
        value = self._options.get(option) or {}
        if not isinstance(value, Mapping):
            raise self.error(option, "harus berupa tabel")
        return value
