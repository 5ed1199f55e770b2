"""Routing: the §9.2 matrix, overrides, area scope, §9.1 fallbacks and the missing-role report."""

from __future__ import annotations

from sid_connector.notify.directory import Directory, Person
from sid_connector.notify.events import Event
from sid_connector.notify.routing import roles_for, route
from sid_connector.notify.settings import load_settings

from .conftest import finding, make_config, received


def event(rule: str, kind: str = "finding", dusun: str | None = "KRAJAN", rt: str | None = "001") -> Event:
    return Event(kind, "v", f"k:{rule}", dusun, "001", rt, rule=rule, severity="ERROR")


def test_the_default_matrix_follows_rules_md_9_2(tmp_path):
    settings = load_settings(make_config(tmp_path))
    assert roles_for(event("NIK-FORMAT"), settings, {}) == ("KASI_PEM",)
    assert roles_for(event("NIK-TEMP"), settings, {}) == ("KASI_PEM", "KADUS")
    assert roles_for(event("REG-PREFIX"), settings, {}) == ("SEKDES",)
    assert roles_for(event("REG-KETUA-RT-MISSING"), settings, {}) == ("SEKDES", "KADUS")
    assert roles_for(event("EVT-DEATH-30D"), settings, {}) == ("KASI_PEM", "KADUS", "KETUA_RT")
    assert "KETUA_RT" not in roles_for(event("EVT-BIRTH-60D"), settings, {})
    assert "KETUA_RT" in roles_for(event("EVT-BIRTH-60D", kind="reminder"), settings, {})
    assert roles_for(event("PER-DPT-ELIGIBLE"), settings, {}) == ("SEKDES",)
    assert roles_for(event("X-CUSTOM"), settings, {"X-CUSTOM": ("SEKDES",)}) == ("SEKDES",)
    assert roles_for(event("X-OTHER"), settings, {}) == ("KASI_PEM",)
    assert roles_for(event("", kind="died"), settings, {}) == ("KASI_PEM", "KADUS", "KETUA_RT")


def test_config_overrides_rules_and_events(tmp_path):
    config = make_config(tmp_path, routing={"rules": {"NIK-FORMAT": ["SEKDES", "KADUS"]}, "events": {"born": "SEKDES"}})
    settings = load_settings(config)
    assert roles_for(event("NIK-FORMAT"), settings, {}) == ("SEKDES", "KADUS")
    assert roles_for(event("", kind="born"), settings, {}) == ("SEKDES",)


def _directory() -> Directory:
    directory = Directory("v")
    directory.village_wide["KASI_PEM"] = Person("KASI_PEM")
    directory.village_wide["SEKDES"] = Person("SEKDES")
    directory.kadus["KRAJAN"] = Person("KADUS", "KRAJAN")
    directory.kadus["SIDOREJO"] = Person("KADUS", "SIDOREJO")
    directory.ketua_rt[("KRAJAN", "1")] = Person("KETUA_RT", "KRAJAN", "1")
    return directory


def test_area_roles_resolve_to_the_subjects_own_area_only(tmp_path):
    settings = load_settings(make_config(tmp_path))
    deliveries, missing = route(event("EVT-DEATH-30D", dusun="SIDOREJO"), _directory(), settings)
    people = {d.person.key for d in deliveries}
    assert people == {"KASI_PEM", "KADUS:SIDOREJO"}  # no Ketua RT in SIDOREJO/001: falls back to its Kadus
    assert [m.key for m in missing] == ["KETUA_RT:SIDOREJO/1"]
    deliveries, _ = route(event("EVT-DEATH-30D", dusun="krajan", rt="1"), _directory(), settings)
    assert {d.person.key for d in deliveries} == {"KASI_PEM", "KADUS:KRAJAN", "KETUA_RT:KRAJAN/1"}


def test_village_wide_findings_never_reach_area_officials(tmp_path):
    settings = load_settings(make_config(tmp_path))
    deliveries, missing = route(event("NIK-TEMP", dusun=None, rt=None), _directory(), settings)
    assert [d.person.key for d in deliveries] == ["KASI_PEM"]
    assert missing == []


def test_a_missing_kadus_falls_back_to_kasi_pem_and_kasi_pem_to_sekdes(tmp_path):
    settings = load_settings(make_config(tmp_path))
    directory = _directory()
    del directory.kadus["SIDOREJO"]
    del directory.village_wide["KASI_PEM"]
    deliveries, missing = route(event("NIK-TEMP", dusun="SIDOREJO"), directory, settings)
    assert [d.person.key for d in deliveries] == ["SEKDES"]
    assert {m.key for m in missing} == {"KASI_PEM", "KADUS:SIDOREJO"}


def test_each_kadus_hears_only_about_their_own_dusun(village):
    village.run(
        [
            finding("NIK-TEMP", "12", dusun="KRAJAN"),
            finding("NIK-TEMP", "21", dusun="SIDOREJO"),
            finding("NIK-ZERO", "99", dusun=None, rt=None),
        ]
    )
    krajan, sidorejo = received("KADUS:KRAJAN"), received("KADUS:SIDOREJO")
    assert len(krajan) == 1 and "KRAJAN" in krajan[0].text and "SIDOREJO" not in krajan[0].text
    assert len(sidorejo) == 1 and "SIDOREJO" in sidorejo[0].text and "KRAJAN" not in sidorejo[0].text
    assert len(received("KASI_PEM")) == 3
    assert sidorejo[0].recipient_name == "KADUS SIDOREJO"  # resolved from the wilayah's id_kepala


def test_a_missing_role_is_reported_to_sekdes_once(village):
    death = [finding("EVT-DEATH-30D", "p1", severity="WARNING", dusun="SIDOREJO")]
    village.run(death)
    village.run(death)
    notices = [m for m in received("SEKDES") if m.event == "role_missing"]
    assert len(notices) == 1
    assert "KETUA_RT (SIDOREJO/1)" in notices[0].text
    assert len([m for m in received("KADUS:SIDOREJO") if m.event == "finding"]) == 1
