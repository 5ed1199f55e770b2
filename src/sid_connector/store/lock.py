"""One run at a time per store: an advisory lock on a file beside it.

``flock`` is released by the kernel when the process dies — even by SIGKILL — so a killed run never leaves
a stale lock that blocks the next cron run.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


class LockHeldError(RuntimeError):
    """Another process holds the store's run lock."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"lock {path} held by {holder or 'another process'}")
        self.path = path
        self.holder = holder


class RunLock:
    """``with RunLock(store_path):`` — raises :class:`LockHeldError` at once when another run holds it."""

    def __init__(self, store_path: Path) -> None:
        self.path = Path(f"{store_path}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise LockHeldError(self.path, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
