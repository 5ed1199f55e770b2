"""The OpenDK endpoints OpenSID calls, as a Starlette app: body caps, parsing, JSON answers with ``message``.

Every refusal is a 4xx ``{"message": …}`` (OpenSID shows an empty box for any other shape) and is logged with
its reason, the path and the client address — never the token or a raw NIK. Parsing runs in the thread pool,
so a large workbook does not stall other requests.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sid_connector.privacy import scrub
from sid_connector_receiver.errors import PushRejected, bad_request, too_large
from sid_connector_receiver.receiver import REPORTS, TABLES, Receiver, success

log = logging.getLogger(__name__)
Handler = Callable[[Request], Awaitable[dict[str, Any]]]
WELCOME = "Welcome to api route"


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused (413) as soon as the declared or the received size passes ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise PushRejected(400, "Header Content-Length tidak sah.", f"Content-Length {declared[:20]!r}")
    if declared is not None and int(declared) > limit:
        raise too_large(f"Ukuran kiriman melebihi batas {limit // 1024 // 1024} MB.", f"Content-Length {declared}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(f"Ukuran kiriman melebihi batas {limit // 1024 // 1024} MB.", "badan > batas")
        chunks.append(chunk)
    return b"".join(chunks)


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def multipart(request: Request, body: bytes) -> dict[str, Any]:
    """Fields of a multipart body already read under the cap: files as bytes, the rest as text."""
    if content_type(request) != "multipart/form-data":
        raise bad_request("Kiriman harus berupa multipart/form-data.", f"jenis isi {content_type(request)[:40]!r}")

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=4, max_fields=16, max_part_size=len(body) + 1)
    except Exception as exc:  # HTTPException (MultiPartException) and malformed boundaries alike
        raise bad_request("Isi multipart rusak.", f"multipart rusak: {type(exc).__name__}") from exc
    fields: dict[str, Any] = {}
    try:
        for name, value in form.multi_items():
            fields[name] = await value.read() if isinstance(value, UploadFile) else value
    finally:
        await form.close()
    return fields


def upload(fields: dict[str, Any]) -> bytes:
    """The ``file`` part (OpenSID's filename may carry a relative path; it is never used)."""
    data = fields.get("file")
    if not isinstance(data, bytes):
        raise bad_request("Berkas (kolom file) wajib diunggah.", "tanpa kolom file")
    return data


def decode_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # bad JSON, invalid UTF-8, absurd nesting
        raise PushRejected(400, "Isi permintaan bukan JSON yang sah.", f"JSON rusak: {type(exc).__name__}") from exc


def decode_form(request: Request, body: bytes) -> dict[str, Any]:
    """A urlencoded form (Guzzle's) or JSON, both accepted by OpenDK's identitas-desa."""
    if content_type(request) == "application/json":
        data = decode_json(body)
        if not isinstance(data, dict):
            raise bad_request("Isi permintaan harus objek JSON.", "bukan objek")
        return data
    try:
        text = body.decode("utf-8")
        return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=64, errors="strict"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request("Isi formulir bukan teks UTF-8 yang sah.", f"formulir rusak: {type(exc).__name__}") from exc


def build_app(receiver: Receiver) -> ASGIApp:
    """The ASGI app for ``receiver``."""
    limit = receiver.limits.max_body

    def endpoint(handler: Handler, *, admit: bool = True) -> Callable[[Request], Awaitable[Response]]:
        async def respond(request: Request) -> Response:
            client = request.client.host if request.client else "-"
            try:
                if admit:
                    receiver.gate.admit(request.headers.get("authorization"))
                return JSONResponse(await handler(request))
            except PushRejected as refused:
                log.warning(
                    "kiriman ditolak (%d) %s dari %s: %s",
                    refused.status, request.url.path, client, scrub(refused.reason),
                )  # fmt: skip
                return JSONResponse({"message": refused.message}, status_code=refused.status)

        return respond

    async def test(request: Request) -> dict[str, Any]:
        return success(WELCOME)

    async def identitas(request: Request) -> dict[str, Any]:
        body = await read_body(request, limit)
        auth = request.headers.get("authorization")
        return await run_in_threadpool(receiver.identitas, auth, decode_form(request, body))

    async def storedata(request: Request) -> dict[str, Any]:
        body = await read_body(request, limit)
        data = upload(await multipart(request, body))
        return await run_in_threadpool(receiver.storedata, request.headers.get("authorization"), data)

    async def hapus(request: Request) -> dict[str, Any]:
        body = await read_body(request, limit)
        return await run_in_threadpool(receiver.hapus, request.headers.get("authorization"), decode_json(body))

    def table(kind: str) -> Handler:
        async def handle(request: Request) -> dict[str, Any]:
            fields = await multipart(request, await read_body(request, limit))
            desa_id = fields.get("desa_id")
            auth = request.headers.get("authorization")
            return await run_in_threadpool(receiver.table, auth, kind, upload(fields), desa_id)

        return handle

    def laporan(kind: str) -> Handler:
        async def handle(request: Request) -> dict[str, Any]:
            payload = decode_json(await read_body(request, limit))
            return await run_in_threadpool(receiver.laporan, request.headers.get("authorization"), kind, payload)

        return handle

    routes = [
        Route("/api/v1/test", endpoint(test), methods=["GET"]),
        Route("/api/v1/identitas-desa", endpoint(identitas), methods=["POST"]),
        Route("/api/v1/penduduk/storedata", endpoint(storedata), methods=["POST"]),
        Route("/api/v1/penduduk", endpoint(hapus), methods=["POST"]),
        *(Route(f"/api/v1/{kind}", endpoint(table(kind)), methods=["POST"]) for kind in TABLES),
        *(Route(f"/api/v1/{kind}", endpoint(laporan(kind)), methods=["POST"]) for kind in REPORTS),
    ]
    app = Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_allowed, 500: _failed})
    app.router.redirect_slashes = False  # curl would follow a redirect as a POST without the body
    return CleanPaths(app)


class CleanPaths:
    """``//api/v1/test/`` → ``/api/v1/test``: a server address saved with a trailing slash still works."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = re.sub(r"/{2,}", "/", scope["path"])
            scope = {**scope, "path": path.rstrip("/") or "/"}
        await self.app(scope, receive, send)


async def _not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse({"message": "Alamat API tidak dikenal oleh penerima sid-connector."}, status_code=404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return JSONResponse({"message": "Metode HTTP tidak diizinkan untuk alamat ini."}, status_code=405)


async def _failed(request: Request, exc: Exception) -> Response:
    log.error("kesalahan tak terduga pada %s: %s", request.url.path, scrub(f"{type(exc).__name__}: {exc}"))
    return JSONResponse({"message": "Terjadi kesalahan pada penerima; kiriman tidak disimpan."}, status_code=500)
