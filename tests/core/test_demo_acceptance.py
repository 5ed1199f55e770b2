"""Acceptance of ``sid-connector demo`` through the real CLI (project issues 4 and 6).

Issue 4: the planted demo (villages A/B/C of RULES.md §12.1 plus D, in one gabungan backup) makes every ERROR
and WARNING rule of the Dukcapil pack fire, its messages reach the Kasi Pemerintahan, the Sekretaris Desa and
every Kepala Dusun of village A (each only about their own dusun, never an unmasked NIK/KK), and a clean demo
has no finding at all. Issue 6: a rerun without change sends nothing, a resolved finding is announced once to
each official who was told, and messages wait while a channel is down and go out once each when it is back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sid_connector.synth import VillageSpec, generate
from sid_connector_rules_dukcapil.pack import ALL_RULES

from .cli_helpers import run_cli, run_json

RESIDENTS = 300
VILLAGE_A = "3301022001"
UNMASKED = re.compile(r"(?<!\d)\d{16}(?!\d)")
TEMP_NIK = "0330102200100001"  # NIK-TEMP of village A (WARSITO, Krajan); also a temporary KK number (KK-TEMP)
SERIAL_NIK = "3301021507900000"  # NIK-SERIAL of village A (WAGIMAN)


def _sync(folder: Path, *args: str) -> Any:
    result = run_cli("--config", str(folder / "sid-connector.toml"), *args, cwd=folder)
    assert result.returncode in (0, 1), result.stderr  # 1 = problems found: the demo plants them
    return result


def _report(folder: Path) -> dict[str, Any]:
    """``check --format json``: exit 1 only says that problems were found."""
    result = _sync(folder, "check", "--format", "json")
    return json.loads(result.stdout)


def _lines(folder: Path) -> list[dict[str, Any]]:
    path = folder / "notifications.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _copy(demo: Path, target: Path) -> Path:
    """An independent copy of the demo (config, dump and store), so each test may change it."""
    folder = target / "demo"
    shutil.copytree(demo, folder)
    config = folder / "sid-connector.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(str(demo), str(folder)), encoding="utf-8")
    return folder


def _free_nik(text: str, prefix: str) -> str:
    """A real-looking NIK with ``prefix`` (12 digits) that the dump does not hold yet."""
    return next(f"{prefix}{serial:04d}" for serial in range(31, 9999) if f"{prefix}{serial:04d}" not in text)


def _fix_nik(folder: Path, old: str, prefix: str) -> None:
    """Correct one resident's NIK in the backup, as the operator would in OpenSID before the next backup."""
    dump = folder / "opensid_backup.sql"
    text = dump.read_text(encoding="utf-8")
    new = _free_nik(text, prefix)
    lines = [
        line.replace(f"'{old}'", f"'{new}'") if line.startswith("INSERT INTO `tweb_penduduk`") else line
        for line in text.split("\n")
    ]
    fixed = "\n".join(lines)
    assert fixed != text
    dump.write_text(fixed, encoding="utf-8")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One planted demo for the module; tests that change it work on a copy."""
    base = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--residents", str(RESIDENTS), cwd=base, timeout=180)
    assert result.returncode == 0, result.stderr
    return base / "demo"


@pytest.fixture(scope="module")
def findings(demo: Path) -> list[dict[str, Any]]:
    return _report(demo)["findings"]


# -- issue 4 --------------------------------------------------------------------------------------------------
def test_demo_fires_every_error_and_warning_rule(findings):
    fired = {finding["rule"] for finding in findings}
    strict = {rule.id for rule in ALL_RULES if rule.severity.name in ("ERROR", "WARNING")}
    assert len(fired) >= 60
    assert sorted(strict - fired) == []


def test_demo_is_one_gabungan_backup_of_the_fixture_villages(demo, findings):
    assert 'kode_desa = "*"' in (demo / "sid-connector.toml").read_text(encoding="utf-8")
    where = {(finding["rule"], finding["village"]) for finding in findings}
    assert {("CFG-PERANGKAT", "3301020001"), ("ROUTE-ROLE-MISSING", "3301020001")} <= where
    assert {("REG-KODE-DESA-NAME", "5201142005"), ("REG-DESA-KEL", "3301024001")} <= where
    assert not {rule for rule, village in where if village == VILLAGE_A and rule.startswith("REG-KODE")}


def test_notifications_reach_kasi_sekdes_and_every_kepala_dusun(demo):
    lines = (demo / "notifications.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    assert [line for line in lines if UNMASKED.search(line)] == []
    messages = [json.loads(line) for line in lines]
    village_a = [m for m in messages if m["data"].get("village") == VILLAGE_A]
    addresses = {m["address"] for m in village_a}
    village = generate(VillageSpec(residents=RESIDENTS, planted=True, ref_date=dt.date.today()))
    dusun = {rt.dusun.upper() for rt in village.rts}
    assert {"KASI_PEM", "SEKDES"} | {f"KADUS:{name}" for name in dusun} <= addresses
    for message in village_a:
        if message["role"] == "KADUS":
            # A Kepala Dusun hears only about their own dusun (§9.3), and never about village-wide findings.
            assert (message["data"].get("dusun") or "").strip().upper() == message["address"].split(":", 1)[1]


def test_clean_demo_has_no_finding_at_all(tmp_path):
    result = run_cli("demo", "--clean", "--residents", str(RESIDENTS), "--no-push", cwd=tmp_path, timeout=180)
    assert result.returncode == 0, result.stderr
    report = _report(tmp_path / "demo")
    assert report["findings"] == []
    assert report["summary"]["total"] == 0


# -- issue 6 --------------------------------------------------------------------------------------------------
def test_sync_twice_without_change_sends_nothing_new(demo, tmp_path):
    folder = _copy(demo, tmp_path)
    before = len(_lines(folder))
    _sync(folder, "sync")
    after_first = len(_lines(folder))
    _sync(folder, "sync")
    assert len(_lines(folder)) == after_first == before
    last = run_json("--config", str(folder / "sid-connector.toml"), "status", "--json", cwd=folder)["last_run"]
    assert last["command"] == "sync"
    assert (last["findings"]["new"], last["findings"]["resolved"]) == (0, 0)
    assert _pending(folder) == []


def test_resolving_a_finding_sends_one_resolved_message_to_each_official_told(demo, tmp_path):
    folder = _copy(demo, tmp_path)
    told: dict[str, set[str]] = {}  # finding → the officials told about it
    for m in _lines(folder):
        if m["event"] == "finding" and m["data"].get("rule") == "NIK-TEMP" and m["data"].get("village") == VILLAGE_A:
            subject = m["dedup_key"].split(":new:")[0]
            told.setdefault(subject, set()).add(m["address"])
    assert {"KASI_PEM", "KADUS:KRAJAN"} <= set().union(*told.values())
    before = len(_lines(folder))
    _fix_nik(folder, TEMP_NIK, "330102080880")  # WARSITO: male, born 1980-08-08
    _sync(folder, "sync")
    new = _lines(folder)[before:]
    resolved: dict[str, Counter[str]] = {}
    for m in new:
        if m["event"] == "resolved" and m["data"].get("rule") == "NIK-TEMP":
            resolved.setdefault(m["dedup_key"].split(":resolved:")[0], Counter())[m["address"]] += 1
    assert len(resolved) == 1  # only WARSITO's temporary NIK was fixed
    ((subject, recipients),) = resolved.items()
    assert recipients == Counter(dict.fromkeys(told[subject], 1))
    assert {"KASI_PEM", "KADUS:KRAJAN"} <= set(recipients)
    assert [m for m in new if UNMASKED.search(json.dumps(m))] == []
    _sync(folder, "sync")  # told once: a further run repeats nothing
    assert len(_lines(folder)) == before + len(new)


class _Receiver(BaseHTTPRequestHandler):
    """A webhook receiver that accepts everything and records each dedup key (set per server below)."""

    received: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).received.append(json.loads(body)["dedup_key"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet: the test reads ``received``."""


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[str]]]:
    received: list[str] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def _pending(folder: Path) -> list[dict[str, Any]]:
    output = run_json("--config", str(folder / "sid-connector.toml"), "notify", "--pending", "--json", cwd=folder)
    return [item for item in output["pending"] if "webhook" in item["channel"]]


def test_messages_wait_while_a_channel_is_down_and_go_out_once_each_when_it_returns(demo, tmp_path, receiver):
    url, received = receiver
    folder = _copy(demo, tmp_path)
    config = folder / "sid-connector.toml"
    down = '\n[notify.channels.webhook]\nurl = "http://127.0.0.1:9/"\nsecret = "rahasia-demo"\ntimeout = 2\n'
    config.write_text(config.read_text(encoding="utf-8") + down, encoding="utf-8")
    before = len(_lines(folder))
    _fix_nik(folder, SERIAL_NIK, "330102150790")  # resolves NIK-SERIAL: something new to tell
    _fix_nik(folder, TEMP_NIK, "330102080880")
    _sync(folder, "sync")
    told = _lines(folder)[before:]
    assert told  # the jsonl channel still delivers
    waiting = _pending(folder)
    # A channel added to the config also owes the officials the findings still open: all of it waits.
    assert {m["dedup_key"] for m in told} <= {item["dedup_key"] for item in waiting}
    assert len({item["dedup_key"] for item in waiting}) == len(waiting)
    assert [item for item in waiting if UNMASKED.search(json.dumps(item))] == []

    config.write_text(config.read_text(encoding="utf-8").replace("http://127.0.0.1:9/", url), encoding="utf-8")
    # The one item that met the closed port waits out its backoff (15-30 s); let that time pass.
    with sqlite3.connect(folder / "sid-connector.db") as conn:
        conn.execute("UPDATE outbox SET next_attempt = '2000-01-01T00:00:00Z' WHERE status = 'pending'")
    _sync(folder, "notify", "--send")
    assert sorted(received) == sorted(item["dedup_key"] for item in waiting)
    assert Counter(received).most_common(1)[0][1] == 1
    assert _pending(folder) == []
    _sync(folder, "notify", "--send")
    assert len(received) == len(waiting)


class _SlowReceiver(_Receiver):
    """Takes its time, so a sender can be killed between two deliveries."""

    def do_POST(self) -> None:
        time.sleep(0.15)
        super().do_POST()


def test_a_sender_killed_mid_delivery_loses_nothing_and_repeats_at_most_one(demo, tmp_path):
    received: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Slow", (_SlowReceiver,), {"received": received}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        folder = _copy(demo, tmp_path)
        config = folder / "sid-connector.toml"
        hook = f'\n[notify.channels.webhook]\nurl = "http://127.0.0.1:{server.server_address[1]}/hook"\n'
        # quiet: the webhook joins after the first sync, so everything still open is owed to it
        config.write_text(config.read_text(encoding="utf-8") + hook + 'secret = "rahasia-demo"\n', encoding="utf-8")
        _fix_nik(folder, SERIAL_NIK, "330102150790")
        with sqlite3.connect(folder / "sid-connector.db") as conn:
            conn.execute("UPDATE outbox SET status = 'sent' WHERE channel NOT LIKE '%webhook%'")
        process = subprocess.Popen(
            [sys.executable, "-m", "sid_connector", "--config", str(config), "sync"], cwd=folder,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while process.poll() is None and len(received) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL, "delivery finished before the kill"
        killed_at = len(received)
        _sync(folder, "notify", "--send")
        owed = {item["dedup_key"] for item in _pending(folder)}
        assert owed == set()
        with sqlite3.connect(folder / "sid-connector.db") as conn:
            sent = {key for (key,) in conn.execute(
                "SELECT dedup_key FROM outbox WHERE channel LIKE '%webhook%' AND status = 'sent'")}
        assert set(received) == sent  # nothing lost
        assert len(received) <= len(sent) + 1  # at most the one in flight at the kill went twice
        assert len(received) > killed_at
    finally:
        server.shutdown()
        server.server_close()
