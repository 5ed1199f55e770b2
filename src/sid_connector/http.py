"""The one place where httpx and tenacity are configured: timeouts, retries, Retry-After and rate limiting.

Every sink and channel talks HTTP through :class:`HttpSession`, so a village on a weak link gets the same
patient, bounded behaviour everywhere: jittered exponential backoff on connection errors, timeouts, 429 and
5xx; ``Retry-After`` honoured (seconds or HTTP-date, capped); other 4xx never retried; and a client-side
budget of N requests per minute so a run never trips the server's throttle. The module knows no server:
callers pass a *classifier* that can turn any response (even a 200) into an exception of their own.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import tenacity

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], None]

RETRYABLE_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)
"""Transport failures worth another try: the request may never have reached the server, or its answer was lost."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Explicit timeouts; OpenSID's own sender had none and hung for minutes (KNOWN_PROBLEMS §7)."""

    connect: float = 10.0
    read: float = 120.0
    write: float = 120.0
    pool: float = 10.0

    def to_httpx(self) -> httpx.Timeout:
        """The same values as httpx wants them."""
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: total attempts, backoff shape and the cap on a server's ``Retry-After``."""

    attempts: int = 5
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    jitter: float = 1.0
    retry_after_max: float = 300.0


class RetryableFailure(Protocol):
    """What a classifier's exception may carry: whether to retry, and how long the server asked to wait."""

    retryable: bool
    retry_after: float | None


class HttpStatusError(Exception):
    """The default classifier's failure: a status the caller did not expect (no body, no headers in text)."""

    def __init__(self, status: int, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


Classifier = Callable[[httpx.Response], Exception | None]
"""Returns ``None`` for success, else the exception to raise (retried when its ``retryable`` is true)."""


def is_retryable_status(status: int) -> bool:
    """429 and every 5xx are transient; any other status is an answer to report, not to repeat."""
    return status == 429 or 500 <= status <= 599


def parse_retry_after(value: str | None, *, now: float | None = None, cap: float = 300.0) -> float | None:
    """``Retry-After`` as seconds to wait: a number, or an HTTP-date; ``None`` when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, min(seconds, cap))


def default_classifier(response: httpx.Response) -> Exception | None:
    """2xx is success; 429/5xx are retryable failures; anything else (3xx, 4xx) fails at once."""
    if response.is_success:
        return None
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return HttpStatusError(
        response.status_code, retryable=is_retryable_status(response.status_code), retry_after=retry_after
    )


class RateLimiter:
    """At most ``per_minute`` acquisitions in any sliding 60-second window; thread-safe.

    Shared by everything that talks to one server, so a sink plus a notification channel together stay
    under the budget. ``clock`` and ``sleep`` are injectable so tests run without waiting.
    """

    def __init__(
        self,
        per_minute: int = 60,
        *,
        window: float = 60.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a request may go out; return how long it waited."""
        waited = 0.0
        with self._lock:
            not_before = float("-inf")
            while True:
                now = self._clock()
                while self._stamps and now - self._stamps[0] >= self.window:
                    self._stamps.popleft()
                if len(self._stamps) < self.per_minute:
                    self._stamps.append(max(now, not_before))
                    return waited
                delay = self.window - (now - self._stamps[0])
                self._sleep(delay)
                waited += delay
                # The oldest stamp has left the window by construction; popping it here (rather than
                # re-comparing floats) means a clock that lags by rounding cannot spin this loop forever.
                not_before = self._stamps.popleft() + self.window

    def __repr__(self) -> str:
        return f"RateLimiter(per_minute={self.per_minute})"


@dataclass(slots=True)
class _Wait:
    """Tenacity wait: the server's ``Retry-After`` when it gave one, else jittered exponential backoff."""

    policy: RetryPolicy
    backoff: tenacity.wait.wait_base = field(init=False)

    def __post_init__(self) -> None:
        self.backoff = tenacity.wait_exponential(
            multiplier=self.policy.backoff_initial, max=self.policy.backoff_max
        ) + tenacity.wait_random(0, self.policy.jitter)

    def __call__(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(retry_after, int | float):
            return min(float(retry_after), self.policy.retry_after_max)
        return self.backoff(state)


def _should_retry(exc: BaseException) -> bool:
    if isinstance(exc, RETRYABLE_TRANSPORT_ERRORS):
        return True
    return bool(getattr(exc, "retryable", False))


class HttpSession:
    """An ``httpx.Client`` plus the retry policy, the rate limiter and a response classifier.

    ``request()`` returns the response the classifier accepted, or raises: the classifier's exception, or
    the last ``httpx.TransportError`` once retries are spent. Header values (tokens) are never logged and
    never part of ``repr``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        classifier: Classifier = default_classifier,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.rate_limiter = rate_limiter
        self.classifier = classifier
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=dict(headers or {}),
            timeout=(timeouts or Timeouts()).to_httpx(),
            follow_redirects=False,  # a redirect is an answer (OpenDK: "go to /login"), never followed
            transport=transport,
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        classifier: Classifier | None = None,
        retry: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one logical request, retrying transient failures; ``kwargs`` go to ``httpx.Client.request``."""
        policy = retry or self.retry
        classify = classifier or self.classifier
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, policy.attempts)),
            wait=_Wait(policy),
            retry=tenacity.retry_if_exception(_should_retry),
            sleep=self._sleep,
            reraise=True,
            before_sleep=self._log_retry(method, url),
        )
        return retrying(self._attempt, method, url, classify, kwargs)

    def _attempt(self, method: str, url: str, classify: Classifier, kwargs: Mapping[str, Any]) -> httpx.Response:
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()
        started = time.monotonic()
        response = self._client.request(method, url, **kwargs)
        log.debug(
            "%s %s → %s (%.2fs, %d B)",
            method,
            url,
            response.status_code,
            time.monotonic() - started,
            len(response.content),
        )
        failure = classify(response)
        if failure is not None:
            raise failure
        return response

    @staticmethod
    def _log_retry(method: str, url: str) -> Callable[[tenacity.RetryCallState], None]:
        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            reason = getattr(exc, "kind", None) or type(exc).__name__
            status = getattr(exc, "status", None)
            log.warning(
                "%s %s gagal (percobaan %d): %s%s; coba lagi dalam %.1f detik",
                method,
                url,
                state.attempt_number,
                reason,
                f" HTTP {status}" if status else "",
                wait,
            )

        return before_sleep

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HttpSession(base_url={self.base_url!r})"
