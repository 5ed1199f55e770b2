"""A small village in a real store, a fake channel that can go down, and a config wired to both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import sid_connector_channels.plugin as channels_plugin
from sid_connector.channels import ChannelError, OutgoingMessage
from sid_connector.config import Config
from sid_connector.hookspecs import hookimpl
from sid_connector.notify import notify_stage
from sid_connector.plugins import PluginHost
from sid_connector.registrations import ChannelPlugin
from sid_connector.rules.model import Finding, Severity
from sid_connector.sources import VillageRef
from sid_connector.store import Store, now
from sid_connector.store.findings import reconcile
from sid_connector.sync.engine import VillagePull
from tests.core.fakes import MemorySource

KODE = "3301022001"
NOON_WIB = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)  # 10:00 Asia/Jakarta
TODAY = dt.date(2026, 11, 28)


class FakeChannel:
    """Records what it accepted; ``down`` makes every send fail as a channel would while offline."""

    name = "fake"
    sent: list[OutgoingMessage] = []  # noqa: RUF012 - shared on purpose: the outbox builds its own instance
    down = False
    reject = False

    def __init__(self, options: Any = None) -> None:
        self.options = options

    def send(self, message: OutgoingMessage) -> None:
        if FakeChannel.down:
            raise ChannelError("device disconnected", retryable=True)
        if FakeChannel.reject:
            raise ChannelError("invalid number", retryable=False)
        FakeChannel.sent.append(message)

    def check(self) -> list[Any]:
        return []

    def close(self) -> None:
        pass


class FakePlugin:
    @hookimpl
    def sid_connector_channels(self) -> list[ChannelPlugin]:
        return [ChannelPlugin(name="fake", factory=FakeChannel)]


@pytest.fixture(autouse=True)
def fake_channel():
    FakeChannel.sent = []
    FakeChannel.down = False
    FakeChannel.reject = False
    return FakeChannel


@pytest.fixture
def host() -> PluginHost:
    return PluginHost.load(installed=False, extra=[("channels", channels_plugin), ("fake", FakePlugin())], strict=True)


def base_rows() -> dict[str, list[dict[str, Any]]]:
    """Two dusun; KRAJAN has a Kadus and an RT head in OpenSID, SIDOREJO has only a Kadus."""
    return {
        "wilayah": [
            {"id": 1, "dusun": "KRAJAN", "rw": "0", "rt": "0", "id_kepala": 10},
            {"id": 2, "dusun": "KRAJAN", "rw": "001", "rt": "001", "id_kepala": 11},
            {"id": 3, "dusun": "SIDOREJO", "rw": "0", "rt": "0", "id_kepala": 20},
            {"id": 4, "dusun": "SIDOREJO", "rw": "001", "rt": "001"},
        ],
        "keluarga": [
            {"id": 100, "no_kk": "3301020101090001", "nik_kepala": 12, "dusun": "KRAJAN", "rw": "001", "rt": "001"},
            {"id": 200, "no_kk": "3301020101090002", "nik_kepala": 21, "dusun": "SIDOREJO", "rw": "001", "rt": "001"},
        ],
        "penduduk": [
            person(10, "SUPARMAN HADI", "3301021507700001", "KRAJAN"),
            person(11, "RT KRAJAN SATU", "3301021507710001", "KRAJAN"),
            person(12, "SITI WAHYUNI", "3301025507800001", "KRAJAN", sex=2, id_kk=100, kk_level=1),
            person(20, "KADUS SIDOREJO", "3301021507720001", "SIDOREJO"),
            person(21, "JOKO SUSILO", "3301021507800002", "SIDOREJO", id_kk=200, kk_level=1),
        ],
        "peristiwa": [],
    }


def person(pid: int, nama: str, nik: str, dusun: str, **extra: Any) -> dict[str, Any]:
    row = {
        "id": pid,
        "nama": nama,
        "nik": nik,
        "sex": 1,
        "status_dasar": 1,
        "tanggallahir": "1980-07-15",
        "dusun": dusun,
        "rw": "001",
        "rt": "001",
    }
    return {**row, **extra}


def make_config(tmp_path: Path, **notify: Any) -> Config:
    settings: dict[str, Any] = {
        "channels": {"fake": {}, "jsonl": {"dir": "out"}},
        "officials": {
            "kasi_pem": {"name": "Budi Santoso", "email": "kasi@desa.id", "whatsapp": "081200000001"},
            "sekdes": {"name": "Sri Lestari", "whatsapp": "081200000002"},
            "operator": {"name": "Operator", "email": "op@desa.id"},
            "kadus": {"KRAJAN": {"whatsapp": "081200000003"}},
        },
        "routing": {"mode": {"finding_error": "immediate", "finding_warning": "immediate", "resolved": "immediate"}},
    }
    for key, value in notify.items():
        settings[key] = value
    config = Config.model_validate({"source": {"name": "memory"}, "store": {"path": "store.db"}, "notify": settings})
    config.path = tmp_path / "sid-connector.toml"
    return config


def finding(
    rule: str,
    key: str,
    severity: str = "ERROR",
    dusun: str | None = "KRAJAN",
    rt: str | None = "001",
    message: str = "",
) -> Finding:
    return Finding(
        rule,
        Severity(severity),
        "penduduk",
        key,
        message or f"Masalah {rule} pada data.",
        f"Problem {rule}.",
        hint="Perbaiki di OpenSID.",
        dusun=dusun,
        rw="001" if rt else None,
        rt=rt,
    )


class Village:
    """Drives runs like ``sync`` does: pull, reconcile findings, notify stage, finish."""

    def __init__(self, tmp_path: Path, host: PluginHost, config: Config) -> None:
        self.rows = base_rows()
        self.host = host
        self.config = config
        self.store = Store.open(tmp_path / "store.db")

    def run(
        self,
        findings: list[Finding] | None = None,
        *,
        at: dt.datetime = NOON_WIB,
        summary: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        run_id = self.store.start_run("sync")
        VillagePull(
            self.store,
            MemorySource({"rows": self.rows, "kode_desa": KODE}),
            "memory",
            VillageRef(KODE, "Menganti"),
            run_id,
        ).run()
        with self.store.transaction() as conn:
            reconcile(conn, village=KODE, run_id=run_id, at=now(), findings=findings or [])
        result = notify_stage(
            self.config, self.host, self.store, run_id, summary or {"status": "ok", "villages": {KODE: {}}}, [], now=at
        )
        self.store.finish_run(run_id, "ok", {"notify": result})
        return result


@pytest.fixture
def village(tmp_path, host):
    made = Village(tmp_path, host, make_config(tmp_path))
    yield made
    made.store.close()


def received(key: str) -> list[OutgoingMessage]:
    """What the fake channel delivered to one person (by key, e.g. ``KADUS:KRAJAN``)."""
    return [m for m in FakeChannel.sent if m.address == key]
