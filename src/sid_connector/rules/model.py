"""The vocabulary of validation: severities, roles, rules, findings and the shared per-run context.

A rule is plain data plus one ``check`` function, so packs stay declarative and the docs can be generated
from the same objects that run. Findings carry only masked identifiers: they are shown, stored and sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sid_connector.rules.context import RuleContext
    from sid_connector.village import VillageData


class Severity(StrEnum):
    """How sure and how urgent (RULES.md §0.1)."""

    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        """0 for ERROR … 2 for INFO: sorts the worst first."""
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Role(StrEnum):
    """Who in the village government must act on a finding (RULES.md §0.2)."""

    KASI_PEM = "KASI_PEM"
    SEKDES = "SEKDES"
    KADUS = "KADUS"
    KETUA_RT = "KETUA_RT"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem on one record. ``message``/``message_en`` never hold a raw NIK or KK number."""

    rule_id: str
    severity: Severity
    entity: str
    record_key: str
    message: str
    message_en: str = ""
    hint: str = ""
    hint_en: str = ""
    record_id: int | None = None
    dusun: str | None = None
    rw: str | None = None
    rt: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """Stable identity across runs, so an official hears of a problem once (RULES.md §9.3)."""
        return (self.rule_id, self.entity, self.record_key)


CheckFn = Callable[["VillageData", "RuleContext"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A validation rule as RULES.md specifies it: identity, routing, wording, and its check."""

    id: str
    severity: Severity
    roles: tuple[Role, ...]
    title: str
    description: str
    hint_id: str
    hint_en: str
    source: str
    entity: str
    check: CheckFn = field(repr=False, compare=False)

    def finding(
        self,
        record_key: str,
        message: str,
        message_en: str,
        *,
        record: Any = None,
        severity: Severity | None = None,
        entity: str | None = None,
        location: Mapping[str, str | None] | Sequence[str | None] | None = None,
    ) -> Finding:
        """Build a finding of this rule; location and OpenSID id are taken from ``record`` when given."""
        dusun = rw = rt = None
        record_id = None
        if record is not None:
            record_id = getattr(record, "id", None)
            dusun = getattr(record, "dusun", None)
            rw = getattr(record, "rw", None)
            rt = getattr(record, "rt", None)
        if location is not None:
            if isinstance(location, Mapping):
                dusun, rw, rt = location.get("dusun"), location.get("rw"), location.get("rt")
            else:
                dusun, rw, rt = location
        return Finding(
            rule_id=self.id,
            severity=severity or self.severity,
            entity=entity or self.entity,
            record_key=record_key,
            message=message,
            message_en=message_en,
            hint=self.hint_id,
            hint_en=self.hint_en,
            record_id=record_id,
            dusun=dusun,
            rw=rw,
            rt=rt,
        )


def age_on(born: date, on: date) -> int:
    """Full years (RULES.md §0.4): a 29 February birthday counts as reached on 1 March."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


FamilyKey = tuple[str, Any]
PersonKey = tuple[str, Any]


def family_key_of_keluarga(keluarga: Any) -> FamilyKey | None:
    """A family's identity: OpenSID id when the source has ids, else its resolved ``no_kk``."""
    if keluarga.id is not None:
        return ("id", keluarga.id)
    return ("kk", keluarga.no_kk) if keluarga.no_kk else None


def family_key_of_penduduk(penduduk: Any) -> FamilyKey | None:
    """The family a resident belongs to, by ``id_kk`` when known, else by the resolved ``no_kk``."""
    if penduduk.id_kk is not None:
        return ("id", penduduk.id_kk)
    return ("kk", penduduk.no_kk) if penduduk.no_kk else None


def _local_today() -> date:
    from datetime import datetime, timedelta, timezone

    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Asia/Jakarta")).date()
    except Exception:  # tzdata missing: OpenSID's default zone is a fixed UTC+7
        return datetime.now(timezone(timedelta(hours=7))).date()


class RuleContext:
    """What all rules of one run share: the reference date and indexes built once, on first use.

    Cross-record rules stay set-based by reading these indexes instead of scanning the village again;
    ``memo`` lets a pack share its own derived data (e.g. each resident's NIK class) between its rules.
    """

    def __init__(
        self,
        village: VillageData,
        ref_date: date | None = None,
        *,
        tables: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        other_villages: Sequence[VillageData] = (),
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.village = village
        self.ref_date = ref_date or _local_today()
        self.kode_desa = village.kode_desa
        self.tables = dict(tables or {})
        self.other_villages = tuple(other_villages)
        self.options = dict(options or {})
        self._memo: dict[str, Any] = {}

    def memo(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()`` once per run under ``name``; later calls return the same object."""
        try:
            return self._memo[name]
        except KeyError:
            value = self._memo[name] = build()
            return value

    # --- residents -------------------------------------------------------------------------------------
    @property
    def residents(self) -> list[tuple[str, Any]]:
        """All residents as ``(store key, Penduduk)``, any status."""
        return self.memo("residents", lambda: list(self.village.penduduk.items()))

    @property
    def hidup(self) -> list[tuple[str, Any]]:
        """HIDUP residents (``status_dasar`` 1; unset counts as OpenSID's default, HIDUP)."""
        return self.memo("hidup", lambda: [(k, p) for k, p in self.residents if p.status_dasar in (1, None)])

    @property
    def by_id(self) -> dict[int, tuple[str, Any]]:
        """Residents by OpenSID id (empty for a workbook source)."""
        return self.memo("by_id", lambda: {p.id: (k, p) for k, p in self.residents if p.id is not None})

    @property
    def by_nik(self) -> dict[str, list[tuple[str, Any]]]:
        """Residents by normalised NIK (every non-empty value, any status)."""

        def build() -> dict[str, list[tuple[str, Any]]]:
            index: dict[str, list[tuple[str, Any]]] = {}
            for row, nik in zip(self.residents, self.column("nik"), strict=True):
                if nik:
                    found = index.get(nik)
                    if found is None:
                        index[nik] = [row]
                    else:
                        found.append(row)
            return index

        return self.memo("by_nik", build)

    # --- families --------------------------------------------------------------------------------------
    @property
    def families(self) -> dict[FamilyKey, list[tuple[str, Any]]]:
        """Family rows by family key (a list, as merged sources may hold duplicates)."""

        def build() -> dict[FamilyKey, list[tuple[str, Any]]]:
            index: dict[FamilyKey, list[tuple[str, Any]]] = {}
            for key, k in self.village.keluarga.items():
                fk = family_key_of_keluarga(k)
                if fk is not None:
                    index.setdefault(fk, []).append((key, k))
            return index

        return self.memo("families", build)

    @property
    def members(self) -> dict[FamilyKey, list[tuple[str, Any]]]:
        """Residents (any status) grouped by the family they belong to."""

        def build() -> dict[FamilyKey, list[tuple[str, Any]]]:
            index: dict[FamilyKey, list[tuple[str, Any]]] = {}
            for key, p in self.residents:
                fk = family_key_of_penduduk(p)
                if fk is not None:
                    index.setdefault(fk, []).append((key, p))
            return index

        return self.memo("members", build)

    def members_of(self, keluarga: Any) -> list[tuple[str, Any]]:
        """Members of a family row; by id, falling back to ``no_kk`` for residents without ``id_kk``."""
        fk = family_key_of_keluarga(keluarga)
        if fk is None:
            return []
        found = self.members.get(fk, [])
        if fk[0] == "id" and keluarga.no_kk:
            extra = self.members.get(("kk", keluarga.no_kk))
            if extra:
                return found + extra
        return found

    @property
    def active_families(self) -> set[str]:
        """Store keys of families with at least one HIDUP member (RULES.md §0.4 "active family")."""

        def build() -> set[str]:
            return {
                key for key, k in self.village.keluarga.items()
                if any(p.status_dasar in (1, None) for _, p in self.members_of(k))
            }

        return self.memo("active_families", build)

    def column(self, name: str, *, hidup: bool = False) -> list[Any]:
        """One attribute of every resident (or HIDUP resident), aligned with ``residents``/``hidup``.

        Built once at C speed; rules test a whole column with set operations and only loop over the rows
        whose value is suspicious, which keeps per-record rules cheap on large villages.
        """
        if name in WIDE_COLUMNS:
            return self._wide(hidup)[name]
        people = self.hidup_people if hidup else self.people
        return self.memo(f"column:{name}:{hidup}", lambda: list(map(attrgetter(name), people)))

    def _wide(self, hidup: bool) -> dict[str, list[Any]]:
        """All :data:`WIDE_COLUMNS` in one pass over the records (each record's memory is touched once)."""

        def build() -> dict[str, list[Any]]:
            people = self.hidup_people if hidup else self.people
            if not people:
                return {name: [] for name in WIDE_COLUMNS}
            rows = map(attrgetter(*WIDE_COLUMNS), people)
            return {name: list(values) for name, values in zip(WIDE_COLUMNS, zip(*rows, strict=True), strict=True)}

        return self.memo(f"wide:{hidup}", build)

    @property
    def people(self) -> list[Any]:
        """Residents without their keys, aligned with ``residents``."""
        return self.memo("people", lambda: list(self.village.penduduk.values()))

    @property
    def hidup_people(self) -> list[Any]:
        """HIDUP residents without their keys, aligned with ``hidup``."""
        return self.memo("hidup_people", lambda: [p for _, p in self.hidup])

    # --- events ----------------------------------------------------------------------------------------
    @property
    def events_by_person(self) -> dict[PersonKey, list[tuple[str, Any]]]:
        """``log_penduduk`` rows per person (by ``id_pend``, else by NIK), oldest first by id."""

        def build() -> dict[PersonKey, list[tuple[str, Any]]]:
            index: dict[PersonKey, list[tuple[str, Any]]] = {}
            for key, e in self.village.peristiwa.items():
                pk: PersonKey | None = ("id", e.id_pend) if e.id_pend is not None else (
                    ("nik", e.nik) if e.nik else None
                )
                if pk is not None:
                    index.setdefault(pk, []).append((key, e))
            for rows in index.values():
                rows.sort(key=_event_order)
            return index

        return self.memo("events_by_person", build)

    def events_of(self, penduduk: Any) -> list[tuple[str, Any]]:
        """A resident's events, oldest first; the last one is the "latest event" of RULES.md §0.4."""
        if penduduk.id is not None:
            found = self.events_by_person.get(("id", penduduk.id))
            if found:
                return found
        if penduduk.nik:
            return self.events_by_person.get(("nik", penduduk.nik), [])
        return []

    def person_of_event(self, event: Any) -> tuple[str, Any] | None:
        """The resident an event belongs to, by id when known, else by NIK."""
        if event.id_pend is not None and self.by_id:
            return self.by_id.get(event.id_pend)
        if event.nik:
            rows = self.by_nik.get(event.nik)
            return rows[0] if rows else None
        return None

    @property
    def event_people(self) -> dict[str, tuple[str, Any] | None]:
        """Each event's resident (see :meth:`person_of_event`) by event store key, resolved once."""
        return self.memo(
            "event_people", lambda: {key: self.person_of_event(e) for key, e in self.village.peristiwa.items()}
        )

    @property
    def family_events(self) -> dict[int, list[tuple[str, Any]]]:
        """``log_keluarga`` rows per ``id_kk``, oldest first by id."""

        def build() -> dict[int, list[tuple[str, Any]]]:
            index: dict[int, list[tuple[str, Any]]] = {}
            for key, e in self.village.peristiwa_keluarga.items():
                if e.id_kk is not None:
                    index.setdefault(e.id_kk, []).append((key, e))
            for rows in index.values():
                rows.sort(key=lambda row: (row[1].id is None, row[1].id or 0, row[0]))
            return index

        return self.memo("family_events", build)

    # --- areas -----------------------------------------------------------------------------------------
    @property
    def wilayah_by_id(self) -> dict[int, tuple[str, Any]]:
        """Cluster rows by OpenSID id."""
        return self.memo(
            "wilayah_by_id", lambda: {w.id: (k, w) for k, w in self.village.wilayah.items() if w.id is not None}
        )


WIDE_COLUMNS: tuple[str, ...] = (
    "nik", "nama", "sex", "tempatlahir", "tanggallahir", "agama_id", "pendidikan_kk_id", "pendidikan_sedang_id",
    "pekerjaan_id", "status_kawin", "kk_level", "warganegara_id", "golongan_darah_id", "cacat_id",
    "sakit_menahun_id", "cara_kb_id", "hamil", "ktp_el", "status_rekam", "status", "status_dasar", "id_asuransi",
    "bahasa_id", "rtm_level", "nama_ayah", "nama_ibu",
)
"""Resident columns extracted together, once per run, for column-wise rules."""


def _event_order(row: tuple[str, Any]) -> tuple[Any, ...]:
    event = row[1]
    when = event.tgl_peristiwa.isoformat() if event.tgl_peristiwa else ""
    return (event.id is not None, event.id or 0, when, row[0])
