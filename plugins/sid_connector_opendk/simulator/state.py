"""The simulated OpenDK's state: its saved sync token, registered villages, residents, log and faults.

Tests drive and inspect it directly (register a village, save a token, queue faults, read what arrived);
the ASGI app (:mod:`.app`) only reads and writes it under its lock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected failure, applied to the next request (whose path starts with ``path``, if given).

    ``kind``: ``hang`` (sleep ``seconds`` before answering), ``reset`` (TCP reset, no answer),
    ``truncate`` (headers promise more body than is sent), ``respond`` (answer ``status`` with ``body``
    and ``headers`` instead of the real handler).
    """

    kind: str
    status: int = 500
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 2.0
    path: str | None = None

    @classmethod
    def http(cls, status: int, body: Any = None, *, path: str | None = None, **headers: str) -> Fault:
        """Answer ``status`` (default body: Laravel's for that status)."""
        if body is None:
            body = {"message": "Server Error"} if status >= 500 else {"message": f"HTTP {status}"}
        return cls("respond", status, body, tuple(headers.items()), path=path)

    @classmethod
    def danger(cls, message: str = "Proses Sinkronisasi Data gagal. Error : simulasi") -> Fault:
        """HTTP 200 carrying ``"status": "danger"`` (pembangunan/bantuan failure shape)."""
        return cls("respond", 200, {"status": "danger", "message": message})

    @classmethod
    def reset(cls, *, path: str | None = None) -> Fault:
        """Drop the connection with a TCP reset."""
        return cls("reset", path=path)

    @classmethod
    def hang(cls, seconds: float = 2.0, *, path: str | None = None) -> Fault:
        """Say nothing for ``seconds`` (longer than the client's read timeout)."""
        return cls("hang", seconds=seconds, path=path)

    @classmethod
    def truncate(cls, *, path: str | None = None) -> Fault:
        """Send a body shorter than its Content-Length, then close."""
        return cls("truncate", path=path)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as the simulator saw it (never the token itself)."""

    method: str
    path: str
    status: int | None
    has_bearer: bool
    accept: str
    x_requested_with: str
    content_type: str
    fault: str | None = None


@dataclass
class DesaRow:
    """A row of ``das_data_desa``: registered by the kecamatan admin, updated by identitas-desa."""

    desa_id: str
    nama: str
    sebutan_desa: str = "Desa"
    website: str | None = None
    path: str | None = None
    luas_wilayah: str | None = None


@dataclass
class SimulatorState:
    """Everything the simulated server holds. ``clock`` drives the throttle; ``now`` drives JWT expiry."""

    kecamatan_id: str = "53.06.13"
    nama_kecamatan: str = "Simulasi"
    rate_limit: int = 60
    frontend_rate_limit: int = 120
    window: float = 60.0
    queue_mode: str = "sync"  # "deferred": queued jobs wait for run_jobs(), like a real queue worker
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], float] = time.time
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    saved_token: str | None = None
    desa: dict[str, DesaRow] = field(default_factory=dict)
    residents: dict[str, dict[int, dict[str, str]]] = field(default_factory=dict)
    requests: list[RequestRecord] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    jobs: list[Callable[[], None]] = field(default_factory=list)
    last_import_error: str | None = None
    base_url: str = ""
    lock: threading.RLock = field(default_factory=threading.RLock)
    _throttle: dict[str, tuple[float, int]] = field(default_factory=dict)

    # -- set-up helpers for tests --------------------------------------------------------------------

    def issue_token(self, *, days: float = 365, subject: int = 1) -> str:
        """A JWT signed by this server (what "Buat Token Baru" gives); not saved until :meth:`save_token`."""
        issued = int(self.now())
        header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
        payload = _b64(
            json.dumps(
                {"sub": subject, "iat": issued, "exp": issued + int(days * 86400), "jti": secrets.token_hex(8)}
            ).encode()
        )
        signature = _b64(hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}"

    def save_token(self, token: str) -> None:
        """The admin pressed Save: this becomes ``api_key_opendk``."""
        self.saved_token = token

    def register_desa(self, desa_id: str, nama: str, **extra: Any) -> DesaRow:
        """The kecamatan admin registered this village (``das_data_desa``)."""
        row = DesaRow(desa_id, nama, **extra)
        with self.lock:
            self.desa[desa_id] = row
        return row

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each is used once, by the next matching request."""
        with self.lock:
            self.faults.extend(faults)

    def run_jobs(self) -> int:
        """Run queued jobs (``queue_mode="deferred"``), as a queue worker would; return how many ran."""
        with self.lock:
            jobs, self.jobs = self.jobs, []
        for job in jobs:
            job()
        return len(jobs)

    def count(self, desa_id: str) -> int:
        """Residents held for a village."""
        return len(self.residents.get(desa_id, {}))

    # -- used by the app -----------------------------------------------------------------------------

    def jwt_valid(self, token: str) -> bool:
        """Signed by this server and not expired (``auth:api``)."""
        parts = token.split(".")
        if len(parts) != 3:
            return False
        expected = _b64(hmac.new(self.secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, parts[2]):
            return False
        try:
            claims = json.loads(_unb64(parts[1]))
        except ValueError:
            return False
        return isinstance(claims, dict) and float(claims.get("exp", 0)) > self.now()

    def next_fault(self, path: str) -> Fault | None:
        """Pop the first queued fault that applies to ``path``."""
        with self.lock:
            for index, fault in enumerate(self.faults):
                if fault.path is None or path.startswith(fault.path):
                    del self.faults[index]
                    return fault
        return None

    def hit(self, bucket: str, limit: int) -> tuple[bool, int, int]:
        """Laravel's fixed-window throttle: (allowed, remaining, seconds until the window resets)."""
        with self.lock:
            now = self.clock()
            start, hits = self._throttle.get(bucket, (now, 0))
            if now - start >= self.window:
                start, hits = now, 0
            retry_after = max(1, math.ceil(self.window - (now - start)))
            if hits >= limit:
                self._throttle[bucket] = (start, hits)
                return False, 0, retry_after
            hits += 1
            self._throttle[bucket] = (start, hits)
            return True, limit - hits, retry_after

    def enqueue(self, job: Callable[[], None]) -> None:
        """Run ``job`` now (``sync``, OpenDK's default) or keep it for :meth:`run_jobs`."""
        if self.queue_mode == "deferred":
            with self.lock:
                self.jobs.append(job)
        else:
            job()

    def log(self, record: RequestRecord) -> None:
        """Append to the request log."""
        with self.lock:
            self.requests.append(record)
