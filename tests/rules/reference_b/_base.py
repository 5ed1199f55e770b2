"""Helpers shared by this pack's rule modules: rule declaration, empties, masking, shared indexes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sid_connector.privacy import mask_id
from sid_connector.rules.model import Finding, Role, Rule, RuleContext, Severity
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil import ids

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
KASI_PEM, SEKDES, KADUS, KETUA_RT = Role.KASI_PEM, Role.SEKDES, Role.KADUS, Role.KETUA_RT

PackCheck = Callable[[Rule, VillageData, RuleContext], Iterable[Finding]]


def rule(
    rule_id: str,
    severity: Severity,
    roles: tuple[Role, ...],
    *,
    title: str,
    description: str,
    hint_id: str,
    hint_en: str,
    source: str,
    entity: str = "penduduk",
) -> Callable[[PackCheck], Rule]:
    """Declare a rule from RULES.md; the decorated check receives the rule itself to build findings."""

    def declare(check: PackCheck) -> Rule:
        def run(village: VillageData, ctx: RuleContext) -> Iterable[Finding]:
            return check(built, village, ctx)

        built = Rule(
            id=rule_id,
            severity=severity,
            roles=roles,
            title=title,
            description=description,
            hint_id=hint_id,
            hint_en=hint_en,
            source=source,
            entity=entity,
            check=run,
        )
        return built

    return declare


def empty(value: Any) -> bool:
    """RULES.md "empty": None, blank, or a lone dash."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or text == "-"
    return False


def show_id(value: str | None) -> str:
    """A NIK/KK for messages: masked when 16 characters, else 16 stars (never part of a malformed value)."""
    if value and len(value) == 16:
        return mask_id(value)
    return "*" * 16


def day(value: date | datetime | None) -> date | None:
    """The date part (RULES.md: "ignore the time of day")."""
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def days_between(start: date | datetime | None, end: date | datetime | None) -> int | None:
    a, b = day(start), day(end)
    return None if a is None or b is None else (b - a).days


_SPACES = re.compile(r"\s+")


def norm_text(value: str | None) -> str:
    """Upper-case with collapsed spaces, for matching names and places."""
    return _SPACES.sub(" ", (value or "").strip().upper())


def rows_where(ctx: RuleContext, column: str, values: Iterable[Any], *, hidup: bool = True) -> list[Any]:
    """``(key, record)`` of residents whose ``column`` is one of ``values``.

    The column is tested at C speed first, so a clean village costs no Python-level loop.
    """
    wanted = frozenset(values)
    col = ctx.column(column, hidup=hidup)
    if wanted.isdisjoint(col):
        return []
    rows = ctx.hidup if hidup else ctx.residents
    return [rows[i] for i, value in enumerate(col) if value in wanted]


def rows_with(ctx: RuleContext, column: str, *, hidup: bool = True) -> list[Any]:
    """``(key, record)`` of residents whose ``column`` is set (not None); cheap when nobody has it."""
    col = ctx.column(column, hidup=hidup)
    if col.count(None) == len(col):
        return []
    rows = ctx.hidup if hidup else ctx.residents
    return [rows[i] for i, value in enumerate(col) if value is not None]


def nik_classes(ctx: RuleContext) -> dict[str, str]:
    """Each resident's NIK class by store key, computed once per run for all NIK rules."""
    return ctx.memo(
        "dukcapil.nik_class", lambda: {key: ids.classify_nik(p.nik) for key, p in ctx.residents}
    )


def real_hidup(ctx: RuleContext) -> list[tuple[str, Any]]:
    """HIDUP residents whose NIK is class REAL: the input of the structural NIK rules."""

    def build() -> list[tuple[str, Any]]:
        classes = nik_classes(ctx)
        return [(k, p) for k, p in ctx.hidup if classes[k] == ids.REAL]

    return ctx.memo("dukcapil.real_hidup", build)


def wilayah_api() -> Any:
    """The offline region list (``sid_connector.wilayah``), imported only when a region rule runs."""
    from sid_connector import wilayah

    return wilayah


_KODE_DESA = re.compile(r"\d{10}")


def kode_desa_usable(ctx: RuleContext) -> bool:
    """False while REG-KODE-DESA fails: rules comparing with the village code then stay silent."""

    def build() -> bool:
        code = ctx.kode_desa or ""
        if not _KODE_DESA.fullmatch(code):
            return False
        try:
            region = wilayah_api().lookup(code)
        except ImportError:
            return True
        return region is not None and getattr(region, "level", 4) in (4, "desa", "desa/kelurahan")

    return ctx.memo("dukcapil.kode_desa_ok", build)


def active_family(ctx: RuleContext, keluarga: Any, key: str | None = None) -> bool:
    """A family with at least one HIDUP member (RULES.md §0.4); pass the store key for the cached answer."""
    if key is not None:
        return key in ctx.active_families
    return any(p.status_dasar in (1, None) for _, p in ctx.members_of(keluarga))


def nik_births(ctx: RuleContext) -> dict[str, tuple[int, int, int, bool] | None]:
    """``ids.nik_birth`` of every REAL HIDUP NIK by store key, parsed once per distinct date block."""

    def build() -> dict[str, tuple[int, int, int, bool] | None]:
        cache: dict[str, tuple[int, int, int, bool] | None] = {}
        out: dict[str, tuple[int, int, int, bool] | None] = {}
        for key, p in real_hidup(ctx):
            block = p.nik[6:12]
            if block not in cache:
                cache[block] = ids.nik_birth(p.nik)
            out[key] = cache[block]
        return out

    return ctx.memo("dukcapil.nik_births", build)


def latest_event(ctx: RuleContext, penduduk: Any) -> Any:
    """The person's event with the highest id (RULES.md §0.4), or None."""
    events = ctx.events_of(penduduk)
    return events[-1][1] if events else None
