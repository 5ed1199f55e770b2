"""Into the outbox and out to the channels.

Items are queued in the caller's transaction (the one that advances the watermark), so a rerun never queues
twice and a kill never loses one. Delivery marks an item sent only after its channel accepted it, one commit
per item: a kill between the two resends at most that one item, once (receivers can drop it by dedup key).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sid_connector.channels import ChannelError, OutgoingMessage
from sid_connector.notify.events import like
from sid_connector.notify.messages import Rendered, render_digest
from sid_connector.notify.routing import Delivery
from sid_connector.notify.schedule import digest_moment, in_quiet_hours, local_date, stamp
from sid_connector.notify.settings import NotifySettings
from sid_connector.notify.transport import Transport
from sid_connector.privacy import scrub
from sid_connector.store import Store, outbox

log = logging.getLogger(__name__)
Renderer = Callable[[Any], Rendered]


def dedup_key(delivery: Delivery) -> str:
    """The event's key plus the person: unique per (channel, dedup key) in the outbox."""
    return f"{delivery.event.key}@{delivery.person.key}"


def _payload(delivery: Delivery, rendered: Rendered, address: str, key: str) -> dict[str, Any]:
    event = delivery.event
    return {
        "address": address,
        "subject": rendered.subject,
        "text": rendered.text,
        "role": delivery.role,
        "recipient_name": delivery.person.name,
        "event": event.kind,
        "dedup_key": key,
        "person": delivery.person.key,
        "mode": delivery.mode,
        "data": {
            "village": event.village,
            "kind": event.kind,
            "rule": event.rule,
            "severity": event.severity,
            "dusun": event.dusun,
            "rt": event.rt,
            "date": event.date,
        },
    }


WITHDRAWN = "dibatalkan: temuan sudah selesai sebelum ringkasan dikirim"


def settle_resolved(conn: sqlite3.Connection, deliveries: Iterable[Delivery]) -> list[Delivery]:
    """A finding resolved before its digest went out is withdrawn from the digest, and that person gets no
    "resolved" line either: nobody hears of a problem that is already gone."""
    kept = []
    for item in deliveries:
        if item.event.kind != "resolved":
            kept.append(item)
            continue
        pattern = like(item.event.extra) + "%@" + like(item.person.key)
        conn.execute(
            "UPDATE outbox SET status = 'failed', last_error = ? WHERE channel LIKE 'notify-hold:%' "
            "AND status = 'pending' AND dedup_key LIKE ? ESCAPE '\\'",
            (WITHDRAWN, pattern),
        )
        told = conn.execute(
            "SELECT 1 FROM outbox WHERE dedup_key LIKE ? ESCAPE '\\' AND ((channel LIKE 'notify:%' "
            "AND status != 'failed') OR (channel LIKE 'notify-hold:%' AND status = 'sent')) LIMIT 1",
            (pattern,),
        ).fetchone()
        if told:
            kept.append(item)
    return kept


def enqueue_deliveries(
    conn: sqlite3.Connection,
    deliveries: Iterable[Delivery],
    transports: Iterable[Transport],
    settings: NotifySettings,
    render: Renderer,
    *,
    run_id: int | None,
    now: dt.datetime,
) -> int:
    """Queue each delivery on each channel that can reach the person; digest items wait in the hold channel."""
    at = stamp(now)
    queued = 0
    targets = list(transports)
    for delivery in deliveries:
        rendered = render(delivery.event)
        key = dedup_key(delivery)
        for transport in targets:
            address = transport.address(delivery.person)
            if not address:
                continue
            payload = _payload(delivery, rendered, address, key)
            if delivery.mode == "immediate":
                queued += outbox.enqueue(
                    conn, channel=transport.outbox_name, dedup_key=key, payload=payload, run_id=run_id, at=at
                )
            elif outbox.enqueue(
                conn, channel=transport.hold_name, dedup_key=key, payload=payload, run_id=run_id, at=at
            ):
                queued += 1
                conn.execute(
                    "UPDATE outbox SET next_attempt = ? WHERE channel = ? AND dedup_key = ?",
                    (stamp(digest_moment(settings, delivery.mode, now)), transport.hold_name, key),
                )
    return queued


def bundle_digests(store: Store, transport: Transport, settings: NotifySettings, now: dt.datetime) -> int:
    """Turn due held items into one digest per person (and mode) per day; returns digests queued."""
    at = stamp(now)
    made = 0
    with store.transaction() as conn:
        items = outbox.due(conn, transport.hold_name, at, limit=100_000)
        groups: dict[tuple[str, str, str], list[outbox.OutboxItem]] = {}
        for item in items:
            p = item.payload
            groups.setdefault((p["person"], p["mode"], p["address"]), []).append(item)
        for (person, mode, _address), members in groups.items():
            first = members[0].payload
            rendered = render_digest(
                mode, [m.payload["text"] for m in members], lang=settings.lang, limit=settings.digest_max_items
            )
            base = f"digest:{person}:{local_date(settings, now)}" + (":weekly" if mode == "weekly" else "")
            payload = {
                **first,
                "subject": rendered.subject,
                "text": rendered.text,
                "event": f"digest_{mode}",
                "data": {"items": [m.dedup_key for m in members], "village": first["data"].get("village")},
            }
            key, suffix = base, 1
            while not outbox.enqueue(
                conn,
                channel=transport.outbox_name,
                dedup_key=key,
                payload={**payload, "dedup_key": key},
                run_id=None,
                at=at,
            ):
                suffix += 1
                key = f"{base}:{suffix}"
            made += 1
            for member in members:
                outbox.mark_sent(conn, member.id, at)
    return made


@dataclass(slots=True)
class DeliveryResult:
    sent: int = 0
    failed: int = 0
    retry: int = 0
    errors: list[str] = field(default_factory=list)


def _sent_last_minute(conn: sqlite3.Connection, channel: str, now: dt.datetime) -> int:
    (total,) = conn.execute(
        "SELECT count(*) FROM outbox WHERE channel = ? AND status = 'sent' AND sent_at > ?",
        (channel, stamp(now - dt.timedelta(seconds=60))),
    ).fetchone()
    return int(total)


def message_of(payload: dict[str, Any]) -> OutgoingMessage:
    return OutgoingMessage(
        address=payload["address"],
        subject=scrub(payload["subject"]),
        text=scrub(payload["text"]),
        role=payload["role"],
        recipient_name=payload.get("recipient_name"),
        event=payload.get("event", ""),
        dedup_key=payload.get("dedup_key", ""),
        data=payload.get("data") or {},
    )


def deliver(
    store: Store, transports: Iterable[Transport], settings: NotifySettings, now: dt.datetime
) -> DeliveryResult:
    """Send what is due on every channel, within its rate limit; quiet hours hold everything back."""
    result = DeliveryResult()
    if in_quiet_hours(settings, now):
        return result
    at = stamp(now)
    for transport in transports:
        bundle_digests(store, transport, settings, now)
        channel = transport.channel()
        if channel is None:
            result.errors.append(transport.error or transport.name)
            continue
        budget = 10_000
        if transport.rate_per_minute:
            budget = max(0, transport.rate_per_minute - _sent_last_minute(store.conn, transport.outbox_name, now))
        for item in outbox.due(store.conn, transport.outbox_name, at, limit=budget) if budget else []:
            try:
                channel.send(message_of(item.payload))
            except Exception as exc:
                retryable = exc.retryable if isinstance(exc, ChannelError) else True
                with store.transaction() as conn:
                    status = outbox.mark_failed(
                        conn, item.id, at=at, error=scrub(str(exc)), retryable=retryable, attempts=item.attempts
                    )
                if status == "failed":
                    result.failed += 1
                else:
                    result.retry += 1
                result.errors.append(scrub(f"{transport.name}: {exc}"))
                if retryable:
                    break  # the channel is down: the rest wait untouched and go out when it returns
                continue
            with store.transaction() as conn:
                outbox.mark_sent(conn, item.id, at)
            result.sent += 1
    return result


def pending_items(store: Store) -> list[dict[str, Any]]:
    """What waits (immediate and held for a digest), for ``notify --pending``; texts are already masked."""
    rows = store.conn.execute(
        "SELECT channel, dedup_key, payload, attempts, next_attempt, last_error FROM outbox "
        "WHERE status = 'pending' AND (channel LIKE 'notify:%' OR channel LIKE 'notify-hold:%') ORDER BY id"
    )
    items = []
    for channel, key, payload, attempts, next_attempt, error in rows:
        data = json.loads(payload)
        items.append(
            {
                "channel": channel,
                "dedup_key": key,
                "role": data.get("role"),
                "person": data.get("person"),
                "subject": scrub(data.get("subject", "")),
                "text": scrub(data.get("text", "")),
                "attempts": attempts,
                "next_attempt": next_attempt,
                "last_error": scrub(error or ""),
            }
        )
    return items


def pending_count(store: Store) -> int:
    (total,) = store.conn.execute(
        "SELECT count(*) FROM outbox WHERE status = 'pending' AND (channel LIKE 'notify:%' OR "
        "channel LIKE 'notify-hold:%')"
    ).fetchone()
    return int(total)
