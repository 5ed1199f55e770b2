"""What each OpenDK call means to the relay: check it, keep it in the inbox, start the pipeline, answer.

HTTP lives in :mod:`.app`; this module sees bytes and decoded JSON only, and raises :class:`PushRejected`
for anything it refuses. Answers reuse OpenDK's own success texts, so any OpenDK client (OpenSID, or another
sid-connector's ``opendk`` sink) reads them as success.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from sid_connector_opendk.errors import STOREDATA_OK
from sid_connector_receiver.archive import first_named, open_zip, read_member
from sid_connector_receiver.auth import Gate
from sid_connector_receiver.errors import PushRejected, bad_request
from sid_connector_receiver.inbox import PENDUDUK, Inbox
from sid_connector_receiver.settings import ReceiverSettings, kode_desa
from sid_connector_receiver.source import IDENTITAS
from sid_connector_receiver.tables import check_table_zip
from sid_connector_receiver.workbook import validate_workbook

log = logging.getLogger(__name__)

TABLES: dict[str, str] = {
    "program-bantuan": "Data Bantuan Sedang di Sinkronkan",
    "program-bantuan/peserta": "Data Bantuan Sedang di Sinkronkan",
    "pembangunan": "Proses Sinkronisasi Data Pembangunan OpenSID sedang berjalan",
    "pembangunan/dokumentasi": "Proses Sinkronisasi Data Pembangunan OpenSID sedang berjalan",
}
REPORTS: dict[str, tuple[str, str]] = {
    "laporan-penduduk": ("laporan_penduduk", "Proses sync data Laporan Penduduk OpenSID sedang berjalan"),
    "laporan-apbdes": ("laporan_apbdes", "Proses sync data APBDes OpenSID sedang berjalan"),
}
IDENTITAS_OK = "Proses sinkronisasi identitas desa sudah selesai"
HAPUS_OK = "Proses sync Data Penduduk OpenSID sedang berjalan"
HAPUS = "hapus"


def success(message: str) -> dict[str, Any]:
    return {"status": "success", "message": message}


def _text(value: object, name: str, limit: int, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise bad_request(f"Kolom {name} wajib diisi.", f"{name} kosong")
        return None
    if not isinstance(value, str):
        raise bad_request(f"Kolom {name} harus teks.", f"{name} bukan teks")
    if len(value) > limit:
        raise bad_request(f"Kolom {name} terlalu panjang.", f"{name} > {limit}")
    return value


class Receiver:
    """The relay's intake; ``on_push(kode)`` is told after a resident push is safely in the inbox."""

    def __init__(self, settings: ReceiverSettings, *, on_push: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.limits = settings.limits
        self.gate = Gate(settings)
        self.inbox = Inbox(settings.inbox, keep=settings.keep)
        self.on_push = on_push

    # -- shared -----------------------------------------------------------------------------------------
    def village(self, value: object, auth: str | None, *, field: str = "desa_id") -> str:
        """A known village code from ``value``, for which this token is valid."""
        code = kode_desa(value) if isinstance(value, str | int) else None
        if code is None:
            raise bad_request(f"Kolom {field} harus kode desa PP.KK.CC.DDDD.", f"{field} tidak sah")
        if not self.settings.known(code):
            raise bad_request(
                f"Kode desa {code} tidak dikenal oleh penerima sid-connector ini.", f"desa {code} tidak dikenal"
            )
        self.gate.allow_village(auth, code)
        return code

    # -- calls ------------------------------------------------------------------------------------------
    def storedata(self, auth: str | None, upload: bytes) -> dict[str, Any]:
        """The resident ZIP: its first ``.xlsx`` is checked in staging, then committed as the new snapshot."""
        with open_zip(upload, self.limits, what="ZIP penduduk") as archive:
            name = first_named(archive, (".xlsx",))
            if name is None:
                raise bad_request("Berkas xlsx penduduk tidak ditemukan di dalam ZIP.", "tanpa xlsx")
            workbook = read_member(archive, name, self.limits.max_unzipped, what="ZIP penduduk")
        staged = self.inbox.stage(workbook, ".xlsx")
        try:
            summary = validate_workbook(staged, self.limits)
            code = self.village(summary.kode_desa, auth)
            path = self.inbox.commit(staged, code, PENDUDUK, ".xlsx")
        except BaseException:
            self.inbox.discard(staged)
            raise
        log.info(
            "kiriman penduduk desa %s diterima: %d baris, %d sel berawalan rumus (dinetralkan saat ekspor) → %s",
            code, summary.rows, summary.formula_cells, path.name,
        )  # fmt: skip
        if self.on_push is not None:
            self.on_push(code)
        return {"message": STOREDATA_OK}

    def identitas(self, auth: str | None, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The village profile: kept for the ``opensid-push`` source's identity (website, boundary)."""
        code = self.village(fields.get("kode_desa"), auth, field="kode_desa")
        limit = self.limits.max_body
        record = {
            "kode_desa": code,
            "sebutan_desa": _text(fields.get("sebutan_desa"), "sebutan_desa", 100),
            "website": _text(fields.get("website"), "website", 2000),
            "path": _text(fields.get("path"), "path", limit),
        }
        self.inbox.save(json.dumps(record).encode(), code, IDENTITAS, ".json")
        log.info("identitas desa %s diterima", code)
        return success(IDENTITAS_OK)

    def hapus(self, auth: str | None, payload: Any) -> dict[str, Any]:
        """Deletions OpenSID lists (empty in v2410): recorded only, since the next snapshot reconciles them."""
        items = payload.get("hapus_penduduk") if isinstance(payload, dict) else None
        if not isinstance(items, list):
            raise bad_request("Kolom hapus_penduduk harus berupa daftar.", "hapus_penduduk bukan daftar")
        by_village: dict[str, list[dict[str, Any]]] = {}
        for index, item in enumerate(items[: self.limits.max_rows + 1]):
            if index >= self.limits.max_rows or not isinstance(item, dict):
                raise bad_request(f"Isi hapus_penduduk.{index} tidak sah.", f"hapus_penduduk.{index}")
            code = self.village(item.get("desa_id"), auth, field=f"hapus_penduduk.{index}.desa_id")
            pid = item.get("id_pend_desa")
            text = str(pid).strip() if isinstance(pid, str | int) and not isinstance(pid, bool) else ""
            if not text.isdigit() or len(text) > 18:
                raise bad_request(f"Kolom hapus_penduduk.{index}.id_pend_desa harus angka.", "id_pend_desa")
            foto = _text(item.get("foto"), f"hapus_penduduk.{index}.foto", 255)
            by_village.setdefault(code, []).append({"id_pend_desa": text, "foto": foto})
        for code, rows in by_village.items():
            self.inbox.save(json.dumps({"hapus_penduduk": rows}).encode(), code, HAPUS, ".json")
            log.info(
                "daftar hapus desa %s diterima: %d penduduk (dicatat; penghapusan mengikuti kiriman)", code, len(rows)
            )
        return success(HAPUS_OK)

    def table(self, auth: str | None, kind: str, upload: bytes, desa_id: object) -> dict[str, Any]:
        """Bantuan/pembangunan: the ZIP is checked and kept as received; not pulled into records."""
        code = self.village(desa_id, auth)
        summary = check_table_zip(upload, code, self.limits)
        self.inbox.save(upload, code, kind.replace("/", "-"), ".zip")
        log.info(
            "data %s desa %s diterima: %d baris (%s), disimpan tanpa diolah", kind, code, summary.rows, summary.member
        )
        return success(TABLES[kind])

    def laporan(self, auth: str | None, kind: str, payload: Any) -> dict[str, Any]:
        """Monthly/semester reports (base64 PDFs): checked and kept as received."""
        key, message = REPORTS[kind]
        if not isinstance(payload, dict):
            raise bad_request("Isi permintaan harus objek JSON.", "bukan objek")
        code = self.village(payload.get("desa_id"), auth)
        items = payload.get(key)
        if not isinstance(items, list) or not items:
            raise bad_request(f"Kolom {key} harus daftar yang berisi laporan.", f"{key} kosong")
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise bad_request(f"Isi {key}.{index} tidak sah.", f"{key}.{index}")
            for name in ("id", "judul", "tahun", "file"):
                if item.get(name) in (None, ""):
                    raise bad_request(f"Kolom {key}.{index}.{name} wajib diisi.", f"{key}.{index}.{name}")
            try:
                base64.b64decode(str(item["file"]), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise bad_request(f"Kolom {key}.{index}.file bukan base64 yang sah.", "base64 rusak") from exc
        self.inbox.save(json.dumps(payload).encode(), code, kind, ".json")
        log.info("%s desa %s diterima: %d berkas, disimpan tanpa diolah", kind, code, len(items))
        return success(message)


__all__ = ["HAPUS", "REPORTS", "TABLES", "PushRejected", "Receiver"]
