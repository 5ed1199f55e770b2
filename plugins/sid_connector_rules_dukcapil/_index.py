"""Per-run column indexes of the event, family and KK rules, built once at C speed and shared between rules.

Most rules find nothing on a clean village, so each rule first selects *candidate* rows with whole-column
operations (``map`` over ``operator`` functions, ``itertools.compress``, set membership) and then runs its exact,
row-by-row check only on those candidates. A candidate filter may let through rows that turn out fine, never
the other way round: the exact check alone decides the findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import eq, is_, is_not
from typing import Any

from sid_connector.rules.model import RuleContext
from sid_connector_rules_dukcapil._base import empty, indices, ordinals


def pick(values: Sequence[Any], rows: Iterable[int]) -> list[Any]:
    """``values[i]`` for each ``i`` of ``rows``, at C speed."""
    return list(map(values.__getitem__, rows))


def empty_mask(values: Sequence[Any]) -> list[bool]:
    """``_base.empty`` of each value, evaluated once per distinct value (at C speed when all are text)."""
    distinct = set(values)
    distinct.discard(None)
    try:
        empties = set(compress(distinct, map(_BLANK.__contains__, map(str.strip, distinct))))
    except TypeError:  # a value that is not text: never empty unless None, but ask ``empty`` itself
        empties = {value for value in distinct if empty(value)}
    empties.add(None)
    return list(map(empties.__contains__, values))


_BLANK = frozenset(("", "-"))


def repeated(values: Sequence[Any]) -> set[Any]:
    """The values that occur more than once (None excluded), found at C speed."""
    if len(set(values)) == len(values):
        return set()
    found = {value for value, count in Counter(values).items() if count > 1}
    found.discard(None)
    return found


def first_of(keys: Sequence[Any], values: Sequence[Any]) -> dict[Any, Any]:
    """``{key: value}`` keeping the value of each key's first occurrence (a dict keeps the last)."""
    return dict(zip(reversed(keys), reversed(values), strict=True))


def all_real(values: Sequence[Any]) -> bool:
    """Is every value a REAL KK number (``[1-9]\\d{15}``, what ``ids.classify_kk`` calls REAL)?

    (NIKs are classified once per run by ``_base.nik_class_column``; this proof serves the family numbers.)

    Proven for the whole column at once: 16-character strings whose concatenation is decimal digits (``\\d`` and
    ``str.isdecimal`` both mean Unicode category Nd) and whose first characters are 1-9.
    """
    if set(map(type, values)) != {str} or set(map(len, values)) != {16}:
        return False
    joined = "".join(values)
    return joined.isdecimal() and set(joined[::16]) <= _NONZERO


_NONZERO = frozenset("123456789")


def is_none(values: Iterable[Any]) -> Iterable[bool]:
    """``value is None`` of each value, lazily at C speed."""
    return map(is_, values, repeat(None))


def is_set(values: Iterable[Any]) -> Iterable[bool]:
    """``value is not None`` of each value, lazily at C speed."""
    return map(is_not, values, repeat(None))


# --- residents ---------------------------------------------------------------------------------------------
def sentinel(values: list[Any], value: Any) -> list[Any]:
    """``values`` plus one entry for "no resident" (``len(residents)`` in ``ctx.event_positions``)."""
    return [*values, value]


# --- events ------------------------------------------------------------------------------------------------
def event_rows(ctx: RuleContext, kode: int) -> list[int]:
    """Indexes (in ``village.peristiwa`` order) of the events of one ``kode_peristiwa``."""
    return ctx.memo(
        f"dukcapil.event_rows:{kode}", lambda: indices(map(eq, ctx.event_column("kode_peristiwa"), repeat(kode)))
    )


def event_ordinals(ctx: RuleContext, name: str, missing: int) -> list[int]:
    """An event date column as day numbers, ``missing`` for None; aligned with ``village.peristiwa``."""
    return ctx.memo(f"dukcapil.event_ordinals:{name}:{missing}", lambda: ordinals(ctx.event_column(name), missing))


def event_list(ctx: RuleContext) -> tuple[list[str], list[Any]]:
    """Event store keys and records, aligned with ``village.peristiwa``."""
    return ctx.memo("dukcapil.event_list", lambda: (list(ctx.village.peristiwa), list(ctx.village.peristiwa.values())))


def event_person_rows(ctx: RuleContext) -> list[Any]:
    """``ctx.residents`` plus None, so ``rows[ctx.event_positions[i]]`` is the event's ``(key, person)`` or None."""
    return ctx.memo("dukcapil.event_person_rows", lambda: sentinel(ctx.residents, None))


# --- families ----------------------------------------------------------------------------------------------
class Families:
    """Family membership as columns: which family (store key) each resident and each HIDUP resident is in.

    Only built when ``ctx.member_family`` exists (every resident in at most one family, members in
    ``residents`` order); family rules otherwise use ``ctx.members_of`` family by family.
    """

    def __init__(self, ctx: RuleContext, member_family: list[str | None]) -> None:
        self.ctx = ctx
        self.of = member_family
        self.of_hidup = list(compress(member_family, ctx.hidup_mask))

    def where(self, mask: Iterable[Any], *, hidup: bool) -> set[str]:
        """The families having a resident (a HIDUP resident) for whom ``mask`` is true."""
        found = set(compress(self.of_hidup if hidup else self.of, mask))
        found.discard(None)
        return found

    def members(self, keys: set[str]) -> dict[str, list[tuple[str, Any]]]:
        """Members (any status, ``residents`` order) of the given families; what ``members_of`` gives for them."""
        out: dict[str, list[tuple[str, Any]]] = {key: [] for key in keys}
        residents = self.ctx.residents
        for i in indices(map(keys.__contains__, self.of)):
            out[self.of[i]].append(residents[i])
        return out

    def rows(self, keys: set[str]) -> list[tuple[str, Any, list[tuple[str, Any]]]]:
        """``(key, family, members)`` of the given families, in ``village.keluarga`` order."""
        if not keys:
            return []
        members = self.members(keys)
        keluarga = self.ctx.village.keluarga
        return [(key, keluarga[key], members[key]) for key in keluarga if key in keys]


def families(ctx: RuleContext) -> Families | None:
    """The shared :class:`Families` of this run, or None when membership is not a partition."""

    def build() -> Families | None:
        member_family = ctx.member_family
        return None if member_family is None else Families(ctx, member_family)

    return ctx.memo("dukcapil.families", build)


