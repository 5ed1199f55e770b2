"""Run the simulator on loopback with uvicorn in a background thread, for tests and demos."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from sid_connector_opendk.simulator.app import build_app
from sid_connector_opendk.simulator.state import SimulatorState


@dataclass(frozen=True, slots=True)
class Simulator:
    """A running simulator: where to reach it, and its state to drive and inspect."""

    base_url: str
    state: SimulatorState


@contextmanager
def run_simulator(
    state: SimulatorState | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[Simulator]:
    """Serve a simulated OpenDK until the ``with`` block ends; ``port=0`` picks a free port."""
    state = state or SimulatorState()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    state.base_url = f"http://{host}:{bound_port}"
    config = uvicorn.Config(
        build_app(state),
        http="h11",
        lifespan="off",
        log_level="critical",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="opendk-sim")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("simulator OpenDK gagal dijalankan")
        time.sleep(0.01)
    try:
        yield Simulator(state.base_url, state)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
