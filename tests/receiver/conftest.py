"""A relay world: a config with an inbox, a store, rules, a jsonl notification channel and the OpenDK simulator."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp

import sid_connector_receiver.plugin as receiver_plugin
from sid_connector.config import Config, dump_toml
from sid_connector.plugins import PluginHost
from sid_connector_opendk.simulator import Simulator, SimulatorState, run_simulator
from sid_connector_receiver.service import Service, create_service
from tests.receiver.pushes import DESA_ID, KODE

TOKEN = "rahasia-desa-0123456789"
FAST_RETRY = {"retry_attempts": 2, "retry_backoff_initial": 0.05, "retry_backoff_max": 0.1, "timeout": 3}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port (real HTTP, as OpenSID's curl meets it)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, http="h11", lifespan="off", log_level="critical", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "receiver did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


def config_data(tmp_path: Path, opendk_url: str, opendk_token: str, **receiver: Any) -> dict[str, Any]:
    return {
        "source": {"name": "opensid-push", "inbox": "inbox", "kode_desa": KODE, "nama_desa": "Menganti"},
        "store": {"path": "store.db"},
        "receiver": {"token": TOKEN, "inbox": "inbox", **receiver},
        "sinks": {"opendk": {"url": opendk_url, "token": opendk_token, "verify": False, **FAST_RETRY}},
        "notify": {
            "channels": {"jsonl": {"dir": "notifikasi"}},
            "officials": {"operator": {"name": "Operator", "email": "op@desa.id"}},
            "routing": {"mode": {"finding_error": "immediate", "finding_warning": "immediate"}},
        },
    }


def write_config(tmp_path: Path, data: dict[str, Any]) -> Config:
    path = tmp_path / "sid-connector.toml"
    path.write_text(dump_toml(data), encoding="utf-8")
    from sid_connector.config import load_config

    return load_config(path)


def plugin_host() -> PluginHost:
    return PluginHost.load(strict=True, extra=[("receiver", receiver_plugin)])


class Relay:
    """The receiver app in front of a store, forwarding to the simulated kecamatan OpenDK."""

    def __init__(self, tmp_path: Path, opendk_url: str, opendk_token: str, **receiver: Any) -> None:
        self.tmp_path = tmp_path
        self.config = write_config(tmp_path, config_data(tmp_path, opendk_url, opendk_token, **receiver))
        self.host = plugin_host()
        self.service: Service = create_service(self.config, self.host)
        self._serving = serving(self.service.app)
        self.client = httpx.Client(base_url=self._serving.__enter__(), timeout=30)

    def send(self, request: dict[str, Any]) -> httpx.Response:
        return self.client.request(**request)

    def settle(self) -> None:
        assert self.service.worker is not None
        assert self.service.worker.wait_idle(timeout=30)

    def close(self) -> None:
        self.client.close()
        self._serving.__exit__(None, None, None)
        self.service.close()


def simulator_state() -> SimulatorState:
    state = SimulatorState()
    state.save_token(state.issue_token())
    state.register_desa(DESA_ID, "Menganti")
    return state


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with run_simulator(simulator_state()) as running:
        yield running


@pytest.fixture
def relay(tmp_path: Path, sim: Simulator) -> Iterator[Relay]:
    assert sim.state.saved_token
    world = Relay(tmp_path, sim.base_url, sim.state.saved_token)
    yield world
    world.close()
