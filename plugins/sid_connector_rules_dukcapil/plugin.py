"""Entry point ``rules-dukcapil``: registers the Dukcapil rule pack with sid-connector."""

from __future__ import annotations

from collections.abc import Sequence

from sid_connector.hookspecs import hookimpl
from sid_connector.registrations import RulePack
from sid_connector_rules_dukcapil.pack import ALL_RULES, VERSION


@hookimpl
def sid_connector_rules() -> Sequence[RulePack]:
    return [RulePack(name="dukcapil", version=VERSION, rules=ALL_RULES,
                     description="Dukcapil/OpenSID data-quality rules (RULES.md)")]
