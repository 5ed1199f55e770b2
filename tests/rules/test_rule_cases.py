"""Every implemented rule fires on its planted defect and stays silent on the near miss."""

from __future__ import annotations

import pytest

from sid_connector_rules_dukcapil.pack import ALL_RULES
from tests.rules.cases import CASES
from tests.rules.conftest import base, run


def test_every_rule_has_a_case():
    assert sorted(CASES) == sorted(r.id for r in ALL_RULES)


def test_clean_village_has_no_findings():
    assert run(base()) == []


def test_clean_workbook_village_without_ids_has_no_findings():
    assert run(base(with_ids=False)) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_planted_defect(rule_id):
    village = base()
    CASES[rule_id][0](village)
    findings = run(village, [rule_id])
    assert findings, f"{rule_id} did not fire"
    assert {f.rule_id for f in findings} == {rule_id}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_silent_on_near_miss(rule_id):
    village = base()
    CASES[rule_id][1](village)
    assert run(village, [rule_id]) == []
