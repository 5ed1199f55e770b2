"""Python values as MySQL literals, escaped the way mysqldump escapes them (so the reader's inverse holds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

_ESCAPE = str.maketrans({"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\0": "\\0", "\x1a": "\\Z"})


def _text(value: str) -> str:
    return "'" + value.translate(_ESCAPE) + "'"


def _bytes(value: bytes | bytearray) -> str:
    return "0x" + bytes(value).hex().upper() if value else "''"


# Dispatch on the exact type: a writer formats tens of millions of values, an isinstance chain is too slow.
_FORMAT: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: "NULL",
    bool: lambda value: "1" if value else "0",
    int: int.__repr__,
    float: float.__repr__,
    Decimal: str,
    str: _text,
    dt.datetime: lambda value: f"'{value:%Y-%m-%d %H:%M:%S}'",
    dt.date: lambda value: f"'{value:%Y-%m-%d}'",
    bytes: _bytes,
    bytearray: _bytes,
}


def literal(value: Any) -> str:
    """One value as SQL text: NULL, a number, a quoted string or date, or a hex literal for bytes."""
    formatter = _FORMAT.get(type(value))
    if formatter is not None:
        return formatter(value)
    if isinstance(value, dt.datetime | dt.date):  # subclasses (pendulum and friends)
        return _FORMAT[dt.datetime if isinstance(value, dt.datetime) else dt.date](value)
    if isinstance(value, int | float):
        return str(value)
    return _text(str(value))


def row_literal(values: list[Any]) -> str:
    """``(v1,v2,...)`` as mysqldump writes one row of an extended INSERT."""
    get = _FORMAT.get
    return "(" + ",".join([(get(type(v)) or literal)(v) for v in values]) + ")"
