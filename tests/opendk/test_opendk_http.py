"""sid_connector.http: retry policy, Retry-After, classifier hook and the rate limiter (no real waiting)."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from sid_connector.http import (
    HttpSession,
    HttpStatusError,
    RateLimiter,
    RetryPolicy,
    parse_retry_after,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(*answers: int | Exception, headers: dict[str, str] | None = None):
    calls: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer, json={"ok": answer}, headers=headers or {})

    return httpx.MockTransport(handler), calls


def session(transport: httpx.MockTransport, clock: Clock, **kw) -> HttpSession:
    return HttpSession(
        "http://server.test",
        transport=transport,
        retry=RetryPolicy(attempts=4, backoff_initial=1.0, backoff_max=8.0),
        sleep=clock.sleep,
        **kw,
    )


def test_retries_5xx_and_connection_errors_then_succeeds() -> None:
    clock = Clock()
    transport, calls = scripted(502, httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), 200)
    response = session(transport, clock).request("GET", "/x")
    assert response.status_code == 200
    assert len(calls) == 4
    assert len(clock.sleeps) == 3
    # jittered exponential backoff: grows, bounded by backoff_max + jitter
    assert all(0 < s <= 9.0 for s in clock.sleeps)
    assert clock.sleeps[2] >= 4.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_4xx_never_retried(status: int) -> None:
    clock = Clock()
    transport, calls = scripted(status, 200)
    with pytest.raises(HttpStatusError) as info:
        session(transport, clock).request("POST", "/x")
    assert info.value.status == status
    assert not info.value.retryable
    assert len(calls) == 1
    assert clock.sleeps == []


def test_redirect_is_not_followed() -> None:
    clock = Clock()
    transport, calls = scripted(302, headers={"Location": "/login"})
    with pytest.raises(HttpStatusError):
        session(transport, clock).request("GET", "/x")
    assert len(calls) == 1


def test_429_honours_retry_after_capped() -> None:
    clock = Clock()
    transport, _ = scripted(429, 429, 200, headers={"Retry-After": "7"})
    session(transport, clock).request("GET", "/x")
    assert clock.sleeps == [7.0, 7.0]
    clock2 = Clock()
    transport, _ = scripted(429, 200, headers={"Retry-After": "100000"})
    session(transport, clock2).request("GET", "/x")
    assert clock2.sleeps == [RetryPolicy().retry_after_max]


def test_gives_up_after_attempts() -> None:
    clock = Clock()
    transport, calls = scripted(503, 503, 503, 503, 200)
    with pytest.raises(HttpStatusError) as info:
        session(transport, clock).request("GET", "/x")
    assert info.value.status == 503
    assert info.value.retryable
    assert len(calls) == 4


def test_classifier_can_fail_a_200() -> None:
    clock = Clock()
    transport, calls = scripted(200, 200)

    class Refused(Exception):
        retryable = False
        retry_after = None

    with pytest.raises(Refused):
        session(transport, clock, classifier=lambda r: Refused()).request("GET", "/x")
    assert len(calls) == 1


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= parse_retry_after(date, now=now) <= 31
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("9999", cap=60) == 60


def test_rate_limiter_never_exceeds_budget_in_any_window() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock=clock, sleep=clock.sleep)
    stamps = []
    for i in range(500):
        limiter.acquire()
        stamps.append(clock.now)
        clock.now += 0.05 if i % 7 else 0.0  # bursts of calls, faster than 1/s
    for i, start in enumerate(stamps):
        in_window = [t for t in stamps[i:] if t - start < 60.0 - 1e-6]
        assert len(in_window) <= 60
    # and it waits no more than needed: call 481 opens the 9th window at t = 480 s
    assert 480 <= stamps[-1] - stamps[0] < 8 * 60 + 5


def test_rate_limiter_applies_per_attempt() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    transport, calls = scripted(500, 500, 200)
    s = HttpSession(
        "http://server.test",
        transport=transport,
        retry=RetryPolicy(attempts=3, backoff_initial=0.01, backoff_max=0.01, jitter=0),
        rate_limiter=limiter,
        sleep=clock.sleep,
    )
    s.request("GET", "/x")
    assert len(calls) == 3
    assert clock.now >= 60.0  # the third attempt had to wait for the window


def test_repr_hides_headers() -> None:
    s = HttpSession("http://server.test/", headers={"Authorization": "Bearer sekret"})
    assert "sekret" not in repr(s)
    s.close()
