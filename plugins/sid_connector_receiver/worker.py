"""Runs the pipeline for received pushes in one background thread, so OpenSID gets its answer at once.

One run at a time (``run_sync`` holds the store's lock anyway); a village pushed again while it waits is
queued once, since the run reads the latest inbox file. If another process (a cron ``sync``) holds the lock,
the village is retried after a pause instead of being dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sid_connector.config import Config
from sid_connector.plugins import PluginHost
from sid_connector.privacy import scrub
from sid_connector.store import LockHeldError
from sid_connector.sync.run import RunOutcome, run_sync

log = logging.getLogger(__name__)
SOURCE_NAME = "opensid-push"


def push_config(base: Config, inbox: str, kode: str) -> Config:
    """The server's config with ``[source]`` replaced by the inbox snapshot of one village."""
    data: dict[str, Any] = base.model_dump()
    nama = base.source.model_extra.get("nama_desa") if base.source.name == SOURCE_NAME else None
    data["source"] = {"name": SOURCE_NAME, "inbox": inbox, "kode_desa": kode, **({"nama_desa": nama} if nama else {})}
    config = Config.model_validate(data)
    config.path = base.path
    return config


class PipelineWorker:
    """A queue of village codes drained by one daemon thread calling ``run``."""

    def __init__(
        self,
        run: Callable[[str], RunOutcome],
        *,
        retry_after: float = 5.0,
    ) -> None:
        self._run = run
        self._retry_after = retry_after
        self._pending: list[str] = []
        self._busy = False
        self._cond = threading.Condition()
        self._stopped = False
        self.outcomes: list[RunOutcome] = []
        self._thread = threading.Thread(target=self._loop, name="receiver-pipeline", daemon=True)
        self._thread.start()

    @classmethod
    def for_config(cls, config: Config, host: PluginHost, inbox: str, **kwargs: Any) -> PipelineWorker:
        def run(kode: str) -> RunOutcome:
            return run_sync(push_config(config, inbox, kode), host, command="receive")

        return cls(run, **kwargs)

    def submit(self, kode: str) -> None:
        """Ask for a run for ``kode`` (no-op when one is already waiting)."""
        with self._cond:
            if kode not in self._pending:
                self._pending.append(kode)
            self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                kode = self._pending.pop(0)
                self._busy = True
            try:
                self._one(kode)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _one(self, kode: str) -> None:
        try:
            outcome = self._run(kode)
        except LockHeldError:
            log.info(
                "basis data sedang dipakai proses lain; desa %s dicoba lagi dalam %.0f detik", kode, self._retry_after
            )
            time.sleep(self._retry_after)
            self.submit(kode)
            return
        except Exception as error:  # a bug must not kill the worker: later pushes still need a run
            log.error("pipeline desa %s gagal: %s", kode, scrub(f"{type(error).__name__}: {error}"))
            return
        self.outcomes.append(outcome)
        log.info(
            "pipeline desa %s selesai: run #%s %s%s",
            kode,
            outcome.run_id,
            outcome.status,
            f" ({scrub(outcome.message)})" if outcome.message else "",
        )

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is queued or running (tests, graceful shutdown); ``False`` on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
