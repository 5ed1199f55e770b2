"""Helpers shared by this pack's rule modules: rule declaration, empties, masking, shared indexes."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import compress, count, repeat
from operator import is_, itemgetter, ne, not_, sub
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


def distinct(ctx: RuleContext, name: str, *, hidup: bool = False) -> set[Any]:
    """The distinct values of a resident column, built once per run and shared by the rules that ask."""
    return ctx.memo(f"dukcapil.distinct:{name}:{hidup}", lambda: set(ctx.column(name, hidup=hidup)))


def rows_where(ctx: RuleContext, column: str, values: Iterable[Any], *, hidup: bool = True) -> list[Any]:
    """``(key, record)`` of residents whose ``column`` is one of ``values``.

    The column is tested at C speed first (the full column before the HIDUP one is derived), so a clean
    village costs no Python-level loop.
    """
    wanted = frozenset(values)
    if wanted.isdisjoint(ctx.column(column)):
        return []
    col = ctx.column(column, hidup=hidup)
    if wanted.isdisjoint(col):
        return []
    rows = ctx.hidup if hidup else ctx.residents
    return [rows[i] for i, value in enumerate(col) if value in wanted]


def rows_with(ctx: RuleContext, column: str, *, hidup: bool = True) -> list[Any]:
    """``(key, record)`` of residents whose ``column`` is set (not None); cheap when nobody has it."""
    full = ctx.column(column)
    if full.count(None) == len(full):
        return []
    col = ctx.column(column, hidup=hidup)
    if col.count(None) == len(col):
        return []
    rows = ctx.hidup if hidup else ctx.residents
    return [rows[i] for i, value in enumerate(col) if value is not None]


def indices(flags: Iterable[Any]) -> list[int]:
    """Positions of the truthy flags, found at C speed."""
    return list(compress(count(), flags))


def suspect_rows(
    columns: Sequence[Sequence[Any]], judge: Callable[..., bool], *, combos: set[tuple[Any, ...]] | None = None
) -> list[int]:
    """Rows whose combination of values ``judge`` flags, judging each distinct combination once.

    Coded columns have few distinct combinations, so a clean village costs one ``set(zip(...))`` and no
    per-row Python code; ``judge`` must flag every combination that can produce a finding (a superset).
    Pass ``combos`` (that set, kept by the caller) when several rules judge the same columns.
    """
    if combos is None:
        combos = set(zip(*columns, strict=True))
    flagged = {combo for combo in combos if judge(*combo)}
    if not flagged:
        return []
    return indices(map(flagged.__contains__, zip(*columns, strict=True)))


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.encode("ascii").isdigit()


def any_none(values: Iterable[Any]) -> bool:
    """``None in values`` by identity: ``in`` would call a record's Python ``__eq__`` once per element."""
    return any(map(is_, values, repeat(None)))


def classify_niks(values: Sequence[Any]) -> list[str]:
    """``ids.classify_nik`` of every value, in order; REAL NIKs are recognised without a per-value loop.

    REAL means 16 ASCII-or-Unicode decimal digits, the first in 1-9: the 16-character text values are
    concatenated and checked once; only the other values and those with a non-ASCII-digit or a leading ``0``
    are classified one by one.
    """
    try:
        fits = list(map((16).__eq__, map(len, values)))
    except TypeError:  # None or not text
        fits = [type(value) is str and len(value) == 16 for value in values]
    classes = [ids.REAL] * len(values)
    odd = indices(map(not_, fits))
    where = indices(fits) if odd else None  # positions of the 16-character values, when not all are
    chosen = [values[i] for i in where] if where is not None else values
    try:
        joined = "".join(chosen)
    except TypeError:  # a 16-long value that is not text: classify_nik decides (and raises) as before
        return list(map(ids.classify_nik, values))
    suspect: set[int] = set()
    if not _ascii_digits(joined):
        suspect.update(k for k, value in enumerate(chosen) if not _ascii_digits(value))
    firsts = joined[::16]
    at = firsts.find("0")
    while at != -1:
        suspect.add(at)
        at = firsts.find("0", at + 1)
    odd.extend(where[k] if where is not None else k for k in suspect)
    for i in odd:
        classes[i] = ids.classify_nik(values[i])
    return classes


def nik_class_column(ctx: RuleContext) -> list[str]:
    """Each resident's NIK class, aligned with ``ctx.residents``; computed once per run."""
    return ctx.memo("dukcapil.nik_class_col", lambda: classify_niks(ctx.column("nik")))


def all_niks_real(ctx: RuleContext) -> bool:
    """Every resident (any status) has a REAL NIK: the NIK rules' clean case."""
    return ctx.memo("dukcapil.all_real", lambda: _only(nik_class_column(ctx), ids.REAL))


def _only(values: list[Any], wanted: Any) -> bool:
    return values.count(wanted) == len(values)


def hidup_nik_classes(ctx: RuleContext) -> list[str]:
    """Each HIDUP resident's NIK class, aligned with ``ctx.hidup``."""

    def build() -> list[str]:
        if all_niks_real(ctx):
            return [ids.REAL] * len(ctx.hidup)
        return classify_niks(ctx.column("nik", hidup=True))

    return ctx.memo("dukcapil.hidup_nik_class", build)


def nik_classes(ctx: RuleContext) -> dict[str, str]:
    """Each resident's NIK class by store key, computed once per run for all NIK rules."""
    return ctx.memo("dukcapil.nik_class", lambda: dict(zip(ctx.village.penduduk, nik_class_column(ctx), strict=True)))


@dataclass(frozen=True, slots=True)
class RealNiks:
    """The REAL NIKs of HIDUP residents (the input of the structural NIK rules), in ``ctx.hidup`` order.

    Every REAL NIK is exactly 16 characters, so ``joined[k::16]`` is digit ``k + 1`` of every NIK: whole-column
    questions about one digit position become a slice and a string comparison.
    """

    rows: list[tuple[str, Any]]
    niks: list[str]
    joined: str
    mask: list[bool] | None  # over ctx.hidup; None when every HIDUP resident is REAL

    def column(self, ctx: RuleContext, name: str) -> list[Any]:
        """``ctx.column(name, hidup=True)`` restricted to these rows."""
        values = ctx.column(name, hidup=True)
        if self.mask is None:
            return values
        return ctx.memo(f"dukcapil.real_col:{name}", lambda: list(compress(values, self.mask)))


def real_niks(ctx: RuleContext) -> RealNiks:
    """REAL HIDUP residents with their NIKs, built once per run."""

    def build() -> RealNiks:
        classes = hidup_nik_classes(ctx)
        niks = ctx.column("nik", hidup=True)
        if _only(classes, ids.REAL):
            return RealNiks(ctx.hidup, niks, "".join(niks), None)
        mask = [cls == ids.REAL for cls in classes]
        real = list(compress(niks, mask))
        return RealNiks(list(compress(ctx.hidup, mask)), real, "".join(real), mask)

    return ctx.memo("dukcapil.real_niks", build)


def real_hidup(ctx: RuleContext) -> list[tuple[str, Any]]:
    """HIDUP residents whose NIK is class REAL: the input of the structural NIK rules."""
    return real_niks(ctx).rows


def nik_slices(ctx: RuleContext, start: int, stop: int) -> set[str]:
    """The distinct ``nik[start:stop]`` of REAL HIDUP NIKs; a position shared by every NIK costs one slice."""

    def build() -> set[str]:
        real = real_niks(ctx)
        if not real.niks:
            return set()
        columns = [real.joined[k::16] for k in range(start, stop)]
        if all(col.count(col[0]) == len(col) for col in columns):
            return {"".join(col[0] for col in columns)}
        return set(map(itemgetter(slice(start, stop)), real.niks))

    return ctx.memo(f"dukcapil.nik_slices:{start}:{stop}", build)


_FEMALE_TENS = str.maketrans("4567", "0123")
_DD = [f"{i:02d}" for i in range(100)]


def _ddmmyy(value: Any) -> str:
    """The NIK date block a (male) resident born on ``value`` would have; never digits for a non-date."""
    if type(value) is not date:
        return "??????"
    return _DD[value.day] + _DD[value.month] + _DD[value.year % 100]


def nik_date_mismatches(ctx: RuleContext) -> list[int]:
    """Rows of :func:`real_niks` whose NIK date block (digits 7-12) does not encode ``tanggallahir``.

    A row not listed has a NIK date that is a real calendar date (its birth date), so NIK-DATE,
    NIK-DOB-MATCH and NIK-SEX-MATCH only parse the listed rows. Compared digit position by digit position
    over the whole column at C speed; a woman's day (+40) is folded back before comparing.
    """

    def build() -> list[int]:
        real = real_niks(ctx)
        nik = real.joined
        born_ord = born_ordinals(ctx) if real.mask is None else list(compress(born_ordinals(ctx), real.mask))
        expected = date_blocks(born_ord)
        if expected is None:  # a missing or odd date, or a span of centuries: one code per distinct value
            born = real.column(ctx, "tanggallahir")
            codes = {value: _ddmmyy(value) for value in set(born)}
            expected = "".join(map(codes.__getitem__, born))
        pairs = [(nik[6::16].translate(_FEMALE_TENS), expected[0::6])]
        pairs += [(nik[6 + k :: 16], expected[k::6]) for k in range(1, 6)]
        bad: set[int] = set()
        for got, want in pairs:
            if got != want:
                bad.update(indices(map(ne, got, want)))
        return sorted(bad)

    return ctx.memo("dukcapil.nik_date_mismatch", build)


def date_blocks(ordinals: list[int], *, max_years: int = 200) -> str | None:
    """``_ddmmyy`` of every date (given as ordinals), concatenated; None if one is missing or they span too long.

    The codes of every day from the first year to the last are generated month by month (36,500 short
    strings for a century) and picked by ordinal at C speed: no date object is read and none is formatted.
    """
    if not ordinals:
        return ""
    first, last = min(ordinals), max(ordinals)
    if first < 1:  # NO_DATE: a missing or unreadable date
        return None
    start, end = date.fromordinal(first).year, date.fromordinal(last).year
    if end - start > max_years:
        return None
    table: list[str] = []
    for year in range(start, end + 1):
        yy = _DD[year % 100]
        for month in range(1, 13):
            tail = _DD[month] + yy
            table += [day + tail for day in _DD[1 : monthrange(year, month)[1] + 1]]
    base = date(start, 1, 1).toordinal()
    return "".join(map(table.__getitem__, map(sub, ordinals, repeat(base))))


NO_DATE = -1
"""Day number standing for a missing birth date: before every real date (day numbers start at 1); the event and
family rules compare birth day numbers with a literal -1."""

_toordinal = date.toordinal  # also takes a datetime (its date part), like ``day``


def ordinals(values: Sequence[Any], missing: int) -> list[int]:
    """Day numbers (``date.toordinal``) of dates/datetimes, ``missing`` for None: date gaps become int arithmetic."""
    if None not in values:
        return list(map(_toordinal, values))
    return [missing if value is None else _toordinal(value) for value in values]


def birth_ordinals(ctx: RuleContext) -> list[int]:
    """Every resident's ``tanggallahir`` as a day number, :data:`NO_DATE` if unknown; aligned with ``ctx.residents``."""
    return ctx.memo("dukcapil.birth_ordinals", lambda: ordinals(ctx.column("tanggallahir"), NO_DATE))


def born_ordinals(ctx: RuleContext) -> list[int]:
    """:func:`birth_ordinals` of the HIDUP residents, aligned with ``ctx.hidup``: selected, not converted again."""
    return ctx.memo("dukcapil.born_ord", lambda: list(compress(birth_ordinals(ctx), ctx.hidup_mask)))


def born_by(ref: date, years: int) -> int:
    """Ordinal of the last birth date with ``age_on(born, ref) >= years`` (0 when there is none).

    Age in full years is a lexicographic comparison of (year, month, day), so the cutoff is the same month
    and day ``years`` earlier; 29 February falls back to the 28th in a common year.
    """
    year = ref.year - years
    if year < 1:
        return 0
    return date(year, ref.month, min(ref.day, monthrange(year, ref.month)[1])).toordinal()


def blank_values(ctx: RuleContext, column: str, *, hidup: bool = True) -> frozenset[Any]:
    """The values of ``column`` that are RULES.md-empty (``None`` included); only blank-looking text is judged.

    A date or number is never empty, and text is empty only when it strips to nothing or ``-``: the column is
    checked with C-level maps, without hashing every value.
    """

    def build() -> frozenset[Any]:
        values = ctx.column(column, hidup=hidup)
        filled = list(filter(None, values))  # drops None and "" (and other falsy values: judged below)
        falsy = len(values) - len(filled) - values.count(None)
        kinds = set(map(type, filled))
        if kinds <= _NEVER_EMPTY and not falsy:
            return frozenset({None})
        if kinds <= {str} and not falsy:
            stripped = list(map(str.strip, filled))
            if "" not in stripped and "-" not in stripped:
                return frozenset({None})
        return frozenset({None} | {value for value in set(values) if empty(value)})

    return ctx.memo(f"dukcapil.blank:{column}:{hidup}", build)


@dataclass(frozen=True, slots=True)
class JoinedText:
    """A text column's truthy values joined with newlines, for searches over the whole column at once.

    ``joined`` is None when some value is not text or holds a newline itself (then rules look row by row);
    otherwise value boundaries are exactly the newlines.
    """

    joined: str | None
    filled: int  # how many values are truthy (not None, not "")
    total: int

    def has_value(self, value: str) -> bool | None:
        """Is some value exactly ``value`` (no newline in it)? None when only a per-row look can tell."""
        if self.joined is None:
            return None
        return f"\n{value}\n" in f"\n{self.joined}\n"


def joined_text(ctx: RuleContext, name: str) -> JoinedText:
    """:class:`JoinedText` of a text column of all residents (names), built once per run.

    A HIDUP-only question is answered for all residents first: what holds for everyone holds for HIDUP.
    """

    def build() -> JoinedText:
        values = ctx.column(name)
        try:  # the usual column: text only, none empty; one join reads every value once
            joined = "\n".join(values)
        except TypeError:
            pass
        else:
            if (
                values
                and joined.count("\n") == len(values) - 1
                and "\n\n" not in joined
                and (joined[:1] not in ("", "\n") and joined[-1:] != "\n")
            ):
                return JoinedText(joined, len(values), len(values))
        filled = list(filter(None, values))
        try:
            text: str | None = "\n".join(filled)
        except TypeError:
            text = None
        if text is not None and text.count("\n") != max(len(filled) - 1, 0):
            text = None
        return JoinedText(text, len(filled), len(values))

    return ctx.memo(f"dukcapil.joined:{name}", build)


_NEVER_EMPTY = frozenset((date, datetime, int, float))


def blank_flags(ctx: RuleContext, column: str, *, hidup: bool = True) -> list[bool]:
    """For each row: is ``column`` RULES.md-empty? (``empty()`` per row, at C speed.)"""

    def build() -> list[bool]:
        values = ctx.column(column, hidup=hidup)
        blanks = blank_values(ctx, column, hidup=hidup)
        if blanks == {None}:
            return list(map(is_, values, repeat(None)))
        return list(map(blanks.__contains__, values))

    return ctx.memo(f"dukcapil.blank_flags:{column}:{hidup}", build)


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


def latest_events(ctx: RuleContext) -> list[Any]:
    """:func:`latest_event` of every resident, aligned with ``ctx.residents`` (None: no event)."""

    def build() -> list[Any]:
        index = ctx.events_by_person
        found = list(map(index.get, zip(repeat("id"), ctx.column("id"))))
        if None in found:  # lists and None only: a C-level scan
            niks = ctx.column("nik")
            for i in indices(map(is_, found, repeat(None))):
                if niks[i]:
                    found[i] = index.get(("nik", niks[i]))
        if None not in found:
            return list(map(itemgetter(1), map(itemgetter(-1), found)))
        return [rows[-1][1] if rows else None for rows in found]

    return ctx.memo("dukcapil.latest_events", build)


def latest_event_codes(ctx: RuleContext) -> list[Any]:
    """``kode_peristiwa`` of each resident's :func:`latest_event` (None: no event), aligned with ``ctx.residents``.

    When every event has an ``id_pend``, a person with a single event needs no ordering: its code is read from
    the event columns by position. Only people with several events look up their sorted log in
    ``ctx.events_by_person``. Without ``id_pend`` (a workbook) every event record is read.
    """

    def build() -> list[Any]:
        id_pend = ctx.event_column("id_pend")
        if any_none(id_pend):
            return [None if e is None else e.kode_peristiwa for e in latest_events(ctx)]
        n = len(id_pend)
        last = dict(zip(id_pend, count()))  # each person's position in the log (the last, if several)
        persons = ctx.column("id")
        codes = [*ctx.event_column("kode_peristiwa"), None]
        found = list(map(codes.__getitem__, map(last.get, persons, repeat(n))))
        if len(last) < n:  # some people have several events: take their latest as events_of orders them
            several = {id_pend[i] for i in indices(map(ne, map(last.__getitem__, id_pend), count()))}
            index = ctx.events_by_person
            for i in indices(map(several.__contains__, persons)):
                found[i] = index[("id", persons[i])][-1][1].kode_peristiwa
        return found

    return ctx.memo("dukcapil.latest_codes", build)


def event_values(ctx: RuleContext, name: str) -> set[Any]:
    """The distinct values of a ``log_penduduk`` column (e.g. ``kode_peristiwa``), built once per run."""
    return ctx.memo(f"dukcapil.event_values:{name}", lambda: set(ctx.event_column(name)))


def latest_event(ctx: RuleContext, penduduk: Any) -> Any:
    """The person's event with the highest id (RULES.md §0.4), or None."""
    events = ctx.events_of(penduduk)
    return events[-1][1] if events else None
