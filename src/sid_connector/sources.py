"""What a source adapter gives the engine: batches of raw rows, key sets and checkpoints.

A source knows one outside system (an OpenSID database, a workbook, a push received over HTTP); the engine
knows none. The source yields *events*; the engine validates rows into canonical records, writes them and
the source's cursor in one transaction, and finds deletions. So a source never touches the store, and a
killed pull resumes from the last cursor the store holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from sid_connector.models import Desa

JSONDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as read, before validation.

    ``key`` identifies the record within its entity for this village (OpenSID's id where the source has it);
    ``ref`` is how a person finds the row again ("baris 12", "id 345") and is used in error messages.
    """

    key: str
    ref: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row the source itself could not read; it is quarantined with its reason, and the pull goes on."""

    entity: str
    ref: str
    field: str
    reason: str
    data: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None  # when known, the stored record under this key is kept, not deleted


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows of one entity, plus the cursor that holds once they are stored.

    ``cursor`` is the source's own state (plain JSON). The engine commits rows and cursor together; on the
    next pull the source receives the latest committed cursor and continues from it.
    """

    entity: str
    rows: Sequence[RawRow]
    cursor: JSONDict | None = None
    rejected: Sequence[Rejected] = ()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Start of a complete pass over an entity: every record not seen before its ``SnapshotEnd`` is deleted.

    ``generation`` lets a killed pass resume: the same value on the next pull continues the same pass
    (records already seen keep counting as seen); a new value starts a new pass.
    """

    entity: str
    generation: str
    expected: int | None = None  # rows the pass will read, when the source knows (for progress bars)


@dataclass(frozen=True, slots=True)
class SnapshotEnd:
    """End of a complete pass: records of ``entity`` not seen since its ``Snapshot`` are deleted."""

    entity: str
    cursor: JSONDict | None = None


@dataclass(frozen=True, slots=True)
class KeySet:
    """All keys that exist now (an incremental source reads ids only): stored keys not in it are deleted."""

    entity: str
    keys: Sequence[str]
    cursor: JSONDict | None = None


@dataclass(frozen=True, slots=True)
class ReadStats:
    """What the source read from its system, for the run summary (rows, id lists, queries)."""

    counts: Mapping[str, int]


PullEvent = Batch | Snapshot | SnapshotEnd | KeySet | ReadStats


@dataclass(frozen=True, slots=True)
class VillageRef:
    """Which village a pull is for; ``kode_desa`` is the 10-digit Kemendagri code without dots."""

    kode_desa: str
    nama_desa: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """One line of ``sid-connector doctor``."""

    name: str
    ok: bool
    message: str
    warning: bool = False


class SourceError(Exception):
    """The source cannot be read at all (unreachable, missing file, wrong format): exit code 3 or 2."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


@runtime_checkable
class Source(Protocol):
    """A source adapter. Register its class through the ``sid_connector_sources`` hook.

    ``options`` is the ``[source]`` table of the config (secrets already resolved from the environment).
    """

    name: ClassVar[str]

    def villages(self) -> Sequence[VillageRef]:
        """The villages this source configuration covers (one, or several of a gabungan database)."""
        ...

    def identity(self, village: VillageRef) -> Desa:
        """The village's identity record (OpenSID ``config``)."""
        ...

    def pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[PullEvent]:
        """Yield the village's data; ``state`` is the last committed cursor (empty on the first pull)."""
        ...

    def check(self) -> Sequence[Check]:
        """Checks for ``doctor``: reachable, readable, the village exists."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


@runtime_checkable
class DemoWriter(Protocol):
    """Optional on a source class: write a synthetic village where this source reads from, for ``demo``."""

    @classmethod
    def write_demo(cls, village: Any, target: Mapping[str, Any]) -> JSONDict:
        """Write ``village`` (a ``sid_connector.synth.SyntheticVillage``); return the ``[source]`` options."""
        ...
