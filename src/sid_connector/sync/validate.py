"""Raw rows → canonical records: validation, canonical JSON and content hash, and readable rejections."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from sid_connector.models import ENTITY_MODELS
from sid_connector.privacy import mask_id
from sid_connector.sources import RawRow, Rejected
from sid_connector.store.records import StoredItem


@dataclass(slots=True)
class Validated:
    items: list[StoredItem]
    rejected: list[Rejected]


def content_hash(canonical_json: str) -> str:
    """A short, stable digest of the canonical JSON: equal hash ⇔ unchanged record."""
    return hashlib.blake2b(canonical_json.encode(), digest_size=16).hexdigest()


def _describe(error: ValidationError) -> tuple[str, str]:
    """(first failing field, every failure as "field: reason") without pydantic's boilerplate."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in item["loc"]) or "-"
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append((field, message))
    return problems[0][0], "; ".join(f"{field}: {message}" for field, message in problems)


def validate_rows(entity: str, rows: Sequence[RawRow]) -> Validated:
    """Validate each row on its own: one unreadable row never stops the others."""
    model = ENTITY_MODELS[entity]
    items: list[StoredItem] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    for row in rows:
        if row.key in seen:
            reason = f"kunci ganda dalam satu batch: {mask_id(row.key) if row.key.isdigit() else row.key}"
            rejected.append(Rejected(entity, row.ref, "key", reason, row.data))
            continue
        seen.add(row.key)
        try:
            record = model.model_validate(row.data)
        except ValidationError as error:
            field, reason = _describe(error)
            rejected.append(Rejected(entity, row.ref, field, reason, dict(row.data), key=row.key))
            continue
        canonical = record.model_dump_json()
        items.append(StoredItem(row.key, content_hash(canonical), canonical))
    return Validated(items, rejected)
