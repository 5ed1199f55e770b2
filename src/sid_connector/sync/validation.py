"""The rules stage: run every installed rule pack over a village in the store and remember the findings.

It reads only the store, so ``sync`` (after a pull), ``check`` and ``report`` all see the same findings, and
a village whose source is unreachable can still be checked.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sid_connector.config import Config
from sid_connector.plugins import PluginHost
from sid_connector.rules import RuleReport, RuleSettings, collect_rules, run_rules
from sid_connector.store import Store, now
from sid_connector.store import findings as stored_findings
from sid_connector.store.findings import Reconciled


@dataclass(slots=True)
class VillageValidation:
    village: str
    report: RuleReport
    reconciled: Reconciled

    def summary(self) -> dict[str, Any]:
        counts = self.report.by_severity
        return {
            "ERROR": counts.get("ERROR", 0),
            "WARNING": counts.get("WARNING", 0),
            "INFO": counts.get("INFO", 0),
            "new": len(self.reconciled.new),
            "resolved": len(self.reconciled.resolved),
            "rule_errors": [{"rule": e.rule_id, "error": e.error} for e in self.report.errors],
        }


def rule_settings(config: Config) -> RuleSettings:
    """``[rules]``: ``enabled``, ``disabled = [ids]``, ``severity = {ID = "WARNING"}``, ``ref_date``."""
    return RuleSettings.model_validate(config.section("rules"))


def store_side_tables(store: Store, village: str, tables: Mapping[str, list[dict[str, Any]]], run_id: int) -> None:
    """Keep the source's side tables (officials, households) for the rules, replacing the previous ones."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO side_table (village, name, rows, updated_run) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(village, name) DO UPDATE SET rows = excluded.rows, updated_run = excluded.updated_run",
            [
                (village, name, json.dumps(rows, ensure_ascii=False, default=str), run_id)
                for name, rows in tables.items()
            ],
        )


def side_tables(store: Store, village: str) -> dict[str, list[dict[str, Any]]]:
    return {
        name: json.loads(rows)
        for name, rows in store.conn.execute("SELECT name, rows FROM side_table WHERE village = ?", (village,))
    }


def validate_village(
    store: Store, host: PluginHost, village: str, run_id: int, settings: RuleSettings
) -> VillageValidation:
    """Run the rules over the village's current records and reconcile the findings in one transaction."""
    rules = collect_rules(host.rule_packs())
    data = store.load_village(village)
    report = run_rules(data, rules, settings, tables=side_tables(store, village))
    with store.transaction() as conn:
        reconciled = stored_findings.reconcile(conn, village=village, run_id=run_id, at=now(), findings=report.findings)
    return VillageValidation(village, report, reconciled)


def reference_date(settings: RuleSettings) -> dt.date:
    return settings.ref_date or dt.date.today()
