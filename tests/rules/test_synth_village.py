"""The rules against the synthetic village generator: clean villages are clean, planted problems are found."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import pytest

from sid_connector import synth
from sid_connector.models import Desa, Keluarga, Penduduk, Peristiwa, PeristiwaKeluarga, Wilayah
from sid_connector.rules import RuleReport, RuleSettings, Severity, run_rules
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil.pack import ALL_RULES

REF = date(2026, 6, 30)
# INFO rules a clean generated village triggers by design: new births, movers' NIKs (aggregate), marriages
# without a certificate, one-word names of children born since 2022, adults who still must record a KTP-el.
NATURAL_INFO = {"EVT-BIRTH-DOCS", "NIK-VS-DOMICILE", "PER-KAWIN-BELUM-TERCATAT", "PER-NAME-CHARS",
                "PER-WAJIB-KTP", "EVT-DEATH-DOCS", "EVT-MARRIAGE-60D", "EVT-DIVORCE-60D", "EVT-LOST",
                "EVT-MOVE-DEF"}


def to_village(generated: Any) -> VillageData:
    """OpenSID table rows → VillageData, resolving no_kk/dusun/rw/rt by joining keluarga and wilayah."""
    wilayah = {str(row["id"]): Wilayah.model_validate(row) for row in generated.wilayah}
    by_cluster = {w.id: w for w in wilayah.values()}
    kel_rows = list(generated.keluarga())
    no_kk = {row["id"]: row.get("no_kk") for row in kel_rows}

    def place(row: dict[str, Any]) -> dict[str, Any]:
        w = by_cluster.get(row.get("id_cluster"))
        return {"dusun": w.dusun, "rw": w.rw, "rt": w.rt} if w is not None else {}

    keluarga = {str(row["id"]): Keluarga.model_validate({**row, **place(row)}) for row in kel_rows}
    penduduk = {
        str(row["id"]): Penduduk.model_validate({**row, "no_kk": no_kk.get(row.get("id_kk")), **place(row)})
        for row in generated.penduduk()
    }
    _merge_second_source(generated, wilayah, keluarga, penduduk)
    peristiwa = {str(row["id"]): Peristiwa.model_validate(row) for row in generated.log_penduduk()}
    for n, row in enumerate(generated.second_source_log_penduduk()):
        peristiwa[f"s2-{n}"] = Peristiwa.model_validate(row)
    return VillageData(
        kode_desa=generated.spec.kode_desa,
        desa=Desa.model_validate(generated.config),
        wilayah=wilayah,
        keluarga=keluarga,
        penduduk=penduduk,
        peristiwa=peristiwa,
        peristiwa_keluarga={str(row["id"]): PeristiwaKeluarga.model_validate(row)
                            for row in generated.log_keluarga()},
    )


def _merge_second_source(generated: Any, wilayah: dict, keluarga: dict, penduduk: dict) -> None:
    """The second source is a workbook: it carries no ids, so, as a workbook source does, its families and
    areas are records of their own, derived from the rows' ``no_kk`` and (dusun, rw, rt)."""
    for n, row in enumerate(generated.second_source_penduduk()):
        penduduk[f"s2-{n}"] = Penduduk.model_validate(row)
        if row.get("no_kk"):
            keluarga[f"s2-kk-{row['no_kk']}"] = Keluarga.model_validate(
                {"no_kk": row["no_kk"], "dusun": row.get("dusun"), "rw": row.get("rw"), "rt": row.get("rt")}
            )
        if row.get("dusun"):
            area = (row["dusun"], row.get("rw"), row.get("rt"))
            wilayah[f"s2-wil-{'/'.join(map(str, area))}"] = Wilayah.model_validate(
                {"dusun": area[0], "rw": area[1], "rt": area[2]}
            )


@cache
def report_for(residents: int, seed: int, planted: bool) -> RuleReport:
    generated = synth.generate(synth.VillageSpec(residents=residents, seed=seed, planted=planted))
    tables = {"tweb_rtm": generated.rtm, "tweb_desa_pamong": generated.pamong, "ref_jabatan": generated.jabatan}
    return run_rules(to_village(generated), ALL_RULES, RuleSettings(ref_date=REF), tables=tables)


@pytest.mark.parametrize(("residents", "seed"), [(60, 1), (300, 7), (1500, 42)])
def test_clean_generated_village_has_no_error_or_warning_findings(residents, seed):
    """INFO rules are reminders and lists that a realistic clean village triggers (RULES.md §12.1)."""
    report = report_for(residents, seed, False)
    assert report.errors == []
    assert report.by_severity["ERROR"] == 0, report.by_rule
    assert report.by_severity["WARNING"] == 0, report.by_rule
    assert set(report.by_rule) <= NATURAL_INFO, report.by_rule


def test_planted_village_triggers_every_planted_rule():
    report = report_for(400, 3, True)
    assert report.errors == []
    missing = sorted(set(synth.PLANTED) - set(report.by_rule))
    assert missing == []


def test_every_error_and_warning_rule_is_planted_or_belongs_to_another_fixture_village():
    """Rules §12 plants in villages B/C or the CLI (not in a single generated village)."""
    elsewhere = {"REG-KODE-DESA", "REG-PREFIX", "REG-KODE-DESA-NAME", "REG-DESA-KEL", "REG-NOT-BPS",
                 "CFG-PERANGKAT", "ROUTE-ROLE-MISSING"}
    strict = {r.id for r in ALL_RULES if r.severity in (Severity.ERROR, Severity.WARNING)}
    report = report_for(400, 3, True)
    assert sorted(strict - set(report.by_rule) - elsewhere) == []
