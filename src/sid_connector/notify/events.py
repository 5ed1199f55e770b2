"""What happened, as events an official must act on: life events from the change history, finding news,
reminders before a legal deadline, and a failed run.

Events carry only what a message may show (PDP-MIN-NOTIFY): initials, a masked NIK, sex and age, the area.
Each has a stable ``key``; the outbox's unique dedup key is built from it, so finding an event twice is safe.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sid_connector.models import Keluarga, Penduduk, Peristiwa, stored_model
from sid_connector.privacy import mask_id
from sid_connector.store import Store

STATUS_EVENTS = {2: "died", 3: "moved_out", 4: "lost"}
LIFE_EVENTS = ("born", "died", "moved_out", "lost", "moved_in", "head_changed")
NOTIFIED_SEVERITIES = ("ERROR", "WARNING")
REMINDER_RULES = ("EVT-BIRTH-60D", "EVT-DEATH-DOCS", "EVT-BIRTH-DOCS", "EVT-MARRIAGE-60D", "EVT-DIVORCE-60D")
DEATH_REMINDER_DAY = 20  # of 30: ten days left to report the death
_MARK = re.compile(r"hari ke-(\d+)")


@dataclass(frozen=True, slots=True)
class PersonRef:
    """The subject as a message may show them: never a full name, never a raw NIK."""

    initials: str = ""
    nik: str = "****************"
    sex: int | None = None
    age_days: int | None = None

    @property
    def minor(self) -> bool:
        """Unknown age counts as a minor: child data is never risked (PDP-SPECIFIC-FIELDS)."""
        return self.age_days is None or self.age_days < 18 * 365.25


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    village: str
    key: str
    dusun: str | None = None
    rw: str | None = None
    rt: str | None = None
    person: PersonRef | None = None
    date: str | None = None
    rule: str | None = None
    severity: str | None = None
    message: str = ""
    message_en: str = ""
    hint: str = ""
    mark: str = ""
    extra: str = ""

    @property
    def mode_kind(self) -> str:
        """The routing-mode key: ``finding_error``/``finding_warning`` for new findings, else the kind."""
        if self.kind == "finding":
            return f"finding_{(self.severity or 'warning').lower()}"
        return self.kind


def initials(name: str | None) -> str:
    """``"SITI WAHYUNI"`` → ``"S. W."`` (external channels carry initials only, PDP-MIN-NOTIFY)."""
    parts = [part for part in re.split(r"[\s.,]+", name or "") if part and part[0].isalpha()]
    return " ".join(f"{part[0].upper()}." for part in parts[:3])


def person_ref(person: Penduduk, today: dt.date) -> PersonRef:
    age = (today - person.tanggallahir).days if person.tanggallahir else None
    return PersonRef(initials(person.nama), mask_id(person.nik), person.sex, age)


# -- life events from the change history ------------------------------------------------------------------
def _record(store: Store, village: str, entity: str, key: str) -> dict[str, Any] | None:
    row = store.conn.execute(
        "SELECT data FROM record WHERE village = ? AND entity = ? AND key = ?", (village, entity, key)
    ).fetchone()
    return json.loads(row[0]) if row else None


def _latest_events(store: Store, village: str) -> dict[Any, Peristiwa]:
    """Latest event per person (highest id, OpenSID's convention), keyed by id_pend and by NIK."""
    latest: dict[Any, Peristiwa] = {}
    for _, text in store.iter_records(village, "peristiwa"):
        event = stored_model(Peristiwa).model_validate_json(text)
        for ref in (("id", event.id_pend), ("nik", event.nik)):
            if ref[1] is None:
                continue
            known = latest.get(ref)
            if known is None or (event.id or 0) >= (known.id or 0):
                latest[ref] = event
    return latest


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


def village_max_change(store: Store, village: str) -> int:
    (value,) = store.conn.execute("SELECT coalesce(max(id), 0) FROM change WHERE village = ?", (village,)).fetchone()
    return int(value)


def life_events(store: Store, village: str, since_id: int, today: dt.date) -> tuple[list[Event], int]:
    """Births, deaths, moves, lost residents and head changes after change ``since_id``; returns the new mark."""
    found: list[Event] = []
    last = since_id
    latest: dict[Any, Peristiwa] | None = None
    heads: dict[str, Event] = {}
    for change in store.changes_since(village, since_id):
        last = change["id"]
        entity, kind, diff = change["entity"], change["kind"], change["diff"] or {}
        if entity == "penduduk" and kind == "new":
            data = _record(store, village, "penduduk", change["key"])
            if data is None:
                continue
            person = Penduduk.model_validate(data)
            latest = latest if latest is not None else _latest_events(store, village)
            event = latest.get(("id", person.id)) or latest.get(("nik", person.nik))
            code = event.kode_peristiwa if event else None
            young = person.tanggallahir is not None and 0 <= (today - person.tanggallahir).days <= 60
            what = "born" if code == 1 or (code is None and young) else "moved_in" if code == 5 else None
            if what:
                when = _day(event.tgl_peristiwa if event else person.tanggallahir)
                found.append(_person_event(what, village, change, person, today, when))
        elif entity == "penduduk" and kind == "changed":
            data = _record(store, village, "penduduk", change["key"])
            person = Penduduk.model_validate(data) if data else None
            status = diff.get("status_dasar")
            if person is not None and status and status[1] in STATUS_EVENTS:
                found.append(_person_event(STATUS_EVENTS[status[1]], village, change, person, today, None))
            level = diff.get("kk_level")
            if person is not None and level and 1 in level and person.no_kk:
                heads.setdefault(str(person.no_kk), _head_event(village, change, person.no_kk, person))
        elif entity == "keluarga" and kind == "changed" and "nik_kepala" in diff:
            data = _record(store, village, "keluarga", change["key"])
            family = Keluarga.model_validate(data) if data else None
            if family is not None:
                heads.setdefault(str(family.no_kk or change["key"]), _head_event(village, change, family.no_kk, family))
    return found + list(heads.values()), last


def _person_event(
    kind: str, village: str, change: Mapping[str, Any], person: Penduduk, today: dt.date, when: str | None
) -> Event:
    return Event(
        kind,
        village,
        f"event:{village}:{change['id']}",
        person.dusun,
        person.rw,
        person.rt,
        person_ref(person, today),
        when or _day(change["at"]),
    )


def _head_event(village: str, change: Mapping[str, Any], no_kk: str | None, where: Penduduk | Keluarga) -> Event:
    return Event(
        "head_changed",
        village,
        f"event:{village}:{change['id']}",
        where.dusun,
        where.rw,
        where.rt,
        extra=mask_id(no_kk),
        date=_day(change["at"]),
    )


# -- findings -------------------------------------------------------------------------------------------
_COLUMNS = (
    "rule",
    "severity",
    "entity",
    "record_key",
    "dusun",
    "rw",
    "rt",
    "message",
    "message_en",
    "hint",
    "first_seen_run",
    "resolved_run",
)


def _findings(store: Store, village: str, where: str, params: Iterable[Any]) -> Iterator[dict[str, Any]]:
    rows = store.conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM finding WHERE village = ? AND {where} ORDER BY rule, record_key",
        (village, *params),
    )
    for row in rows:
        yield dict(zip(_COLUMNS, row, strict=True))


def _finding_event(kind: str, village: str, row: Mapping[str, Any], key: str, mark: str = "") -> Event:
    return Event(
        kind,
        village,
        key,
        row["dusun"],
        row["rw"],
        row["rt"],
        rule=row["rule"],
        severity=row["severity"],
        message=row["message"],
        message_en=row["message_en"] or "",
        hint=row["hint"] or "",
        mark=mark,
    )


def finding_base(village: str, row: Mapping[str, Any]) -> str:
    return f"finding:{village}:{row['rule']}:{row['entity']}:{row['record_key']}"


def new_findings(store: Store, village: str) -> list[Event]:
    """Every open ERROR/WARNING finding; the dedup key (first-seen run, severity) makes each go out once,
    again when it comes back after being resolved, and again when its severity rises (§9.3)."""
    marks = ",".join("?" * len(NOTIFIED_SEVERITIES))
    return [
        _finding_event(
            "finding", village, row, f"{finding_base(village, row)}:new:{row['first_seen_run']}:{row['severity']}"
        )
        for row in _findings(store, village, f"resolved_run IS NULL AND severity IN ({marks})", NOTIFIED_SEVERITIES)
    ]


def resolved_findings(store: Store, village: str, since_run: int) -> list[Event]:
    """Findings resolved after ``since_run`` that officials had been told about: one "resolved" line each."""
    found = []
    for row in _findings(store, village, "resolved_run IS NOT NULL AND resolved_run > ?", (since_run,)):
        told = store.conn.execute(
            "SELECT 1 FROM outbox WHERE channel LIKE 'notify%' AND dedup_key LIKE ? ESCAPE '\\' LIMIT 1",
            (like(f"{finding_base(village, row)}:new:{row['first_seen_run']}:") + "%",),
        ).fetchone()
        if told:
            resolved = _finding_event(
                "resolved", village, row, f"{finding_base(village, row)}:resolved:{row['resolved_run']}"
            )
            found.append(replace(resolved, extra=f"{finding_base(village, row)}:new:{row['first_seen_run']}:"))
    return found


def like(text: str) -> str:
    """Escape ``text`` for a ``LIKE … ESCAPE '\\'`` pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def reminders(store: Store, village: str, today: dt.date) -> list[Event]:
    """§8 deadline reminders from the INFO findings present: birth day 30/50, death day 20 of 30, documents."""
    marks = ",".join("?" * len(REMINDER_RULES))
    found = []
    for row in _findings(
        store, village, f"resolved_run IS NULL AND severity = 'INFO' AND rule IN ({marks})", REMINDER_RULES
    ):
        mark = "once"
        if row["rule"] == "EVT-BIRTH-60D":
            hit = _MARK.search(row["message"])
            mark = f"d{hit.group(1)}" if hit else "info"
        elif row["rule"] == "EVT-DEATH-DOCS":
            data = _record(store, village, row["entity"], row["record_key"])
            event = Peristiwa.model_validate(data) if data else None
            when = event.tgl_peristiwa.date() if event and event.tgl_peristiwa else None
            if event is None or event.akta_mati or when is None or (today - when).days < DEATH_REMINDER_DAY:
                continue
            mark = f"d{DEATH_REMINDER_DAY}"
        key = f"reminder:{village}:{row['rule']}:{row['entity']}:{row['record_key']}:{row['first_seen_run']}:{mark}"
        found.append(_finding_event("reminder", village, row, key, mark))
    return found


def run_failure(summary: Mapping[str, Any], run_id: int, village: str, day: str) -> list[Event]:
    """A failed/blocked run or a failed push, from the run's summary; at most once a day each, so an hourly
    cron against a dead source does not flood the operator."""
    found = []
    status = str(summary.get("status") or "")
    if status in ("failed", "blocked"):
        error = str(summary.get("error") or status)
        found.append(Event("sync_failed", village, f"run:{village}:{status}:{day}", message=error, extra=str(run_id)))
    for sink, reports in dict(summary.get("sinks") or {}).items():
        report = (reports or {}).get(village) or {}
        if report.get("error"):
            message = f"push {sink}: {report['error']}"
            key = f"push:{village}:{sink}:{day}"
            found.append(Event("sync_failed", village, key, message=message, extra=str(run_id)))
    return found
