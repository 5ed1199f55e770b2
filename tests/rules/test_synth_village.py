"""The rules against the synthetic village generator: clean villages are clean, planted problems are found.

"Clean" means no finding at all, INFO included, at the spec's own ref_date (the project's false-positive
acceptance test), both on the generator's rows and after a real pull of the village's workbook.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sid_connector import synth
from sid_connector.models import Desa, Keluarga, Penduduk, Peristiwa, PeristiwaKeluarga, Wilayah
from sid_connector.rules import RuleReport, RuleSettings, Severity, run_rules
from sid_connector.store import Store
from sid_connector.sync.engine import VillagePull
from sid_connector.village import VillageData
from sid_connector_opensid_xlsx.source import OpenSIDWorkbookSource
from sid_connector_rules_dukcapil.pack import ALL_RULES


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


def rules_on(generated: Any) -> RuleReport:
    """The whole pack on the generator's rows, judged at the spec's own reference date."""
    tables = {"tweb_rtm": generated.rtm, "tweb_desa_pamong": generated.pamong, "ref_jabatan": generated.jabatan}
    settings = RuleSettings(ref_date=generated.spec.ref_date)
    return run_rules(to_village(generated), ALL_RULES, settings, tables=tables)


@cache
def report_for(residents: int, seed: int, planted: bool) -> RuleReport:
    return rules_on(synth.generate(synth.VillageSpec(residents=residents, seed=seed, planted=planted)))


def assert_no_findings(report: RuleReport) -> None:
    assert report.errors == []
    assert report.by_rule == {}, report.by_rule


@pytest.mark.parametrize(
    ("residents", "seed", "use_rw"),
    [(150, 1, False), (150, 2, True), (600, 3, False), (600, 4, True), (2000, 1, False), (2000, 4, True)],
)
def test_clean_generated_village_has_no_finding_at_all(residents, seed, use_rw):
    """Not even INFO: a clean village is fully compliant at its ref_date (the false-positive test)."""
    spec = synth.VillageSpec(residents=residents, seed=seed, use_rw=use_rw)
    assert_no_findings(rules_on(synth.generate(spec)))


@pytest.mark.parametrize("ref_date", [date(2024, 1, 15), date(2025, 2, 10)])
def test_clean_village_is_clean_at_any_ref_date(ref_date):
    """Deadlines, ages and KTP status follow spec.ref_date, not a fixed 2026 calendar."""
    spec = synth.VillageSpec(residents=600, seed=2, ref_date=ref_date)
    assert_no_findings(rules_on(synth.generate(spec)))


def pull_workbook(generated: Any, folder: Path) -> VillageData:
    """Write the village as an OpenSID workbook and pull it with the real engine into a fresh store."""
    options = OpenSIDWorkbookSource.write_demo(generated, {"dir": str(folder)})
    source = OpenSIDWorkbookSource(options)
    with Store.open(folder / "s.db") as store:
        run_id = store.start_run("test")
        VillagePull(store, source, OpenSIDWorkbookSource.name, source.villages()[0], run_id).run()
        store.finish_run(run_id, "ok", {})
        return store.load_village(generated.spec.kode_desa)


@pytest.mark.parametrize(("residents", "seed", "use_rw"), [(300, 1, False), (600, 3, True)])
def test_clean_village_pulled_from_its_workbook_has_no_finding(tmp_path, residents, seed, use_rw):
    generated = synth.generate(synth.VillageSpec(residents=residents, seed=seed, use_rw=use_rw))
    village = pull_workbook(generated, tmp_path)
    assert len(village.penduduk) == residents
    assert_no_findings(run_rules(village, ALL_RULES, RuleSettings(ref_date=generated.spec.ref_date)))


PLANTED_SIZES = [(150, 1), (400, 3), (1500, 2)]


@pytest.mark.parametrize(("residents", "seed"), PLANTED_SIZES)
def test_planted_village_triggers_every_planted_rule(residents, seed):
    report = report_for(residents, seed, True)
    assert report.errors == []
    missing = sorted(set(synth.PLANTED) - set(report.by_rule))
    assert missing == []


@pytest.mark.parametrize(("residents", "seed"), PLANTED_SIZES)
def test_every_error_and_warning_rule_is_planted_or_belongs_to_another_fixture_village(residents, seed):
    """Rules §12 plants in villages B/C or the CLI (not in a single generated village)."""
    elsewhere = {"REG-KODE-DESA", "REG-PREFIX", "REG-KODE-DESA-NAME", "REG-DESA-KEL", "REG-NOT-BPS",
                 "CFG-PERANGKAT", "ROUTE-ROLE-MISSING"}
    strict = {r.id for r in ALL_RULES if r.severity in (Severity.ERROR, Severity.WARNING)}
    report = report_for(residents, seed, True)
    assert sorted(strict - set(report.by_rule) - elsewhere) == []
