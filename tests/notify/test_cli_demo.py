"""``notify --pending/--send/--test``, the demo preview, and a whole run with the real rule pack."""

from __future__ import annotations

import datetime as dt
import json
import re

from click.testing import CliRunner

from sid_connector.cli.commands_notify import notify
from sid_connector.cli.context import AppContext
from sid_connector.notify import demo_preview, notify_stage
from sid_connector.plugins import PluginHost
from sid_connector.rules import RuleSettings
from sid_connector.store import Store
from sid_connector.sync.validation import validate_village

from .conftest import KODE, NOON_WIB, FakeChannel, Village, finding, make_config

CONFIG = """
lang = "id"
[source]
name = "memory"
[store]
path = "store.db"
[notify]
quiet_hours = "00:00-00:00"
[notify.channels.jsonl]
dir = "out"
[notify.channels.console]
[notify.officials]
kasi_pem = {name = "Budi Santoso", whatsapp = "081200000001"}
[notify.officials.kadus]
"KRAJAN" = {whatsapp = "081200000003"}
"""


def _app(tmp_path, host) -> AppContext:
    (tmp_path / "sid-connector.toml").write_text(CONFIG, encoding="utf-8")
    app = AppContext(config_option=str(tmp_path / "sid-connector.toml"))
    app._host = host
    return app


def test_pending_send_and_test_commands(tmp_path, host):
    app = _app(tmp_path, host)
    village = Village(tmp_path, host, app.config)
    FakeChannel.down = True  # not configured here; jsonl and console are
    night = dt.datetime(2026, 1, 1, 16, 0, tzinfo=dt.UTC)  # 23:00 WIB, in the past
    village.config = make_config(tmp_path, channels={"jsonl": {"dir": "out"}}, quiet_hours="21:00-06:00")
    village.run([finding("NIK-FORMAT", "12", message="NIK 3301025507800001 tidak valid")], at=night)
    village.store.close()
    runner = CliRunner()
    pending = runner.invoke(notify, ["--pending", "--json"], obj=app)
    assert pending.exit_code == 0, pending.output
    items = json.loads(pending.output)["pending"]
    assert items and all(i["channel"] == "notify:jsonl" for i in items)
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", pending.output)
    sent = runner.invoke(notify, ["--send"], obj=app)
    assert sent.exit_code == 0, sent.output
    assert "terkirim" in sent.output
    assert len((tmp_path / "out" / "notifications.jsonl").read_text().splitlines()) == len(items)
    test = runner.invoke(notify, ["--test", "KASI_PEM"], obj=app)
    assert test.exit_code == 0, test.output
    assert "uji console → KASI_PEM: OK" in test.output and "Pesan uji" in test.output


def test_demo_preview_shows_each_officials_messages(village):
    village.run([finding("NIK-TEMP", "12"), finding("NIK-TEMP", "21", dusun="SIDOREJO")])
    text = demo_preview(village.store, village.config, village.host, now=NOON_WIB)
    assert "→ KASI_PEM (Budi Santoso)" in text and "→ KADUS:SIDOREJO (KADUS SIDOREJO)" in text
    krajan = text.split("→ KADUS:KRAJAN")[1].split("==")[0]
    assert "SIDOREJO" not in krajan


def test_a_whole_run_with_the_dukcapil_rules(tmp_path):
    import sid_connector_channels.plugin as channels_plugin
    import sid_connector_rules_dukcapil.plugin as rules_plugin

    host = PluginHost.load(installed=False, extra=[("channels", channels_plugin), ("rules", rules_plugin)])
    village = Village(tmp_path, host, make_config(tmp_path, channels={"jsonl": {"dir": "out"}}))
    village.rows["penduduk"][1]["nik"] = "12345"  # NIK-FORMAT
    run_id = village.store.start_run("sync")
    from sid_connector.sources import VillageRef
    from sid_connector.sync.engine import VillagePull
    from tests.core.fakes import MemorySource

    VillagePull(
        village.store,
        MemorySource({"rows": village.rows, "kode_desa": KODE}),
        "memory",
        VillageRef(KODE, "Menganti"),
        run_id,
    ).run()
    validation = validate_village(village.store, host, KODE, run_id, RuleSettings(ref_date=dt.date(2026, 11, 28)))
    counts = notify_stage(village.config, host, village.store, run_id, {"status": "ok"}, [validation], now=NOON_WIB)
    assert counts["queued"] > 0 and counts["sent"] == counts["queued"] and "error" not in counts
    lines = [json.loads(line) for line in (tmp_path / "out" / "notifications.jsonl").read_text().splitlines()]
    assert any("NIK-FORMAT" in line["text"] for line in lines)
    assert all(not re.search(r"(?<!\d)\d{15,16}(?!\d)", json.dumps(line)) for line in lines)
    village.store.close()
    with Store.open(tmp_path / "store.db") as store:
        assert store.get_state("notify", KODE)["finding_run"] == run_id
