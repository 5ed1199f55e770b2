"""The rule engine: settings, isolation of failing rules, pack collection, ordering and rendering."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from sid_connector.registrations import RulePack
from sid_connector.rules import (
    DuplicateRuleError,
    Finding,
    Role,
    Rule,
    RuleContext,
    RuleSettings,
    Severity,
    age_on,
    collect_rules,
    run_rules,
)
from sid_connector.rules.render import table_rows, to_csv, to_json
from sid_connector.village import VillageData
from tests.rules.conftest import REF, RULES_BY_ID, base


def _rule(rule_id: str, check) -> Rule:
    return Rule(id=rule_id, severity=Severity.WARNING, roles=(Role.KASI_PEM,), title="t", description="d",
                hint_id="h", hint_en="h", source="s", entity="penduduk", check=check)


def _one_per_resident(village: VillageData, ctx: RuleContext):
    rule = RULES["T-ONE"]
    for key, p in ctx.hidup:
        yield rule.finding(key, "pesan", "message", record=p)


def _boom(village, ctx):
    raise RuntimeError("NIK 3301021507900001 rusak")


RULES = {"T-ONE": _rule("T-ONE", _one_per_resident), "T-BOOM": _rule("T-BOOM", _boom)}


def test_finding_key_is_stable_identity():
    finding = Finding("R", Severity.INFO, "penduduk", "7", "m")
    assert finding.key == ("R", "penduduk", "7")


def test_disabled_rule_does_not_run():
    report = run_rules(base().build(), list(RULES.values()), RuleSettings(disabled={"T-ONE", "T-BOOM"}))
    assert report.findings == []
    assert report.errors == []
    assert report.rules_run == 0


def test_engine_can_be_switched_off():
    report = run_rules(base().build(), list(RULES.values()), RuleSettings(enabled=False))
    assert report.findings == []
    assert report.rules_run == 0


def test_severity_override_applies_to_every_finding_of_the_rule():
    report = run_rules(base().build(), [RULES["T-ONE"]], RuleSettings(severity={"T-ONE": "ERROR"}))
    assert {f.severity for f in report.findings} == {Severity.ERROR}
    assert report.by_severity == {"ERROR": 3, "WARNING": 0, "INFO": 0}


def test_raising_rule_is_reported_and_others_still_run():
    report = run_rules(base().build(), [RULES["T-BOOM"], RULES["T-ONE"]], RuleSettings())
    assert [e.rule_id for e in report.errors] == ["T-BOOM"]
    assert "3301021507900001" not in report.errors[0].error
    assert "3301********0001" in report.errors[0].error
    assert report.by_rule == {"T-ONE": 3}
    assert set(report.timings) == {"T-BOOM", "T-ONE"}


def test_fixed_ref_date_is_used_for_age_rules():
    village = base().set(1, tanggallahir=date(1905, 1, 1))
    rules = [RULES_BY_ID["PER-AGE-RANGE"]]
    assert run_rules(village.build(), rules, RuleSettings(ref_date=date(2024, 1, 1))).findings == []
    report = run_rules(village.build(), rules, RuleSettings(ref_date=date(2026, 1, 2)))
    assert [f.rule_id for f in report.findings] == ["PER-AGE-RANGE"]
    assert report.ref_date == date(2026, 1, 2)


def test_default_ref_date_is_today():
    report = run_rules(base().build(), [], RuleSettings())
    assert abs((report.ref_date - date.today()).days) <= 1


def test_age_counts_29_february_as_reached_on_1_march():
    assert age_on(date(2004, 2, 29), date(2023, 2, 28)) == 18
    assert age_on(date(2004, 2, 29), date(2023, 3, 1)) == 19


def test_duplicate_rule_ids_across_packs_are_an_error():
    a = RulePack(name="a", version="1", rules=[RULES["T-ONE"]])
    b = RulePack(name="b", version="1", rules=[RULES["T-ONE"]])
    with pytest.raises(DuplicateRuleError, match=r"T-ONE.*'a'.*'b'"):
        collect_rules([a, b])
    assert collect_rules([a]) == [RULES["T-ONE"]]


def test_findings_are_sorted_worst_first_then_naturally_by_record():
    village = base()
    for _ in range(9):
        village.person(kk_level=9, born=date(1980, 1, 1), agama_id=None)
    village.set(1, tanggallahir=date(1890, 1, 1))
    rules = [RULES_BY_ID["PER-REQUIRED-NULL"], RULES_BY_ID["PER-AGE-RANGE"]]
    report = run_rules(village.build(), rules, RuleSettings(ref_date=REF))
    assert report.findings[0].rule_id == "PER-AGE-RANGE"
    keys = [f.record_key for f in report.findings if f.rule_id == "PER-REQUIRED-NULL"]
    assert keys == sorted(keys, key=int)
    again = run_rules(village.build(), list(reversed(rules)), RuleSettings(ref_date=REF))
    assert again.findings == report.findings


def test_json_csv_and_table_rendering():
    village = base().set(1, agama_id=None)
    report = run_rules(village.build(), [RULES_BY_ID["PER-REQUIRED-NULL"]], RuleSettings(ref_date=REF))
    payload = json.loads(to_json(report))
    [row] = payload["findings"]
    assert {"rule", "severity", "entity", "record_id", "dusun", "rt", "message", "hint"} <= set(row)
    assert row["rule"] == "PER-REQUIRED-NULL"
    assert row["record_id"] == 1
    assert row["rt"] == "001"
    assert payload["summary"]["by_rule"] == {"PER-REQUIRED-NULL": 1}
    english = json.loads(to_json(report, lang="en"))["findings"][0]
    assert english["message"].startswith("Empty required columns")
    rows = list(csv.reader(io.StringIO(to_csv(report.findings))))
    assert rows[0][0] == "rule"
    assert rows[1][0] == "PER-REQUIRED-NULL"
    assert table_rows(report.findings)[1][1] == "WARNING"
