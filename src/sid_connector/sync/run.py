"""A whole run: take the lock, pull every village of the configured source, record the outcome.

Later stages (rules, push, notifications) hang off the same run. The run's summary is what ``sync`` prints,
what ``status --json`` shows as ``last_run`` and what the ``sid_connector_run_finished`` hook receives.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sid_connector.config import Config, ConfigError
from sid_connector.exit_codes import ExitCode
from sid_connector.i18n import t
from sid_connector.notify import notify_stage
from sid_connector.plugins import PluginHost
from sid_connector.sources import Source, SourceError, VillageRef
from sid_connector.store import RunLock, Store
from sid_connector.sync.engine import DeletionPolicy, MassDeletionBlockedError, ProgressCallback, VillagePull
from sid_connector.sync.validation import rule_settings, store_side_tables, validate_village

QUARANTINE_SHOWN = 50


@dataclass(slots=True)
class RunOutcome:
    run_id: int
    status: str
    exit_code: ExitCode
    summary: dict[str, Any] = field(default_factory=dict)
    message: str | None = None


def _quiet(name: str) -> AbstractContextManager[None]:
    """No display for a stage (the library default; the CLI shows a spinner instead)."""
    return nullcontext()


def make_source(config: Config, host: PluginHost) -> Source:
    sources = host.sources()
    plugin = sources.get(config.source.name)
    if plugin is None:
        known = ", ".join(sorted(sources)) or "-"
        raise ConfigError(t("source.unknown", name=config.source.name, known=known))
    return plugin.factory(config.source_options())


def run_rules_stage(
    config: Config, host: PluginHost, store: Store, run_id: int, summary: dict[str, Any]
) -> dict[str, int]:
    """Validate every pulled village; adds ``findings`` to the summary and returns the totals."""
    settings = rule_settings(config)
    totals = {"ERROR": 0, "WARNING": 0, "INFO": 0, "new": 0, "resolved": 0}
    if not settings.enabled or not host.rule_packs():
        return totals
    for code, village_summary in summary["villages"].items():
        validation = validate_village(store, host, code, run_id, settings)
        village_summary["findings"] = validation.summary()
        for key in totals:
            totals[key] += village_summary["findings"][key]
    summary["findings"] = totals
    return totals


def run_push_stage(
    config: Config, host: PluginHost, store: Store, run_id: int, summary: dict[str, Any], villages: list[str]
) -> list[dict[str, Any]]:
    """Push every village to every configured sink; a sink's failure is reported, never raised."""
    reports: list[dict[str, Any]] = []
    for name, sink in make_sinks(config, host):
        try:
            for village in villages:
                report = sink.push(store, village, run_id).as_json()
                summary.setdefault("sinks", {}).setdefault(name, {})[village] = report
                reports.append(report)
                if report.get("error"):
                    store.audit(run_id, "push.failed", {"sink": name, "village": village, "error": report["error"]})
        finally:
            sink.close()
    return reports


def make_sinks(config: Config, host: PluginHost) -> list[tuple[str, Any]]:
    """Every sink the config names under ``[sinks.NAME]``, built by its plugin."""
    sinks = host.sinks()
    built = []
    for name, options in config.section("sinks").items():
        plugin = sinks.get(name)
        if plugin is None:
            known = ", ".join(sorted(sinks)) or "-"
            raise ConfigError(t("sink.unknown", name=name, known=known))
        try:
            built.append((name, plugin.factory(dict(options or {}))))
        except ValueError as error:  # a sink names what is missing in its options
            raise ConfigError(str(error)) from error
    return built


def _merge_changes(total: dict[str, dict[str, int]], part: dict[str, dict[str, int]]) -> None:
    for entity, counts in part.items():
        bucket = total.setdefault(entity, {"new": 0, "changed": 0, "deleted": 0})
        for kind, value in counts.items():
            bucket[kind] = bucket.get(kind, 0) + value


def run_sync(
    config: Config,
    host: PluginHost,
    *,
    command: str = "sync",
    allow_mass_delete: bool = False,
    progress: Callable[[VillageRef], ProgressCallback] | None = None,
    stage: Callable[[str], AbstractContextManager[Any]] | None = None,
) -> RunOutcome:
    """Run one sync. Raises :class:`LockHeldError` when another run holds the store."""
    deletion = DeletionPolicy(
        threshold=config.sync.mass_delete_threshold,
        minimum=config.sync.mass_delete_minimum,
        allow_mass_delete=allow_mass_delete,
    )
    with RunLock(config.store_path), Store.open(config.store_path) as store:
        run_id = store.start_run(command)
        host.notify("sid_connector_run_started", run_id=run_id, command=command, config=config.model_dump())
        summary: dict[str, Any] = {"run_id": run_id, "changes": {}, "quarantined": 0, "villages": {}, "read": {}}
        status, exit_code, message = "ok", ExitCode.OK, None
        source: Source | None = None
        try:
            source = make_source(config, host)
            for village in source.villages():
                pull = VillagePull(
                    store,
                    source,
                    config.source.name,
                    village,
                    run_id,
                    deletion=deletion,
                    progress=progress(village) if progress else None,
                )
                result = pull.run()
                if hasattr(source, "extra_tables"):
                    store_side_tables(store, village.kode_desa, source.extra_tables(village), run_id)
                desa = store.identity(village.kode_desa)
                summary["villages"][village.kode_desa] = {
                    "kode_desa": village.kode_desa,
                    "nama_desa": desa.nama_desa if desa else village.nama_desa,
                    "changes": result.changes,
                    "quarantined": len(result.quarantined),
                    "quarantine": result.quarantined[:QUARANTINE_SHOWN],
                    "read": result.read,
                    "resumed": result.resumed,
                }
                _merge_changes(summary["changes"], result.changes)
                summary["quarantined"] += len(result.quarantined)
                for name, value in result.read.items():
                    summary["read"][name] = summary["read"].get(name, 0) + value
            if summary["quarantined"]:
                status, exit_code = "problems", ExitCode.PROBLEMS
            with (stage or _quiet)("rules"):
                findings = run_rules_stage(config, host, store, run_id, summary)
            if findings.get("ERROR"):
                status, exit_code = "problems", ExitCode.PROBLEMS
            with (stage or _quiet)("push"):
                pushed = run_push_stage(config, host, store, run_id, summary, list(summary["villages"]))
            if any(report.get("unreachable") for report in pushed):
                status, exit_code = "problems", ExitCode.UNREACHABLE
            elif any(report.get("error") for report in pushed):
                status, exit_code = "problems", ExitCode.PROBLEMS
        except MassDeletionBlockedError as blocked:
            status, exit_code = "blocked", ExitCode.PROBLEMS
            message = t(
                "mass_delete.blocked",
                would_delete=blocked.would_delete,
                total=blocked.total,
                entity=blocked.entity,
                village=blocked.village,
                threshold=blocked.threshold,
            )
            store.audit(
                run_id,
                "guard.mass_delete",
                {
                    "village": blocked.village,
                    "entity": blocked.entity,
                    "would_delete": blocked.would_delete,
                    "total": blocked.total,
                },
            )
        except SourceError as error:
            status = "failed"
            exit_code = ExitCode.UNREACHABLE if error.unreachable else ExitCode.USAGE
            message = t("source.failed", error=str(error))
        except ConfigError as error:
            status, exit_code, message = "failed", ExitCode.USAGE, str(error)
        except Exception as error:
            # A bug or an unforeseen failure: the run is recorded as failed, then the error goes on up.
            summary["status"], summary["error"] = "failed", f"{type(error).__name__}: {error}"
            store.finish_run(run_id, "failed", summary)
            raise
        finally:
            if source is not None:
                source.close()
        if allow_mass_delete and status != "blocked":
            store.audit(run_id, "guard.mass_delete_allowed", {"command": command})
        summary["status"] = status
        summary["error"] = message
        # Officials hear about failures too, so notifications run after a failed or blocked pull as well.
        with (stage or _quiet)("notify"):
            summary["notify"] = notify_stage(config, host, store, run_id, summary)
        first = next(iter(summary["villages"].values()), None)
        summary["village"] = {"kode_desa": first["kode_desa"], "nama_desa": first["nama_desa"]} if first else None
        store.finish_run(run_id, status, summary)
    host.notify("sid_connector_run_finished", run_id=run_id, status=status, summary=summary)
    return RunOutcome(run_id, status, exit_code, summary, message)
