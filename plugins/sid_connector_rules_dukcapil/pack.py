"""The assembled rule list and the rules of RULES.md deliberately not implemented (with reasons)."""

from __future__ import annotations

from sid_connector.rules.model import Rule
from sid_connector_rules_dukcapil import events, family, kk, nik, officials, person, region

VERSION = "1.0.0"

ALL_RULES: list[Rule] = [
    *nik.RULES, *kk.RULES, *region.RULES, *family.RULES, *person.RULES, *officials.RULES, *events.RULES,
]

_POLICY = ("policy rule about sid-connector's own outputs (RULES.md §10.3), enforced by the output guard, not a "
           "check over village data")

SKIPPED: dict[str, str] = {
    "PDP-MASK-NIK-KK": _POLICY + "; findings here are masked at creation",
    "PDP-NO-NIK-IN-LOGS": _POLICY + "; engine errors are scrubbed with sid_connector.privacy.scrub",
    "PDP-SPECIFIC-FIELDS": _POLICY,
    "PDP-MIN-NOTIFY": _POLICY,
    "PDP-AGGREGATE-SUPPRESS": _POLICY,
    "PDP-TEMP-NUMBERS": _POLICY,
    "PDP-BREACH-72H": "runbook requirement (incident record on a detected leak), not a data check",
    "EVT-LATE-FINE": "not a separate finding (RULES.md §8.2): its note is appended to EVT-BIRTH-60D and "
    "EVT-DEATH-30D messages",
}
