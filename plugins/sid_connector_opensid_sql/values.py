"""MySQL value literals in Python: the C fast path over JSON, and the full grammar for the rest.

Both paths give the same values: strings (escapes resolved), None for NULL, int, Decimal for every other
number (exact, never a binary float), text or bytes for hex literals.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

_TOKENS = re.compile(r"(_binary\s*|_utf8mb4\s*|_utf8\s*|[xXbB](?='))?'((?:[^'\\]++|\\.|'')*+)'|([^,'()\s]+)", re.S)
_ESCAPE = re.compile(r"\\(.)|''", re.S)
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "%": "\\%", "_": "\\_"}
_JSON = json.JSONDecoder(strict=False, parse_float=Decimal)
_JSON_ESCAPES = ("\\n", "\\r", "\\t", "\\b", "\\0", "\\Z", '\\"')  # what mysqldump writes, JSON can map
# What JSON accepts outside strings but a MySQL row cannot hold (a quote outside strings is caught before).
_NOT_SQL = ("[", "]", "{", "}", ":", "true", "false", "Infinity", "NaN")
_BARE = {"NULL": None, "null": None, "TRUE": 1, "true": 1, "FALSE": 0, "false": 0}


def _unescape(match: re.Match[str]) -> str:
    char = match.group(1)
    if char is None:
        return "'"
    return _ESCAPES.get(char, char)


def _string(text: str) -> str:
    return _ESCAPE.sub(_unescape, text) if ("\\" in text or "''" in text) else text


def _bare(token: str) -> Any:
    """NULL, a number, or a hex literal (``0x…``, text when it is UTF-8, else bytes)."""
    if token in _BARE:
        return _BARE[token]
    try:
        return int(token)
    except ValueError:
        pass
    if token[:2] in ("0x", "0X"):
        return _hex(token[2:])
    try:
        return Decimal(token)  # as the JSON path reads it: exact, never a binary float
    except InvalidOperation:
        raise ValueError(f"nilai tidak dikenal: {token[:40]!r}") from None


def _hex(digits: str) -> Any:
    raw = bytes.fromhex(digits)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _prefixed(prefix: str, body: str) -> Any:
    kind = prefix.strip().lower()
    if kind == "x":
        return _hex(body)
    if kind == "b":
        return int(body or "0", 2)
    return _string(body)  # _binary / _utf8mb4 'text': the text itself


def unquote_integers(values: list[Any], integers: list[int]) -> bool:
    """dbutil-style dumps quote every number: integer columns get their ints back; True when any was quoted."""
    quoted = False
    for index in integers:
        value = values[index] if index < len(values) else None
        if type(value) is str:
            quoted = True
            if value and (value.isdigit() or (value[0] == "-" and value[1:].isdigit())):
                values[index] = int(value)
    return quoted


def decode_rows(text: str) -> list[list[Any]] | None:
    """Rows ``(..),(..)`` through the C JSON decoder; None when the text needs MySQL's full grammar.

    Once escaped backslashes and quotes are parked on placeholders, every ``'`` delimits a string, so the text
    between quotes is content and the text outside holds only bare values, commas and parentheses. Mapped
    onto JSON (``'`` → ``"``, ``(`` → ``[``, ``NULL`` → ``null``, ``\\0`` → ``\\u0000``) a whole INSERT decodes in
    one C call. Anything unusual — ``''`` inside a string, a bare ``"``, hex or ``_binary`` literals, ``+1``,
    ``.5``, MySQL-only escapes — fails here and takes the slow path.
    """
    if "\x01" in text or "\x02" in text or "\x03" in text:
        return None
    escaped = "\\" in text
    if escaped:
        text = text.replace("\\\\", "\x01").replace("\\'", "\x02")
        if text.count("\\") != sum(text.count(pair) for pair in _JSON_ESCAPES):
            return None  # an escape JSON reads differently (``\\u``, ``\\f``, ``\\%``): MySQL's rules decide
        if "\\0" in text:
            text = text.replace("\\0", "\\u0000")
        if "\\Z" in text:
            text = text.replace("\\Z", "\\u001a")
    if '"' in text and text.count('"') != text.count('\\"'):
        return None
    parts = text.split("'")
    if len(parts) % 2 == 0:
        return None
    outside = parts[0::2]
    bare = "\x03".join(outside)
    if any(word in bare for word in _NOT_SQL):
        return None
    # One replace over all outside parts at once (joined on a character that cannot occur there).
    parts[0::2] = bare.replace("NULL", "null").replace("(", "[").replace(")", "]").split("\x03")
    text = '"'.join(parts)
    if escaped:
        text = text.replace("\x01", "\\\\").replace("\x02", "'")
    try:
        rows = _JSON.decode("[" + text + "]")
    except ValueError:
        return None
    if bare.count("(") != len(rows) or not all(type(row) is list for row in rows):
        return None  # a nested parenthesis is no value MySQL writes
    return rows


def slow_values(inner: str) -> list[Any]:
    """Every value by MySQL's rules: escapes, ``''``, NULL, numbers, hex/bit and ``_binary`` literals."""
    values: list[Any] = []
    append = values.append
    for prefix, quoted, bare in _TOKENS.findall(inner):
        if bare:
            append(_BARE[bare] if bare in _BARE else _bare(bare))
        elif prefix:
            append(_prefixed(prefix, quoted))
        elif "\\" in quoted or "''" in quoted:
            append(_ESCAPE.sub(_unescape, quoted))
        else:
            append(quoted)
    return values
