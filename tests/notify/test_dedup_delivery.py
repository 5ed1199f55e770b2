"""Dedup across runs, resolved lines, a channel that goes down, crashes, rate limits, quiet hours, digests."""

from __future__ import annotations

import datetime as dt

import pytest

from sid_connector.notify import delivery, send_now, stage
from sid_connector.store import Store, outbox

from .conftest import NOON_WIB, FakeChannel, Village, finding, make_config, received


def test_a_rerun_with_no_change_sends_nothing_new(village):
    first = village.run([finding("NIK-FORMAT", "12")])
    assert first["queued"] > 0 and first["sent"] == first["queued"] and first["pending"] == 0
    count = len(FakeChannel.sent)
    second = village.run([finding("NIK-FORMAT", "12")])
    assert second["queued"] == 0 and second["sent"] == 0
    assert len(FakeChannel.sent) == count


def test_a_resolved_finding_sends_exactly_one_resolved_line(village):
    village.run([finding("NIK-TEMP", "12")])
    village.run([])
    village.run([])
    for person in ("KASI_PEM", "KADUS:KRAJAN"):
        kinds = [m.event for m in received(person)]
        assert kinds == ["finding", "resolved"], person


def test_a_finding_that_comes_back_is_announced_again(village):
    village.run([finding("NIK-FORMAT", "12")])
    village.run([])
    village.run([finding("NIK-FORMAT", "12")])
    assert [m.event for m in received("KASI_PEM")] == ["finding", "resolved", "finding"]


def test_a_rising_severity_is_announced_once_more(village):
    village.run([finding("PER-KTP-STATUS", "12", severity="WARNING")])
    village.run([finding("PER-KTP-STATUS", "12", severity="ERROR")])
    village.run([finding("PER-KTP-STATUS", "12", severity="ERROR")])
    assert [m.text[:9] for m in received("KASI_PEM")] == ["[WARNING]", "[ERROR] P"]


def test_channel_down_keeps_items_pending_then_sends_each_once(village):
    FakeChannel.down = True
    result = village.run([finding("NIK-FORMAT", "12"), finding("NIK-TEMP", "21", dusun="SIDOREJO")])
    assert result["pending"] == 3 and result["sent"] == 3  # fake waits; jsonl wrote its three
    assert FakeChannel.sent == []
    fake_pending = [i for i in delivery.pending_items(village.store) if i["channel"] == "notify:fake"]
    assert len(fake_pending) == 3
    FakeChannel.down = False
    later = NOON_WIB + dt.timedelta(hours=1)
    sent = send_now(village.config, village.host, village.store, now=later)
    assert len(FakeChannel.sent) == 3
    assert sorted(m.dedup_key for m in FakeChannel.sent) == sorted({m.dedup_key for m in FakeChannel.sent})
    assert sent["pending"] == 0
    send_now(village.config, village.host, village.store, now=later + dt.timedelta(hours=1))
    assert len(FakeChannel.sent) == 3


def test_a_rejected_address_fails_without_retrying(village):
    FakeChannel.reject = True
    result = village.run([finding("NIK-FORMAT", "12")])
    assert result["failed"] == 1 and result["sent"] == 1  # KASI_PEM: refused on fake, written to jsonl
    counts = outbox.counts(village.store.conn, "notify:fake")["notify:fake"]
    assert counts["failed"] == result["failed"] and counts["pending"] == 0


def test_a_crash_between_delivery_and_mark_sent_resends_that_item_at_most_once(village, monkeypatch):
    """The channel accepted item 1, then the process died before ``mark_sent`` committed: on the next
    delivery item 1 goes out a second time (at-least-once; receivers drop it by dedup key), and never again."""
    FakeChannel.down = True
    village.run([finding("NIK-FORMAT", "12"), finding("NIK-FORMAT", "21", dusun="SIDOREJO")])
    FakeChannel.down = False
    real_mark_sent = outbox.mark_sent

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(delivery.outbox, "mark_sent", crash)
    later = NOON_WIB + dt.timedelta(hours=1)
    with pytest.raises(KeyboardInterrupt):
        send_now(village.config, village.host, village.store, now=later)
    assert len(FakeChannel.sent) == 1
    monkeypatch.setattr(delivery.outbox, "mark_sent", real_mark_sent)
    send_now(village.config, village.host, village.store, now=later)
    send_now(village.config, village.host, village.store, now=later + dt.timedelta(hours=1))
    keys = [m.dedup_key for m in FakeChannel.sent]
    assert len(keys) == 3 and len(set(keys)) == 2
    assert keys[0] == keys[1]  # only the interrupted item went twice


def test_enqueue_and_watermark_commit_together(village, monkeypatch):
    """If the transaction dies after queuing but before the watermark, neither is kept: a rerun queues once."""

    original = Store.put_state

    def boom(conn, source, *args, **kwargs):
        if source == "notify":
            raise RuntimeError("killed mid-transaction")
        return original(conn, source, *args, **kwargs)

    monkeypatch.setattr(stage.Store, "put_state", staticmethod(boom))
    result = village.run([finding("NIK-FORMAT", "12")])
    assert "error" in result
    assert village.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert village.store.get_state("notify", "3301022001") == {}
    monkeypatch.setattr(stage.Store, "put_state", staticmethod(original))
    again = village.run([finding("NIK-FORMAT", "12")])
    assert again["queued"] > 0 and again["sent"] == again["queued"]
    assert village.run([finding("NIK-FORMAT", "12")])["queued"] == 0


def test_rate_limit_spreads_sending(tmp_path, host):
    config = make_config(tmp_path, channels={"fake": {"rate_per_minute": 2}})
    village = Village(tmp_path, host, config)
    FakeChannel.down = True
    village.run([finding("NIK-FORMAT", str(i)) for i in range(5)])
    FakeChannel.down = False
    later = NOON_WIB + dt.timedelta(hours=1)
    send_now(config, host, village.store, now=later)
    assert len(FakeChannel.sent) == 2
    send_now(config, host, village.store, now=later + dt.timedelta(seconds=10))
    assert len(FakeChannel.sent) == 2
    send_now(config, host, village.store, now=later + dt.timedelta(seconds=70))
    assert len(FakeChannel.sent) == 4
    village.store.close()


def test_quiet_hours_hold_items_until_morning(tmp_path, host):
    config = make_config(tmp_path, quiet_hours="21:00-06:00")
    village = Village(tmp_path, host, config)
    night = dt.datetime(2026, 11, 28, 15, 30, tzinfo=dt.UTC)  # 22:30 WIB
    result = village.run([finding("NIK-FORMAT", "12")], at=night)
    assert result["sent"] == 0 and result["pending"] == result["queued"] > 0
    send_now(config, host, village.store, now=night + dt.timedelta(hours=4))  # 02:30 WIB
    assert FakeChannel.sent == []
    send_now(config, host, village.store, now=night + dt.timedelta(hours=8))  # 06:30 WIB
    assert len(received("KASI_PEM")) == 1
    village.store.close()


def test_daily_and_weekly_digests_bundle_items_per_person(tmp_path, host):
    config = make_config(tmp_path, routing={})  # defaults: ERROR daily, WARNING weekly
    village = Village(tmp_path, host, config)
    result = village.run(
        [finding("NIK-FORMAT", "12"), finding("NIK-DATE", "21", dusun="SIDOREJO"), finding("PER-KB", "10", "WARNING")]
    )
    assert result["sent"] == 0 and result["pending"] == result["queued"]
    next_morning = dt.datetime(2026, 11, 29, 0, 5, tzinfo=dt.UTC)  # 07:05 WIB, Sunday
    send_now(config, host, village.store, now=next_morning)
    digests = received("KASI_PEM")
    assert len(digests) == 1 and digests[0].event == "digest_daily"
    assert digests[0].dedup_key == "digest:KASI_PEM:2026-11-29"
    assert "NIK-FORMAT" in digests[0].text and "NIK-DATE" in digests[0].text and "PER-KB" not in digests[0].text
    send_now(config, host, village.store, now=next_morning + dt.timedelta(hours=3))
    assert len(received("KASI_PEM")) == 1
    monday = dt.datetime(2026, 11, 30, 0, 5, tzinfo=dt.UTC)
    send_now(config, host, village.store, now=monday)
    weekly = received("KASI_PEM")[1]
    assert weekly.event == "digest_weekly" and "PER-KB" in weekly.text
    village.store.close()


def test_a_finding_resolved_before_its_digest_is_never_sent(tmp_path, host):
    config = make_config(tmp_path, routing={})  # ERROR findings and resolved lines wait for the daily digest
    village = Village(tmp_path, host, config)
    village.run([finding("NIK-FORMAT", "12"), finding("NIK-DATE", "13")])
    village.run([finding("NIK-DATE", "13")], at=NOON_WIB + dt.timedelta(hours=2))
    send_now(config, host, village.store, now=dt.datetime(2026, 11, 29, 0, 5, tzinfo=dt.UTC))
    digest = received("KASI_PEM")
    assert len(digest) == 1 and "NIK-DATE" in digest[0].text
    assert "NIK-FORMAT" not in digest[0].text and "Selesai" not in digest[0].text
    village.run([], at=dt.datetime(2026, 11, 29, 3, 0, tzinfo=dt.UTC))  # NIK-DATE fixed after it was told
    send_now(config, host, village.store, now=dt.datetime(2026, 11, 30, 0, 5, tzinfo=dt.UTC))
    assert "Selesai: NIK-DATE" in received("KASI_PEM")[1].text
    village.store.close()
