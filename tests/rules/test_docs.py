"""docs/rules.md is generated from the rule objects and must not go stale."""

from __future__ import annotations

from pathlib import Path

from sid_connector.rules.render import generate_rules_doc
from sid_connector_rules_dukcapil import docs
from sid_connector_rules_dukcapil.pack import ALL_RULES, SKIPPED

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rules_doc_is_up_to_date():
    assert DOC.read_text("utf-8") == docs.render(), (
        "docs/rules.md is stale; run: PYTHONPATH=src:plugins python -m sid_connector_rules_dukcapil.docs "
        "> docs/rules.md"
    )


def test_rules_doc_lists_every_rule_and_every_skipped_rule():
    text = generate_rules_doc(ALL_RULES, SKIPPED)
    for rule in ALL_RULES:
        assert f"## {rule.id}\n" in text
        assert rule.hint_id in text
        assert rule.hint_en in text
    for rule_id, reason in SKIPPED.items():
        assert f"| {rule_id} | {reason} |" in text


def test_plugin_registers_one_pack_with_every_rule():
    from sid_connector.rules import collect_rules
    from sid_connector_rules_dukcapil import plugin

    [pack] = plugin.sid_connector_rules()
    assert pack.name == "dukcapil"
    assert collect_rules([pack]) == ALL_RULES
