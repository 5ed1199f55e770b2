"""What a CREATE TABLE tells a dump reader: the column order (for INSERTs without a column list) and which
columns are integers (dbutil-style dumps quote every number)."""

from __future__ import annotations

import re
from dataclasses import dataclass

CREATE = re.compile(
    r"CREATE\s++(?:OR\s++REPLACE\s++)?(?:TEMPORARY\s++)?TABLE\s++(?:IF\s++NOT\s++EXISTS\s++)?"
    r"(?:(?:`[^`]++`|\w++)\s*+\.\s*+)?(`[^`]++`|\w++)\s*+\(",
    re.S | re.I,
)
_KEYWORD = re.compile(r"[A-Za-z_]+")
_NOT_COLUMNS = frozenset(
    {"PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FULLTEXT", "SPATIAL", "CHECK", "FOREIGN", "PERIOD"}
)
_INT_TYPES = frozenset({"int", "integer", "tinyint", "smallint", "mediumint", "bigint", "year"})


@dataclass(slots=True)
class Table:
    """What a CREATE TABLE says that the reader needs: column order, and which columns are integers."""

    columns: list[str]
    integers: frozenset[str] = frozenset()


def unquote_name(text: str) -> str:
    return text.strip().strip("`").strip()


def split_definitions(body: str) -> list[str]:
    """Top-level comma-separated parts of a CREATE TABLE body (types like ``decimal(16,0)`` stay whole)."""
    parts: list[str] = []
    depth, start, quote, index = 0, 0, "", 0
    while index < len(body):
        char = body[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(body[start:index])
            start = index + 1
        index += 1
    parts.append(body[start:])
    return [part.strip() for part in parts if part.strip()]


def parse_create(statement: str, match: re.Match[str]) -> tuple[str, Table]:
    """Table name and columns of a CREATE TABLE statement."""
    end = statement.rfind(")")
    columns: list[str] = []
    integers: set[str] = set()
    for part in split_definitions(statement[match.end() : end]):
        if part.startswith("`"):
            name, _, rest = part[1:].partition("`")
        else:
            word = _KEYWORD.match(part)
            if word is None or word.group(0).upper() in _NOT_COLUMNS:
                continue
            name, rest = word.group(0), part[word.end() :]
        columns.append(name)
        kind = _KEYWORD.match(rest.strip())
        if kind is not None and kind.group(0).lower() in _INT_TYPES:
            integers.add(name)
    return unquote_name(match.group(1)), Table(columns, frozenset(integers))
