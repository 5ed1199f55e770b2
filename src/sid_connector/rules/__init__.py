"""The rule engine: rules are plain data plus a check, packs come from plugins, findings are masked."""

from sid_connector.rules.engine import (
    DuplicateRuleError,
    RuleError,
    RuleReport,
    RuleSettings,
    collect_rules,
    run_rules,
)
from sid_connector.rules.model import Finding, Role, Rule, RuleContext, Severity, age_on

__all__ = [
    "DuplicateRuleError",
    "Finding",
    "Role",
    "Rule",
    "RuleContext",
    "RuleError",
    "RuleReport",
    "RuleSettings",
    "Severity",
    "age_on",
    "collect_rules",
    "run_rules",
]
