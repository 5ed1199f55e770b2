"""Fixtures: a fresh simulated OpenDK per test, and a client wired to it with a recorded, instant sleep."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # opendk_factory, also under --import-mode=importlib

from opendk_factory import DESA_ID

from sid_connector.http import RetryPolicy, Timeouts
from sid_connector_opendk.client import OpenDKClient
from sid_connector_opendk.simulator import Simulator, SimulatorState, run_simulator


class FakeClock:
    """A monotonic clock that only moves when a sleep is requested: retries and throttles without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> Iterator[Simulator]:
    state = SimulatorState(clock=clock)
    with run_simulator(state) as running:
        token = state.issue_token()
        state.save_token(token)
        state.register_desa(DESA_ID, "Senggigi")
        yield running


@pytest.fixture
def token(sim: Simulator) -> str:
    assert sim.state.saved_token
    return sim.state.saved_token


@pytest.fixture
def make_client(sim: Simulator, token: str, clock: FakeClock) -> Iterator[Callable[..., OpenDKClient]]:
    clients: list[OpenDKClient] = []

    def make(tok: str | None = None, *, attempts: int = 4, read: float = 5.0, **kw: object) -> OpenDKClient:
        from sid_connector.http import RateLimiter

        client = OpenDKClient(
            kw.pop("base_url", sim.base_url),  # type: ignore[arg-type]
            token if tok is None else tok,
            timeout=Timeouts(connect=2.0, read=read, write=5.0, pool=2.0),
            retry=RetryPolicy(attempts=attempts, backoff_initial=0.5, backoff_max=4.0),
            rate_limit=RateLimiter(kw.pop("per_minute", 50), clock=clock, sleep=clock.sleep),  # type: ignore[arg-type]
            sleep=clock.sleep,
            **kw,  # type: ignore[arg-type]
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every logger at DEBUG (httpx and httpcore included)."""
    caplog.set_level(logging.DEBUG)
    return caplog
