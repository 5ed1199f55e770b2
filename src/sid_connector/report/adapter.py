"""Builds the report's plain input from the store: open findings with their records, rules and the trend.

This is where the privacy contract of :class:`ReportFinding` is kept: NIK/KK masked unless the operator asked
for an unmasked report, no name for a person under 18, only the fields the report needs.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sid_connector.privacy import mask_id
from sid_connector.report.model import ReportData, ReportFinding, ReportRule, RunPoint
from sid_connector.rules import Rule, age_on
from sid_connector.store import Store
from sid_connector.store import findings as stored_findings


def _record(store: Store, village: str, entity: str, key: str) -> dict[str, Any]:
    row = store.conn.execute(
        "SELECT data FROM record WHERE village = ? AND entity = ? AND key = ?", (village, entity, key)
    ).fetchone()
    return json.loads(row[0]) if row else {}


def _person(record: dict[str, Any], entity: str, ref_date: dt.date, unmasked: bool) -> tuple[str | None, str | None]:
    """(name, NIK or KK as shown) of the finding's record."""
    number = record.get("nik") if entity in ("penduduk", "peristiwa") else record.get("no_kk")
    shown = (str(number) if unmasked else mask_id(number)) if number else None
    name = record.get("nama")
    born = record.get("tanggallahir")
    if name and born:
        try:
            if age_on(dt.date.fromisoformat(born), ref_date) < 18:
                name = None  # a child's name never goes into a report (RULES.md §10)
        except ValueError:
            pass
    return name, shown


def build_report_data(
    store: Store,
    village: str,
    rules: list[Rule],
    *,
    ref_date: dt.date,
    run_id: int,
    lang: str = "id",
    unmasked: bool = False,
) -> ReportData:
    desa = store.identity(village)
    open_rows = stored_findings.open_findings(store.conn, village)
    findings = []
    for row in open_rows:
        record = _record(store, village, row["entity"], row["record_key"])
        name, number = _person(record, row["entity"], ref_date, unmasked)
        english = lang == "en"
        findings.append(
            ReportFinding(
                rule=row["rule"],
                severity=row["severity"],
                entity=row["entity"],
                record_key=row["record_key"]
                if unmasked
                else mask_id(row["record_key"])
                if row["record_key"].isdigit() and len(row["record_key"]) >= 15
                else row["record_key"],
                record_id=row["record_id"],
                nama=name,
                nik_masked=number,
                dusun=row["dusun"],
                rw=row["rw"],
                rt=row["rt"],
                message=(row["message_en"] or row["message"]) if english else row["message"],
                hint=row["hint"] or "",
                first_seen=(row["first_seen_at"] or "")[:10],
                is_new=row["first_seen_run"] == run_id,
            )
        )
    catalogue = {
        rule.id: ReportRule(rule.id, rule.title, rule.severity.value, rule.hint_en if lang == "en" else rule.hint_id)
        for rule in rules
    }
    trend = [
        RunPoint(point["run_id"], point["at"], point["errors"], point["warnings"], point["infos"])
        for point in stored_findings.trend(store.conn, village, limit=13)
        if point["run_id"] != run_id
    ]
    current = [p for p in stored_findings.trend(store.conn, village, limit=1) if p["run_id"] == run_id]
    counts = store.counts(village)
    return ReportData(
        village_name=(desa.nama_desa if desa else None) or village,
        kode_desa=village,
        generated_at=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        ref_date=ref_date.isoformat(),
        totals={name: counts.get(name, 0) for name in ("penduduk", "keluarga", "wilayah")},
        findings=findings,
        rules=catalogue,
        trend=trend,
        resolved_since_last=current[0]["resolved"] if current else 0,
        lang=lang,
        unmasked=unmasked,
    )
