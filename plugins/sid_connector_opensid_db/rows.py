"""Turning database rows into the engine's RawRows, passing odd values through untouched.

The engine's models decide what is readable; a row is rejected here only when the source itself cannot
make a record of it (no usable id, undecodable bytes), naming the id and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sid_connector.sources import RawRow, Rejected

_DROP = frozenset({"config_id"})


def _clean(value: Any, column: str) -> Any:
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"kolom {column} bukan teks UTF-8 yang sah") from None
    return value


def shape(entity: str, row: Mapping[str, Any]) -> RawRow | Rejected:
    """``RawRow(key=str(id), ref="id N", data)`` or a ``Rejected`` naming id, field and reason."""
    raw_id = row.get("id")
    if not isinstance(raw_id, int):
        return Rejected(entity=entity, ref=f"id {raw_id!r}", field="id", reason="id tidak terbaca", data={})
    ref = f"id {raw_id}"
    if not any(isinstance(value, bytes | bytearray) for value in row.values()):
        # The common case: the driver already decoded every column; one copy, no per-value work.
        return RawRow(key=str(raw_id), ref=ref, data={k: v for k, v in row.items() if k not in _DROP})
    data: dict[str, Any] = {}
    for column, value in row.items():
        if column in _DROP:
            continue
        try:
            data[column] = _clean(value, column)
        except ValueError as exc:
            return Rejected(entity=entity, ref=ref, field=column, reason=str(exc), data={"id": raw_id})
    return RawRow(key=str(raw_id), ref=ref, data=data)


def split(entity: str, rows: Sequence[Mapping[str, Any]]) -> tuple[list[RawRow], list[Rejected]]:
    """Shape a page of rows into readable ones and rejected ones."""
    good: list[RawRow] = []
    bad: list[Rejected] = []
    for row in rows:
        item = shape(entity, row)
        (good if isinstance(item, RawRow) else bad).append(item)  # type: ignore[arg-type]
    return good, bad
