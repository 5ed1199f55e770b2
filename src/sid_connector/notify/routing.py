"""Which roles hear which event (RULES.md §9.2 by default, overridable per rule and per event kind), resolved
to people with their area scope enforced: a Kepala Dusun or Ketua RT hears only about their own area (§9.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sid_connector.notify.directory import (
    KADUS,
    KASI_PEM,
    KETUA_RT,
    OPERATOR,
    SEKDES,
    Directory,
    Person,
    norm_dusun,
    norm_rt,
)
from sid_connector.notify.events import Event
from sid_connector.notify.settings import NotifySettings

_MATRIX: dict[tuple[str, ...], tuple[str, ...]] = {
    ("NIK-ZERO", "NIK-TEMP", "KK-TEMP", "KK-PENDUDUK-LEPAS"): (KASI_PEM, KADUS),
    ("REG-KODE-DESA", "REG-DUSUN-DUP"): (KASI_PEM, SEKDES),
    ("REG-PREFIX", "REG-KODE-DESA-NAME", "REG-DESA-KEL", "REG-NOT-BPS", "REG-RT-UNIQUE", "REG-KADUS-MISSING"): (
        SEKDES,
    ),
    ("REG-KETUA-RT-MISSING",): (SEKDES, KADUS),
    ("REG-CLUSTER-EXISTS",): (KASI_PEM,),
    ("REG-CLUSTER-NO-RT",): (KASI_PEM, KADUS),
    ("FAM-MULTI-HEAD", "FAM-NO-HEAD", "FAM-HEAD-NOT-ALIVE"): (KASI_PEM, KADUS),
    ("FAM-LOG-MISSING", "PER-LOG-MISSING"): (KASI_PEM, SEKDES),
    ("PER-WAJIB-KTP",): (KASI_PEM, KADUS),
    ("PER-DEAD-ACTIVE",): (KASI_PEM, SEKDES),
    ("PER-DPT-ELIGIBLE", "CFG-PERANGKAT", "ROUTE-ROLE-MISSING", "EVT-MOVE-DEF"): (SEKDES,),
    ("EVT-BIRTH-60D",): (KASI_PEM, KADUS),
    ("EVT-DEATH-30D",): (KASI_PEM, KADUS, KETUA_RT),
    ("EVT-DEATH-DOCS",): (KASI_PEM, SEKDES),
    ("EVT-MOVE-OUT", "EVT-MOVE-IN"): (KASI_PEM, KADUS),
    ("PDP-BREACH-72H",): (KASI_PEM, SEKDES),
}
RULE_MATRIX: dict[str, tuple[str, ...]] = {rule: roles for rules, roles in _MATRIX.items() for rule in rules}
"""RULES.md §9.2; every other NIK-/KK-/FAM-/RTM-/PER-/EVT- rule goes to KASI_PEM only."""

REMINDER_ROUTES: dict[str, tuple[str, ...]] = {
    "EVT-BIRTH-60D": (KASI_PEM, KADUS, KETUA_RT),  # §9.2: KETUA_RT gets the reminders only
    "EVT-DEATH-DOCS": (KETUA_RT, KADUS, KASI_PEM),  # the 30-day death deadline nears: the RT is the reporter
}
EVENT_ROUTES: dict[str, tuple[str, ...]] = {
    "born": (KASI_PEM, KADUS),
    "moved_in": (KASI_PEM, KADUS),
    "moved_out": (KASI_PEM, KADUS),
    "lost": (KASI_PEM, KADUS),
    "died": (KASI_PEM, KADUS, KETUA_RT),
    "head_changed": (KASI_PEM, KADUS),
    "sync_failed": (OPERATOR, SEKDES),
    "role_missing": (SEKDES,),
}


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event for one person, in the mode the routing chose."""

    event: Event
    person: Person
    role: str
    mode: str


def roles_for(event: Event, settings: NotifySettings, rule_roles: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The roles an event goes to: config override, then §9.2 / the defaults, then the rule's own roles."""
    if event.rule and event.kind in ("finding", "resolved", "reminder"):
        if event.rule in settings.rule_routes:
            return settings.rule_routes[event.rule]
        if event.kind == "reminder" and event.rule in REMINDER_ROUTES:
            return REMINDER_ROUTES[event.rule]
        return RULE_MATRIX.get(event.rule) or rule_roles.get(event.rule) or (KASI_PEM,)
    return settings.event_routes.get(event.kind) or EVENT_ROUTES.get(event.kind, (KASI_PEM,))


def route(
    event: Event,
    directory: Directory,
    settings: NotifySettings,
    rule_roles: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[list[Delivery], list[Person]]:
    """People who get ``event`` (each once) and the role holders found missing on the way."""
    deliveries: list[Delivery] = []
    missing: list[Person] = []
    seen: set[str] = set()
    mode = settings.mode(event.mode_kind)
    for role in roles_for(event, settings, rule_roles or {}):
        if role in (KADUS, KETUA_RT) and not event.dusun:
            continue  # a village-wide subject never goes to an area official (§9.1)
        resolved = directory.resolve(role, event.dusun, event.rt)
        missing.extend(resolved.missing)
        person = resolved.person
        if person is None or person.key in seen or not in_scope(person, event):
            continue
        seen.add(person.key)
        deliveries.append(Delivery(event, person, role, mode))
    return deliveries, missing


def in_scope(person: Person, event: Event) -> bool:
    """The guard of §9.3, checked on every delivery whatever the routing said."""
    if person.role == KADUS:
        return norm_dusun(event.dusun) == person.dusun
    if person.role == KETUA_RT:
        return norm_dusun(event.dusun) == person.dusun and norm_rt(event.rt) == person.rt
    return True
