"""Print the rule catalogue: ``python -m sid_connector_rules_dukcapil.docs > docs/rules.md``."""

from __future__ import annotations

from sid_connector.rules.render import generate_rules_doc
from sid_connector_rules_dukcapil.pack import ALL_RULES, SKIPPED


def render() -> str:
    """The Markdown of docs/rules.md for this pack."""
    return generate_rules_doc(ALL_RULES, SKIPPED, title="Validation rules (pack `dukcapil`)")


if __name__ == "__main__":
    print(render(), end="")
