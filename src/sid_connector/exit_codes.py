"""Exit codes for cron and scripts (documented in the README)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1  # finished, but rows were quarantined, findings are open, or a guard stopped a step
    USAGE = 2  # usage or configuration error
    UNREACHABLE = 3  # a source or sink could not be reached
    LOCKED = 4  # another run holds the store's lock
