"""Conditional severities, message privacy, workbook sources and rule metadata."""

from __future__ import annotations

import re
from datetime import date

from sid_connector.rules import Severity
from sid_connector_rules_dukcapil.pack import ALL_RULES, SKIPPED
from tests.rules.cases import CASES
from tests.rules.conftest import base, run

_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{15,16}(?!\d)")


def test_every_rule_is_documented():
    for rule in ALL_RULES:
        for attribute in ("hint_id", "hint_en", "description", "roles", "source", "title", "entity"):
            assert getattr(rule, attribute), (rule.id, attribute)


def test_skipped_rules_have_reasons_and_are_not_implemented():
    implemented = {r.id for r in ALL_RULES}
    assert SKIPPED
    assert all(reason for reason in SKIPPED.values())
    assert not implemented & set(SKIPPED)
    assert len(implemented) >= 80


def test_no_finding_message_holds_a_raw_identifier():
    for plant, _ in CASES.values():
        village = base()
        plant(village)
        for finding in run(village):
            for text in (finding.message, finding.message_en, finding.record_key):
                assert not _SIXTEEN_DIGITS.search(text), (finding.rule_id, text)


def test_multi_head_is_warning_when_only_one_head_is_alive():
    village = base().set(3, kk_level=1, status_dasar=2)
    [finding] = run(village, ["FAM-MULTI-HEAD"])
    assert finding.severity is Severity.WARNING


def test_multi_head_is_error_when_two_heads_are_alive():
    [finding] = run(base().set(3, kk_level=1), ["FAM-MULTI-HEAD"])
    assert finding.severity is Severity.ERROR


def test_temp_nik_is_info_within_birth_window_and_warning_after():
    village = base()
    pid = village.person(kk_level=4, born=date(2026, 6, 1), kawin=1, nik=f"0{village.kode_desa}00001")
    [recent] = run(village, ["NIK-TEMP"])
    assert recent.severity is Severity.INFO
    village.set(pid, nik=f"0{village.kode_desa}00001")
    village.ev[max(village.ev)]["tgl_peristiwa"] = date(2026, 1, 1)
    [late] = run(village, ["NIK-TEMP"])
    assert late.severity is Severity.WARNING


def test_temp_nik_from_another_village_code_says_so():
    [finding] = run(base().set(1, nik="0330102200900001"), ["NIK-TEMP"])
    assert finding.severity is Severity.WARNING
    assert "kode desa tidak cocok" in finding.message


def test_child_older_than_parent_is_error_and_close_age_is_warning():
    [older] = run(base().set(3, tanggallahir=date(1985, 1, 1)), ["FAM-CHILD-BEFORE-PARENT"])
    assert older.severity is Severity.ERROR
    [close] = run(base().set(3, tanggallahir=date(1996, 1, 1)), ["FAM-CHILD-BEFORE-PARENT"])
    assert close.severity is Severity.WARNING


def test_foreigner_rule_is_info_for_citizen_with_kitas():
    [finding] = run(base().set(1, dokumen_kitas="KITAS-1"), ["NIK-FOREIGNER"])
    assert finding.severity is Severity.INFO


def test_kk_format_is_warning_for_previous_kk_number():
    [finding] = run(base().set(1, no_kk_sebelumnya="12345"), ["KK-FORMAT"])
    assert finding.severity is Severity.WARNING
    assert finding.entity == "penduduk"


def test_birth_reminder_is_info_before_deadline():
    village = base()
    pid = village.person(kk_level=4, born=date(2026, 5, 20), kawin=1, event=False, akta_lahir=None)
    village.event(pid, 1, date(2026, 5, 20))
    [finding] = run(village, ["EVT-BIRTH-60D"])
    assert finding.severity is Severity.INFO
    assert "hari ke-30" in finding.message


def test_late_birth_warning_carries_fine_note():
    village = base()
    pid = village.person(kk_level=4, born=date(2026, 3, 1), kawin=1, event=False, akta_lahir=None)
    village.event(pid, 1, date(2026, 3, 1))
    [finding] = run(village, ["EVT-BIRTH-60D"])
    assert "denda" in finding.message
    assert "SK Kepala Dinas" in finding.message


def test_dob_mismatch_explains_recording_conventions():
    [finding] = run(base().set(1, nik="3301020107900001"), ["NIK-DOB-MATCH"])
    assert "01-07/31-12" in finding.message
    [finding] = run(base().set(1, nik="3301021507910001"), ["NIK-DOB-MATCH"])
    assert "tahun berbeda satu" in finding.message


def test_id_rules_are_silent_without_ids():
    village = base(with_ids=False)
    village.kel[1]["nik_kepala"] = 3
    village.kev.clear()
    village.person(kk_level=9, born=date(1980, 1, 1), event=False)
    found = run(village, ["FAM-HEAD-POINTER", "FAM-LOG-MISSING", "PER-LOG-MISSING", "REG-CLUSTER-EXISTS",
                          "FAM-ORPHAN-HEAD", "FAM-NO-HEAD"])
    assert found == []


def test_family_rules_group_by_no_kk_without_ids():
    village = base(with_ids=False).set(3, kk_level=1)
    assert {f.rule_id for f in run(village, ["FAM-MULTI-HEAD"])} == {"FAM-MULTI-HEAD"}


def test_region_code_rules_are_silent_while_kode_desa_is_invalid():
    village = base()
    village.kode_desa = "33.01.02.2001"
    village.desa.update(kode_desa="33.01.02.2001")
    village.kel[1]["no_kk"] = "3302010101200001"
    found = {f.rule_id for f in run(village)}
    assert "REG-KODE-DESA" in found
    assert "KK-REGION" not in found


def test_name_rule_info_for_single_word_name_of_young_child():
    village = base()
    village.person(kk_level=4, born=date(2023, 1, 1), kawin=1, nama="BUDI")
    [finding] = run(village, ["PER-NAME-CHARS"])
    assert finding.severity is Severity.INFO
