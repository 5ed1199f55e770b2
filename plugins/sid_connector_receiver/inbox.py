"""The inbox: every accepted push as a file, named by village, kind and time, written atomically.

A file is written to ``.staging`` first, checked there, then renamed into ``<kode>/<kind>/``; a reader
therefore only ever sees complete, validated files, and a crash leaves at most a stray staging file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path

from sid_connector.source_options import file_generation

PENDUDUK = "penduduk"
STAGING = ".staging"


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be opened
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


digest = file_generation  # the snapshot's generation, as every file source computes it


class Inbox:
    """Files under ``root``; ``keep`` is how many files of one village and kind survive pruning."""

    def __init__(self, root: Path, *, keep: int = 10) -> None:
        self.root = Path(root)
        self.keep = keep

    def stage(self, data: bytes, suffix: str) -> Path:
        """Write ``data`` to a private staging file and return its path (not yet visible to readers)."""
        folder = self.root / STAGING
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="push-", suffix=suffix, dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return Path(name)

    @staticmethod
    def discard(staged: Path) -> None:
        staged.unlink(missing_ok=True)

    def commit(self, staged: Path, kode: str, kind: str, suffix: str) -> Path:
        """Move a checked staging file into ``<kode>/<kind>/<UTC time>_<hash>.<suffix>`` atomically."""
        folder = self.root / kode / kind
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder / f"{stamp}_{digest(staged)[:12]}{suffix}"
        os.replace(staged, target)
        _fsync_dir(folder)
        self._prune(folder)
        return target

    def save(self, data: bytes, kode: str, kind: str, suffix: str) -> Path:
        """Stage and commit in one step (for uploads already checked in memory)."""
        return self.commit(self.stage(data, suffix), kode, kind, suffix)

    def files(self, kode: str, kind: str) -> list[Path]:
        """The village's files of ``kind``, oldest first."""
        folder = self.root / kode / kind
        if not folder.is_dir():
            return []
        return sorted(path for path in folder.iterdir() if path.is_file() and not path.name.startswith("."))

    def latest(self, kode: str, kind: str = PENDUDUK) -> Path | None:
        found = self.files(kode, kind)
        return found[-1] if found else None

    def _prune(self, folder: Path) -> None:
        files = sorted(path for path in folder.iterdir() if path.is_file())
        for old in files[: max(0, len(files) - self.keep)]:
            old.unlink(missing_ok=True)
