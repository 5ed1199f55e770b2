"""The local SQLite store: records, history, runs, sync state, quarantine, outbox and the audit chain."""

from sid_connector.store.db import ENTITIES, Store, now
from sid_connector.store.lock import LockHeldError, RunLock

__all__ = ["ENTITIES", "LockHeldError", "RunLock", "Store", "now"]
