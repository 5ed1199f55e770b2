"""Who holds each role in a village, and how to reach them (RULES.md §9.1).

People come from ``[notify.officials]`` first and, where the source has them, from OpenSID itself (the
wilayah ``id_kepala`` and the ``tweb_desa_pamong`` / ``ref_jabatan`` side tables). A role nobody holds falls
back along §9.1's chain, and the gap is reported so the village can fill it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sid_connector.models import Penduduk, Wilayah
from sid_connector.notify.settings import NotifySettings

KEPALA_DESA, SEKDES, KASI_PEM, KADUS, KETUA_RT, OPERATOR = (
    "KEPALA_DESA",
    "SEKDES",
    "KASI_PEM",
    "KADUS",
    "KETUA_RT",
    "OPERATOR",
)
ROLES = (KEPALA_DESA, SEKDES, KASI_PEM, KADUS, KETUA_RT, OPERATOR)
FALLBACK = {KETUA_RT: KADUS, KADUS: KASI_PEM, KASI_PEM: SEKDES, SEKDES: OPERATOR, OPERATOR: SEKDES}
CONFIG_KEYS = {KEPALA_DESA: "kepala_desa", SEKDES: "sekdes", KASI_PEM: "kasi_pem", OPERATOR: "operator"}
NOT_CONTACTS = {"name", "nama", "pamong_id", "id_pend"}
_SPACES = re.compile(r"\s+")


def norm_dusun(value: object) -> str:
    return _SPACES.sub(" ", str(value or "").strip()).upper()


def norm_rt(value: object) -> str:
    return str(value or "").strip().lstrip("0") or "0"


@dataclass(frozen=True, slots=True)
class Person:
    """One official in one role and area. ``key`` names them in dedup keys and on machine channels."""

    role: str
    dusun: str = ""
    rt: str = ""
    name: str | None = None
    contacts: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        scope = "/".join(part for part in (self.dusun, self.rt) if part)
        return f"{self.role}:{scope}" if scope else self.role


@dataclass(frozen=True, slots=True)
class Resolved:
    """The person a role resolved to, and the roles that were missing on the way (for ROUTE-ROLE-MISSING)."""

    person: Person | None
    missing: tuple[Person, ...] = ()


@dataclass(slots=True)
class Directory:
    village: str
    village_wide: dict[str, Person] = field(default_factory=dict)
    kadus: dict[str, Person] = field(default_factory=dict)
    ketua_rt: dict[tuple[str, str], Person] = field(default_factory=dict)

    def lookup(self, role: str, dusun: str | None = None, rt: str | None = None) -> Person | None:
        """The holder of exactly this role and area, without fallback."""
        if role == KADUS:
            return self.kadus.get(norm_dusun(dusun)) if dusun else None
        if role == KETUA_RT:
            return self.ketua_rt.get((norm_dusun(dusun), norm_rt(rt))) if dusun and rt else None
        return self.village_wide.get(role)

    def resolve(self, role: str, dusun: str | None = None, rt: str | None = None) -> Resolved:
        """Follow §9.1's fallback chain; area roles never apply to a subject with no area."""
        missing: list[Person] = []
        seen: set[str] = set()
        current: str | None = role
        while current and current not in seen:
            seen.add(current)
            person = self.lookup(current, dusun, rt)
            if person is not None:
                return Resolved(person, tuple(missing))
            if current in (KADUS, KETUA_RT) and not dusun:
                return Resolved(None, ())
            if current == KETUA_RT and not rt:
                current = KADUS
                continue
            missing.append(
                Person(
                    current,
                    norm_dusun(dusun) if current in (KADUS, KETUA_RT) else "",
                    norm_rt(rt) if current == KETUA_RT else "",
                )
            )
            current = FALLBACK.get(current)
        return Resolved(None, tuple(missing))

    def everyone(self) -> list[Person]:
        return [*self.village_wide.values(), *self.kadus.values(), *self.ketua_rt.values()]


def _contacts(entry: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in entry.items() if k not in NOT_CONTACTS and v not in (None, "")}


def _resident_contacts(person: Penduduk | None, opt_in: bool) -> dict[str, str]:
    """A resident's own phone/e-mail/Telegram, only when the village opted in (§9.1 contact details)."""
    if person is None or not opt_in:
        return {}
    found = {"whatsapp": person.telepon, "email": person.email, "telegram": person.telegram}
    return {k: v for k, v in found.items() if v}


def _merge(base: Person | None, role: str, entry: Mapping[str, Any], dusun: str = "", rt: str = "") -> Person:
    contacts = {**(base.contacts if base else {}), **_contacts(entry)}
    name = entry.get("name") or entry.get("nama") or (base.name if base else None)
    return Person(role, dusun, rt, name, contacts)


def _from_pamong(tables: Mapping[str, list[dict[str, Any]]], people: Mapping[int, Penduduk]) -> dict[str, Any]:
    """Sekdes, Kasi Pem and Kepala Desa from ``tweb_desa_pamong`` + ``ref_jabatan`` (active officials only)."""
    jabatan = {int(row["id"]): row for row in tables.get("ref_jabatan", []) if row.get("id") is not None}
    found: dict[str, Any] = {}
    by_id: dict[int, dict[str, Any]] = {}
    for row in tables.get("tweb_desa_pamong", []):
        if str(row.get("pamong_status")) != "1":
            continue
        post = jabatan.get(int(row.get("jabatan_id") or -1), {})
        resident = people.get(int(row["id_pend"])) if row.get("id_pend") not in (None, "") else None
        if resident is not None and resident.status_dasar not in (1, None):
            continue
        name = row.get("pamong_nama") or (resident.nama if resident else None)
        entry = {"name": name, "resident": resident}
        if row.get("pamong_id") is not None:
            by_id[int(row["pamong_id"])] = entry
        title = _SPACES.sub(" ", str(post.get("nama") or "").lower())
        if str(post.get("jenis")) == "1":
            found.setdefault(KEPALA_DESA, entry)
        elif str(post.get("jenis")) == "2":
            found.setdefault(SEKDES, entry)
        if "kasi pemerintahan" in title or "kepala seksi pemerintahan" in title:
            found.setdefault(KASI_PEM, entry)
    found["_by_pamong_id"] = by_id
    return found


def build_directory(
    settings: NotifySettings,
    village: str,
    wilayah: Mapping[str, Wilayah] | None = None,
    penduduk: Mapping[str, Penduduk] | None = None,
    tables: Mapping[str, list[dict[str, Any]]] | None = None,
) -> Directory:
    """Combine OpenSID's officials with the configured ones; the config wins where both name a person."""
    directory = Directory(village)
    people = {p.id: p for p in (penduduk or {}).values() if p.id is not None}
    opt_in = settings.use_resident_contacts

    def alive(resident_id: int | None) -> Penduduk | None:
        resident = people.get(resident_id) if resident_id is not None else None
        return resident if resident is not None and resident.status_dasar in (1, None) else None

    for row in (wilayah or {}).values():
        head = alive(row.id_kepala)
        if head is None or not row.dusun:
            continue
        base = Person(
            KADUS if row.level == "dusun" else KETUA_RT,
            norm_dusun(row.dusun),
            norm_rt(row.rt) if row.level == "rt" else "",
            head.nama,
            _resident_contacts(head, opt_in),
        )
        if row.level == "dusun":
            directory.kadus[base.dusun] = base
        elif row.level == "rt":
            directory.ketua_rt[(base.dusun, base.rt)] = base
    pamong = _from_pamong(tables or {}, people)
    for role in (KEPALA_DESA, SEKDES, KASI_PEM):
        if role in pamong:
            entry = pamong[role]
            directory.village_wide[role] = Person(
                role, name=entry["name"], contacts=_resident_contacts(entry["resident"], opt_in)
            )
    officials = settings.officials
    if isinstance(officials.get(village), Mapping):  # several villages: [notify.officials."3301022001"]
        officials = officials[village]
    for role, key in CONFIG_KEYS.items():
        entry = officials.get(key)
        if isinstance(entry, Mapping):
            base = directory.village_wide.get(role)
            chosen = pamong["_by_pamong_id"].get(int(entry["pamong_id"])) if entry.get("pamong_id") else None
            if chosen is not None:
                base = Person(role, name=chosen["name"], contacts=_resident_contacts(chosen["resident"], opt_in))
            directory.village_wide[role] = _merge(base, role, entry)
    for dusun, entry in dict(officials.get("kadus") or {}).items():
        name = norm_dusun(dusun)
        directory.kadus[name] = _merge(directory.kadus.get(name), KADUS, entry, name)
    for area, entry in dict(officials.get("ketua_rt") or {}).items():
        dusun, _, rt = str(area).rpartition("/")
        slot = (norm_dusun(dusun), norm_rt(rt))
        directory.ketua_rt[slot] = _merge(directory.ketua_rt.get(slot), KETUA_RT, entry, *slot)
    return directory
