"""The notify stage of a run, the test message and the demo preview: the pieces glued together.

A failure here is logged and counted, never raised: a dead WhatsApp gateway must not fail the sync.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sid_connector.config import Config, ConfigError
from sid_connector.notify import delivery, events
from sid_connector.notify.directory import Directory, Person, build_directory, norm_dusun, norm_rt
from sid_connector.notify.events import Event
from sid_connector.notify.messages import Rendered, render, render_digest
from sid_connector.notify.routing import Delivery, route
from sid_connector.notify.settings import NotifySettings, load_settings
from sid_connector.notify.transport import Transport, build_transports
from sid_connector.plugins import PluginHost
from sid_connector.store import Store
from sid_connector.sync.validation import side_tables

log = logging.getLogger(__name__)
STATE_SOURCE = "notify"


@dataclass(slots=True)
class Catalog:
    """What the rule packs know about each rule: title, English hint, default roles."""

    titles: dict[str, str]
    hints_en: dict[str, str]
    roles: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, host: PluginHost) -> Catalog:
        from sid_connector.rules import collect_rules

        try:
            rules = collect_rules(host.rule_packs())
        except Exception:  # a broken pack must not silence notifications
            log.exception("notify: rule packs could not be read")
            rules = []
        return cls(
            {r.id: r.title for r in rules},
            {r.id: r.hint_en for r in rules},
            {r.id: tuple(str(role) for role in r.roles) for r in rules},
        )


def sebutan_dusun(settings: NotifySettings, tables: Mapping[str, list[dict[str, Any]]]) -> str:
    """The village's word for dusun: config, then OpenSID's ``setting_aplikasi``, else "Dusun"."""
    if settings.sebutan_dusun:
        return settings.sebutan_dusun
    for row in tables.get("setting_aplikasi", []):
        if row.get("key") == "sebutan_dusun" and row.get("value"):
            return str(row["value"]).strip().title()
    return "Dusun"


@dataclass(slots=True)
class VillageContext:
    directory: Directory
    sebutan: str

    @classmethod
    def load(cls, store: Store, settings: NotifySettings, village: str) -> VillageContext:
        tables = side_tables(store, village) if village else {}
        data = store.load_village(village) if village else None
        directory = build_directory(
            settings, village, data.wilayah if data else None, data.penduduk if data else None, tables
        )
        return cls(directory, sebutan_dusun(settings, tables))


def _renderer(settings: NotifySettings, context: VillageContext, catalog: Catalog) -> Any:
    def render_event(event: Event) -> Rendered:
        return render(
            event, lang=settings.lang, sebutan=context.sebutan, titles=catalog.titles, hints_en=catalog.hints_en
        )

    return render_event


def _route_all(
    found: Iterable[Event], context: VillageContext, settings: NotifySettings, catalog: Catalog
) -> list[Delivery]:
    """Route every event; each missing role holder becomes one ``role_missing`` event to SEKDES/the operator."""
    deliveries: list[Delivery] = []
    missing: dict[str, Person] = {}
    village = ""
    for event in found:
        village = event.village
        routed, gaps = route(event, context.directory, settings, catalog.roles)
        deliveries.extend(routed)
        missing.update((gap.key, gap) for gap in gaps)
    for key, gap in sorted(missing.items()):
        label = gap.role + (f" ({gap.dusun}{'/' + gap.rt if gap.rt else ''})" if gap.dusun else "")
        event = Event("role_missing", village, f"role-missing:{village}:{key}", message=label)
        deliveries.extend(route(event, context.directory, settings, catalog.roles)[0])
    return deliveries


def queue_village(
    store: Store,
    settings: NotifySettings,
    transports: Sequence[Transport],
    catalog: Catalog,
    village: str,
    run_id: int,
    summary: Mapping[str, Any],
    now: dt.datetime,
) -> int:
    """Find the village's events, route them, and queue them with the new watermark in one transaction."""
    state = store.get_state(STATE_SOURCE, village)
    today = settings.local(now).date()
    if "change_id" in state:
        found, mark = events.life_events(store, village, int(state["change_id"]), today)
    else:  # first run: the whole village is "new"; start from here instead of announcing every resident
        found, mark = [], events.village_max_change(store, village)
    found += events.new_findings(store, village)
    found += events.resolved_findings(store, village, int(state.get("finding_run", 0)))
    found += events.reminders(store, village, today)
    found += events.run_failure(summary, run_id, village, today.isoformat())
    context = VillageContext.load(store, settings, village)
    deliveries = _route_all(found, context, settings, catalog)
    with store.transaction() as conn:
        deliveries = delivery.settle_resolved(conn, deliveries)
        queued = delivery.enqueue_deliveries(
            conn, deliveries, transports, settings, _renderer(settings, context, catalog), run_id=run_id, now=now
        )
        Store.put_state(conn, STATE_SOURCE, village, {"change_id": mark, "finding_run": run_id}, run_id)
    return queued


def _villages(store: Store, summary: Mapping[str, Any], validations: Iterable[Any]) -> list[str]:
    ordered = [*(v.village for v in validations), *dict(summary.get("villages") or {}), *store.villages()]
    return list(dict.fromkeys(ordered))


def notify_stage(
    config: Config,
    host: PluginHost,
    store: Store,
    run_id: int,
    summary: Mapping[str, Any],
    validations: Iterable[Any] = (),
    *,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Queue this run's notifications and deliver what is due; returns counts for the run summary.

    ``queued``/``sent``/``failed`` count this run; ``pending`` is everything still waiting (incl. digests).
    """
    counts: dict[str, Any] = {"queued": 0, "sent": 0, "pending": 0, "failed": 0}
    try:
        settings = load_settings(config)
    except ConfigError as exc:
        log.error("notify: %s", exc)
        return {**counts, "error": str(exc)}
    if not settings.enabled:
        return counts
    moment = now or dt.datetime.now(dt.UTC)
    transports = build_transports(settings, host, config.base_dir)
    try:
        catalog = Catalog.of(host)
        villages = _villages(store, summary, validations) or [""]
        for village in villages:
            counts["queued"] += queue_village(store, settings, transports, catalog, village, run_id, summary, moment)
        result = delivery.deliver(store, transports, settings, moment)
        counts["sent"], counts["failed"] = result.sent, result.failed
        if result.errors:
            counts["errors"] = result.errors[:5]
    except Exception as exc:  # never fail the sync because of notifications
        log.exception("notify stage failed")
        counts["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        for transport in transports:
            transport.close()
    counts["pending"] = delivery.pending_count(store)
    return counts


def send_now(config: Config, host: PluginHost, store: Store, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """``notify --send``: deliver what is due without a sync."""
    settings = load_settings(config)
    transports = build_transports(settings, host, config.base_dir)
    try:
        result = delivery.deliver(store, transports, settings, now or dt.datetime.now(dt.UTC))
    finally:
        for transport in transports:
            transport.close()
    return {
        "sent": result.sent,
        "failed": result.failed,
        "retry": result.retry,
        "errors": result.errors,
        "pending": delivery.pending_count(store),
    }


def send_test(config: Config, host: PluginHost, store: Store, role: str) -> list[tuple[str, str, str | None]]:
    """``notify --test ROLE``: one message to every holder of ``role`` on every channel that reaches them.

    Returns (channel, person key, error or None). Quiet hours and the outbox are bypassed: it is a test.
    """
    settings = load_settings(config)
    transports = build_transports(settings, host, config.base_dir)
    results: list[tuple[str, str, str | None]] = []
    villages = store.villages() or [""]
    try:
        for village in villages:
            context = VillageContext.load(store, settings, village)
            people = [p for p in context.directory.everyone() if p.role == role.upper()]
            for person in people:
                for transport in transports:
                    address = transport.address(person)
                    if not address:
                        continue
                    event = Event("test", village, "test", message=person.key, extra=transport.name)
                    rendered = render(event, lang=settings.lang)
                    channel = transport.channel()
                    if channel is None:
                        results.append((transport.name, person.key, transport.error))
                        continue
                    payload = {
                        "address": address,
                        "subject": rendered.subject,
                        "text": rendered.text,
                        "role": person.role,
                        "recipient_name": person.name,
                        "event": "test",
                        "dedup_key": f"test:{person.key}:{dt.datetime.now(dt.UTC).isoformat()}",
                    }
                    try:
                        channel.send(delivery.message_of(payload))
                        results.append((transport.name, person.key, None))
                    except Exception as exc:
                        results.append((transport.name, person.key, str(exc)))
    finally:
        for transport in transports:
            transport.close()
    return results


def _fill_placeholders(directory: Directory, found: Iterable[Event]) -> None:
    """For the preview, every unfilled role is shown as itself, so the demo shows who *would* hear what."""
    for role in ("KASI_PEM", "SEKDES"):
        directory.village_wide.setdefault(role, Person(role))
    for event in found:
        if event.dusun:
            dusun = norm_dusun(event.dusun)
            directory.kadus.setdefault(dusun, Person("KADUS", dusun))
            if event.rt and norm_rt(event.rt) != "0":
                directory.ketua_rt.setdefault((dusun, norm_rt(event.rt)), Person("KETUA_RT", dusun, norm_rt(event.rt)))


def demo_preview(store: Store, config: Config, host: PluginHost, *, now: dt.datetime | None = None) -> str:
    """What each official would receive for the village's open findings and reminders (nothing is queued)."""
    settings = load_settings(config)
    moment = now or dt.datetime.now(dt.UTC)
    catalog = Catalog.of(host)
    blocks: list[str] = []
    for village in store.villages():
        context = VillageContext.load(store, settings, village)
        today = settings.local(moment).date()
        found = events.new_findings(store, village) + events.reminders(store, village, today)
        _fill_placeholders(context.directory, found)
        render_event = _renderer(settings, context, catalog)
        by_person: dict[str, tuple[Person, list[str]]] = {}
        for item in _route_all(found, context, settings, catalog):
            by_person.setdefault(item.person.key, (item.person, []))[1].append(render_event(item.event).text)
        for key, (person, lines) in sorted(by_person.items()):
            digest = render_digest("daily", lines, lang=settings.lang, limit=settings.digest_max_items)
            who = f"{key}" + (f" ({person.name})" if person.name else "")
            blocks.append(f"== {village} → {who}\n{digest.subject}\n{digest.text}")
    return "\n\n".join(blocks)
