"""The ``opensid-push`` source: the latest workbook OpenSID pushed for a village, read as a full snapshot.

It is the ``opensid-xlsx`` source over another header (OpenDK's) and another key: OpenSID's resident ``id``
(``id_pend_desa`` upstream), so a record keeps its key when its NIK is corrected and the ``opendk`` sink can
relay by id. Generation = the file's SHA-256, so an interrupted pass over the same push resumes, and a
resident missing from a newer push is deleted by the engine's reconciliation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from sid_connector.models import Desa
from sid_connector.sources import Batch, Check, PullEvent, RawRow, Rejected, SourceError, VillageRef
from sid_connector_opensid_xlsx.source import BATCH_SIZE, OpenSIDWorkbookSource, Scan
from sid_connector_receiver.inbox import Inbox
from sid_connector_receiver.settings import kode_desa
from sid_connector_receiver.workbook import StoredataReader

IDENTITAS = "identitas"


class OpenSIDPushSource(OpenSIDWorkbookSource):
    """Options: ``inbox`` (the receiver's inbox directory), ``kode_desa`` (one code or a list), ``nama_desa``."""

    name: ClassVar[str] = "opensid-push"

    def __init__(self, options: Mapping[str, Any]) -> None:
        if not options.get("inbox"):
            raise SourceError("opsi 'inbox' (direktori kotak masuk penerima) wajib diisi")
        raw = options.get("kode_desa")
        items = raw if isinstance(raw, list | tuple) else [raw]
        codes = [kode_desa(item) for item in items]
        if not codes or any(code is None for code in codes):
            raise SourceError("opsi 'kode_desa' wajib 10 angka (boleh bertitik)")
        self.codes: list[str] = [code for code in codes if code]
        self.inbox = Inbox(Path(str(options["inbox"])).expanduser())
        super().__init__({**options, "path": str(self.inbox.root), "kode_desa": self.codes[0]})

    def villages(self) -> Sequence[VillageRef]:
        return [VillageRef(code, self.nama_desa) for code in self.codes]

    def identity(self, village: VillageRef) -> Desa:
        """Name from the config; website and boundary from the last ``identitas-desa`` push, when there is one."""
        extra: dict[str, Any] = {}
        latest = self.inbox.latest(village.kode_desa, IDENTITAS)
        if latest is not None:
            try:
                sent = json.loads(latest.read_text(encoding="utf-8"))
                extra = {key: sent.get(key) for key in ("website", "path") if isinstance(sent.get(key), str)}
            except (OSError, ValueError, AttributeError):
                extra = {}
        return Desa(kode_desa=village.kode_desa, nama_desa=village.nama_desa or self.nama_desa, **extra)

    def _select(self, village: VillageRef) -> None:
        if village.kode_desa not in self.codes:
            raise SourceError(f"desa {village.kode_desa} tidak dikonfigurasi untuk sumber opensid-push")
        latest = self.inbox.latest(village.kode_desa)
        if latest is None:
            raise SourceError(f"belum ada kiriman data penduduk dari OpenSID untuk desa {village.kode_desa}")
        self.path, self.kode_desa = latest, village.kode_desa

    def pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[PullEvent]:
        self._select(village)
        yield from super().pull(village, state)

    def check(self) -> Sequence[Check]:
        checks: list[Check] = []
        for code in self.codes:
            latest = self.inbox.latest(code)
            message = f"desa {code}: kiriman terakhir {latest.name}" if latest else f"desa {code}: belum ada kiriman"
            checks.append(Check(f"kotak masuk {code}", latest is not None, message, warning=latest is None))
            if latest is not None:
                self.path = latest
                checks.extend(super().check()[1:])
        return checks

    def _open(self) -> StoredataReader:
        return StoredataReader(self.path, max_total=self.max_total, max_ratio=self.max_ratio)

    def _penduduk(self, scan: Scan, generation: str, skip: int) -> Iterator[Batch]:
        """Residents keyed by OpenSID's id; the receiver already refused pushes with missing or doubled ids."""
        rows: list[RawRow] = []
        rejected: list[Rejected] = []
        last = skip
        with self._open() as reader:
            for row in reader.rows():
                if row.number <= skip:
                    continue
                key = (row.values.get("id") or "").strip()
                if not key.isdigit():
                    rejected.append(Rejected("penduduk", f"baris {row.number}", "id", "id penduduk OpenSID kosong"))
                else:
                    self._read_row(row, key, rows, rejected)
                last = row.number
                if len(rows) + len(rejected) >= BATCH_SIZE:
                    yield Batch("penduduk", rows, cursor=self._cursor(generation, last), rejected=rejected)
                    rows, rejected = [], []
        if rows or rejected:
            yield Batch("penduduk", rows, cursor=self._cursor(generation, last), rejected=rejected)
