"""Every refusal is a 4xx ``{"message"}`` that stores nothing and is logged; valid side uploads are kept."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sid_connector.report.csv_export import safe_cell
from sid_connector_receiver.app import build_app
from sid_connector_receiver.receiver import Receiver
from sid_connector_receiver.settings import MB, Limits, ReceiverSettings
from tests.receiver.conftest import TOKEN, serving
from tests.receiver.pushes import (
    HEADER,
    KODE,
    XLSX_NAME,
    hapus_request,
    identitas_request,
    laporan_request,
    multipart,
    resident_zip,
    sheet_workbook,
    storedata_request,
    table_csv,
    table_request,
    village_rows,
    workbook,
    zip_of,
)

OTHER = "5306132002"
OTHER_TOKEN = "token-desa-lain-987654321"
LIMITS = Limits(max_body=2 * MB, max_unzipped=8 * MB, max_ratio=100, max_entries=50, max_rows=1000)
ROWS = village_rows(12)


class Intake:
    def __init__(self, base_url: str, receiver: Receiver, pushed: list[str]) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=30)
        self.receiver = receiver
        self.pushed = pushed

    def send(self, request: dict[str, Any]) -> httpx.Response:
        return self.client.request(**request)

    def stored(self) -> list[Path]:
        root = self.receiver.inbox.root
        return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Intake]:
    """One server for the module (start-up costs more than the cases); each test gets it emptied."""
    settings = ReceiverSettings(
        inbox=tmp_path_factory.mktemp("intake") / "inbox",
        token=TOKEN,
        tokens={OTHER: OTHER_TOKEN},
        villages=frozenset({KODE, OTHER}),
        limits=LIMITS,
    )
    pushed: list[str] = []
    receiver = Receiver(settings, on_push=pushed.append)
    with serving(build_app(receiver)) as url:
        world = Intake(url, receiver, pushed)
        yield world
        world.client.close()


@pytest.fixture
def intake(served: Intake) -> Intake:
    shutil.rmtree(served.receiver.inbox.root, ignore_errors=True)
    served.pushed.clear()
    return served


def rows_with(**changes: str) -> list[dict[str, str]]:
    return [{**ROWS[0], **changes}, *ROWS[1:]]


def sheet_xml(cell: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>' + cell + b"</t></is></c></row>"
        b"</sheetData></worksheet>"
    )


def many_entries() -> bytes:
    return zip_of({XLSX_NAME: workbook(ROWS), **{f"foto/kecil_{n}.jpg": b"x" for n in range(60)}})


def no_auth(request: dict[str, Any]) -> dict[str, Any]:
    return {**request, "headers": {k: v for k, v in request["headers"].items() if k != "Authorization"}}


def chunked(size: int) -> dict[str, Any]:
    def body() -> Iterator[bytes]:
        for _ in range(size // 65536 + 1):
            yield b"x" * 65536

    request = storedata_request(TOKEN, b"")
    return {**request, "content": body()}


CASES: dict[str, tuple[Callable[[], dict[str, Any]], int]] = {
    "no token": (lambda: no_auth(storedata_request(TOKEN, resident_zip(ROWS))), 401),
    "wrong token": (lambda: storedata_request("salah", resident_zip(ROWS)), 401),
    "token of another village": (lambda: storedata_request(OTHER_TOKEN, resident_zip(ROWS)), 403),
    "not a zip": (lambda: storedata_request(TOKEN, b"ini bukan zip" * 10), 422),
    "truncated zip": (lambda: storedata_request(TOKEN, resident_zip(ROWS)[:300]), 422),
    "path traversal": (lambda: storedata_request(TOKEN, zip_of({"../../etc/" + XLSX_NAME: workbook(ROWS)})), 422),
    "absolute path": (lambda: storedata_request(TOKEN, zip_of({"/tmp/" + XLSX_NAME: workbook(ROWS)})), 422),
    "zip bomb ratio": (
        lambda: storedata_request(TOKEN, zip_of({XLSX_NAME: workbook(ROWS), "foto/kecil_a.jpg": bytes(3 * MB)})),
        413,
    ),
    "zip bomb size": (lambda: storedata_request(TOKEN, zip_of({XLSX_NAME: bytes(9 * MB)})), 413),
    "too many entries": (lambda: storedata_request(TOKEN, many_entries()), 413),
    "no xlsx inside": (lambda: storedata_request(TOKEN, zip_of({"penduduk.csv": b"a,b"})), 422),
    "xlsx not a package": (lambda: storedata_request(TOKEN, zip_of({XLSX_NAME: b"hello"})), 422),
    "xlsx damaged": (lambda: storedata_request(TOKEN, zip_of({XLSX_NAME: workbook(ROWS)[:-200]})), 422),
    "missing column": (lambda: storedata_request(TOKEN, zip_of({XLSX_NAME: workbook(ROWS, HEADER[:-1])})), 422),
    "header only": (lambda: storedata_request(TOKEN, resident_zip([])), 422),
    "huge cell": (lambda: storedata_request(TOKEN, resident_zip(rows_with(nama="A" * 5000))), 413),
    "invalid utf-8": (
        lambda: storedata_request(TOKEN, zip_of({XLSX_NAME: sheet_workbook(sheet_xml(b"\xff\xfe"))})),
        422,
    ),
    "unknown desa_id": (lambda: storedata_request(TOKEN, resident_zip(rows_with(desa_id="53.06.13.2999"))), 422),
    "two villages": (lambda: storedata_request(TOKEN, resident_zip(rows_with(desa_id="53.06.13.2002"))), 422),
    "duplicate id": (lambda: storedata_request(TOKEN, resident_zip(rows_with(id=ROWS[1]["id"]))), 422),
    "id not a number": (lambda: storedata_request(TOKEN, resident_zip(rows_with(id="x1"))), 422),
    "oversized request": (lambda: storedata_request(TOKEN, bytes(3 * MB)), 413),
    "oversized chunked": (lambda: chunked(3 * MB), 413),
    "no file part": (
        lambda: {**storedata_request(TOKEN, b""), "content": multipart([("x", None, None, b"1")])[0]},
        422,
    ),
    "not multipart": (
        lambda: {**storedata_request(TOKEN, b""), "headers": {"Authorization": f"Bearer {TOKEN}"}, "content": b"x"},
        422,
    ),
    "hapus invalid json": (lambda: {**hapus_request(TOKEN, []), "content": b"{hapus"}, 400),
    "hapus bad id": (
        lambda: hapus_request(TOKEN, [{"desa_id": "53.06.13.2001", "id_pend_desa": "9x", "foto": ""}]),
        422,
    ),
    "hapus unknown desa": (
        lambda: hapus_request(TOKEN, [{"desa_id": "53.06.13.2999", "id_pend_desa": "9", "foto": ""}]),
        422,
    ),
    "identitas unknown desa": (lambda: identitas_request(TOKEN, "53.06.13.2999"), 422),
    "identitas invalid utf-8": (lambda: {**identitas_request(TOKEN), "content": b"kode_desa=%FF%FE"}, 422),
    "bantuan not a zip": (lambda: table_request(TOKEN, "program-bantuan", b"bukan zip"), 422),
    "bantuan no csv": (lambda: table_request(TOKEN, "program-bantuan", zip_of({"a.txt": b"x"})), 422),
    "bantuan invalid utf-8": (
        lambda: table_request(TOKEN, "program-bantuan", zip_of({"a.csv": b"desa_id,id\n\xff\xfe,1\n"})),
        422,
    ),
    "peserta other desa": (
        lambda: table_request(
            TOKEN,
            "program-bantuan/peserta",
            zip_of({"p.csv": table_csv("program-bantuan/peserta", 2, "53.06.13.2002")}),
        ),
        422,
    ),
    "pembangunan unknown desa_id field": (
        lambda: table_request(TOKEN, "pembangunan", zip_of({"p.csv": table_csv("pembangunan")}), "53.06.13.2999"),
        422,
    ),
    "laporan bad base64": (lambda: laporan_request(TOKEN, "laporan-apbdes", "!!bukan base64!!"), 422),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_and_nothing_is_stored(intake, case, caplog):
    caplog.set_level(logging.WARNING, logger="sid_connector_receiver")
    build, status = CASES[case]
    answer = intake.send(build())
    assert answer.status_code == status, answer.text
    assert answer.json()["message"]
    assert intake.stored() == []
    assert intake.pushed == []
    assert "kiriman ditolak" in caplog.text
    assert TOKEN not in caplog.text and OTHER_TOKEN not in caplog.text
    assert not any(row["nomor_nik"] in caplog.text for row in ROWS)


@pytest.mark.parametrize(
    "kind", ["program-bantuan", "program-bantuan/peserta", "pembangunan", "pembangunan/dokumentasi"]
)
def test_side_tables_are_kept_as_received(intake, kind):
    data = zip_of({f"{kind.replace('/', '_')}.csv": table_csv(kind)})
    answer = intake.send(table_request(TOKEN, kind, data))
    assert answer.status_code == 200 and answer.json()["status"] == "success", answer.text
    assert [p.read_bytes() for p in intake.stored()] == [data]
    assert intake.pushed == []  # not pulled into records


@pytest.mark.parametrize("kind", ["laporan-penduduk", "laporan-apbdes"])
def test_reports_are_kept(intake, kind):
    answer = intake.send(laporan_request(TOKEN, kind))
    assert answer.status_code == 200 and answer.json()["status"] == "success"
    assert len(intake.stored()) == 1


def test_identitas_and_empty_delete_list_are_acknowledged(intake):
    assert (
        intake.send({"method": "GET", "url": "/api/v1/test", "headers": {"Authorization": f"Bearer {TOKEN}"}}).json()[
            "message"
        ]
        == "Welcome to api route"
    )
    assert intake.send(identitas_request(TOKEN)).json()["message"] == "Proses sinkronisasi identitas desa sudah selesai"
    assert intake.send(hapus_request(TOKEN, [])).json()["status"] == "success"
    listed = [{"desa_id": "53.06.13.2001", "id_pend_desa": "97", "foto": "name.jpg"}]
    assert intake.send(hapus_request(TOKEN, listed)).status_code == 200
    assert len(intake.stored()) == 2  # identitas + the recorded delete list


def test_formula_cells_are_accepted_and_neutralised_on_export(intake, caplog):
    caplog.set_level(logging.INFO, logger="sid_connector_receiver")
    formula = '=HYPERLINK("http://contoh.invalid","klik")'
    answer = intake.send(storedata_request(TOKEN, resident_zip(rows_with(nama=formula))))
    assert answer.status_code == 200
    assert intake.pushed == [KODE]
    assert "1 sel berawalan rumus" in caplog.text
    assert safe_cell(formula).startswith("'")


def test_village_token_pushes_its_own_village(intake):
    rows = [{**row, "desa_id": "53.06.13.2002"} for row in ROWS]
    assert intake.send(storedata_request(OTHER_TOKEN, resident_zip(rows))).status_code == 200
    assert intake.pushed == [OTHER]


def test_unknown_path_and_method_answer_json(intake):
    assert intake.send({"method": "GET", "url": "/api/v1/tidak-ada"}).json()["message"]
    assert intake.send({"method": "GET", "url": "/api/v1/penduduk/storedata"}).status_code == 405


def test_server_address_with_trailing_slash_still_works(intake):
    url = str(intake.client.base_url).rstrip("/") + "//api/v1/test/"  # as OpenSID joins "http://host/" + "/api…"
    answer = intake.send({"method": "GET", "url": url, "headers": {"Authorization": f"Bearer {TOKEN}"}})
    assert answer.status_code == 200 and answer.json()["message"] == "Welcome to api route"
