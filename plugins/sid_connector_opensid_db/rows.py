"""Turning database rows into the engine's RawRows, passing odd values through untouched.

The engine's models decide what is readable; a row is rejected here only when the source itself cannot
make a record of it (no usable id, undecodable bytes), naming the id and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any

from sid_connector.sources import RawRow, Rejected

_DROP = "config_id"
_BINARY = frozenset({bytes, bytearray})


def _clean(value: Any, column: str) -> Any:
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"kolom {column} bukan teks UTF-8 yang sah") from None
    return value


def _unreadable_id(entity: str, raw_id: Any) -> Rejected:
    return Rejected(entity=entity, ref=f"id {raw_id!r}", field="id", reason="id tidak terbaca", data={})


def shape(entity: str, row: Mapping[str, Any]) -> RawRow | Rejected:
    """``RawRow(key=str(id), ref="id N", data)`` or a ``Rejected`` naming id, field and reason."""
    raw_id = row.get("id")
    if not isinstance(raw_id, int):
        return _unreadable_id(entity, raw_id)
    ref = f"id {raw_id}"
    data: dict[str, Any] = {}
    for column, value in row.items():
        if column == _DROP:
            continue
        try:
            data[column] = _clean(value, column)
        except ValueError as exc:
            return Rejected(entity=entity, ref=ref, field=column, reason=str(exc), data={"id": raw_id})
    return RawRow(key=str(raw_id), ref=ref, data=data)


def _has_binary(rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether any value of the page is bytes: one pass at C speed over every value's type."""
    return not _BINARY.isdisjoint(map(type, chain.from_iterable(row.values() for row in rows)))


def split(entity: str, rows: Sequence[dict[str, Any]]) -> tuple[list[RawRow], list[Rejected]]:
    """Shape a page of rows into readable ones and rejected ones.

    A page whose values the driver already decoded (the normal case: only a binary column yields bytes)
    hands each row's dict over as it is, since the driver made it for this page alone; a page holding
    bytes takes the per-value path that can name an undecodable field.
    """
    good: list[RawRow] = []
    bad: list[Rejected] = []
    if _has_binary(rows):
        for row in rows:
            item = shape(entity, row)
            (good if isinstance(item, RawRow) else bad).append(item)  # type: ignore[arg-type]
        return good, bad
    for row in rows:
        raw_id = row.get("id")
        if not isinstance(raw_id, int):
            bad.append(_unreadable_id(entity, raw_id))
            continue
        row.pop(_DROP, None)
        good.append(RawRow(key=str(raw_id), ref=f"id {raw_id}", data=row))
    return good, bad
