"""The simulated OpenDK as an ASGI app: the sync API and public read-back, quirks included.

Faithful to OPENDK_API.md where it matters to a client: 60 requests/min on ``/api/v1`` (429 with
``Retry-After``), ``auth:api`` then ``token.registered`` (``Unauthenticated.`` vs ``Token not registered``),
Laravel's ``expectsJson()`` deciding between JSON errors and 302 redirects, Indonesian 422 messages, the
storedata import turning any exception into a 302, and queued "… sedang berjalan" replies. An outer layer
applies injected faults (hang, reset, truncated body, canned answers) before any of that.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sid_connector_opendk.simulator.importer import CHUNK, ImportFailed, read_rows
from sid_connector_opendk.simulator.state import Fault, RequestRecord, SimulatorState

MAX_KB = 5120
Handler = Callable[[Request], Awaitable[Response]]


# -- Laravel behaviours --------------------------------------------------------------------------------


def expects_json(request: Request) -> bool:
    """Laravel's ``expectsJson()``: (XHR and accepts anything) or the first Accept type is JSON."""
    accept = request.headers.get("accept", "")
    first = accept.split(",")[0].split(";")[0].strip().lower()
    wants_json = "/json" in first or "+json" in first
    ajax = request.headers.get("x-requested-with", "") == "XMLHttpRequest"
    return (ajax and first in ("", "*/*", "*")) or wants_json


def _attribute(field: str) -> str:
    return field.replace("_", " ")


def _validation_failed(request: Request, errors: Mapping[str, list[str]]) -> Response:
    """422 in Laravel's shape, or a 302 back when the client did not ask for JSON."""
    if not expects_json(request):
        return RedirectResponse(request.headers.get("referer", "/"), status_code=302)
    messages = [m for ms in errors.values() for m in ms]
    message = messages[0]
    extra = len(messages) - 1
    if extra:
        message += f" (and {extra} more error{'s' if extra > 1 else ''})"
    return JSONResponse({"message": message, "errors": dict(errors)}, status_code=422)


def _msg(rule: str, field: str, **values: Any) -> str:
    text = {
        "required": "{a} wajib diisi.",
        "present": "{a} wajib ada.",
        "string": "{a} harus berupa string.",
        "exists": "{a} yang dipilih tidak valid.",
        "url": "{a} harus berupa URL yang valid.",
        "integer": "{a} harus berupa bilangan bulat.",
        "file": "{a} harus berupa sebuah berkas.",
        "mimes": "{a} harus berupa berkas berjenis: {values}.",
        "max_file": "{a} tidak boleh lebih besar dari {max} kilobita.",
    }[rule]
    attribute = _attribute(field)
    return text.format(a=attribute[:1].upper() + attribute[1:], **values)


async def _payload(request: Request) -> dict[str, Any]:
    """JSON or form body, whichever was sent (OpenDK's FormRequests accept both)."""
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    form = await request.form()
    return {k: v for k, v in form.items()}


# -- the API -------------------------------------------------------------------------------------------


class OpenDKSimulator:
    """Route handlers over one :class:`SimulatorState`."""

    def __init__(self, state: SimulatorState) -> None:
        self.state = state

    def app(self) -> Starlette:
        """The Starlette app with every route this simulator implements."""
        sync = [
            Route("/api/v1/test", self.guard(self.test), methods=["GET"]),
            Route("/api/v1/identitas-desa", self.guard(self.identitas_desa), methods=["POST"]),
            Route("/api/v1/penduduk/storedata", self.guard(self.storedata), methods=["POST"]),
            Route("/api/v1/penduduk", self.guard(self.penduduk_hapus), methods=["POST"]),
        ]
        public = [
            Route("/api/frontend/v1/desa", self.public(self.frontend_desa), methods=["GET"]),
            Route("/api/frontend/v1/statistik-penduduk", self.public(self.frontend_statistik), methods=["GET"]),
        ]
        return Starlette(routes=[*sync, *public, Route("/login", self.login_page, methods=["GET"])])

    # -- middleware: throttle → auth:api → token.registered ------------------------------------------

    def guard(self, handler: Handler) -> Handler:
        """Wrap a sync endpoint in OpenDK's ``api`` group middleware."""

        async def guarded(request: Request) -> Response:
            allowed, remaining, retry_after = self.state.hit("api", self.state.rate_limit)
            limit_headers = {
                "X-RateLimit-Limit": str(self.state.rate_limit),
                "X-RateLimit-Remaining": str(remaining),
            }
            if not allowed:
                headers = {**limit_headers, "Retry-After": str(retry_after)}
                if expects_json(request):
                    return JSONResponse({"message": "Too Many Attempts."}, 429, headers=headers)
                return Response("Too Many Requests", 429, headers=headers, media_type="text/html")
            token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not token or not self.state.jwt_valid(token):
                if not expects_json(request):
                    return RedirectResponse(f"{self.state.base_url}/login", 302, headers=limit_headers)
                return JSONResponse({"message": "Unauthenticated."}, 401, headers=limit_headers)
            if token != self.state.saved_token:
                return JSONResponse({"error": "Token not registered"}, 401, headers=limit_headers)
            response = await handler(request)
            response.headers.update(limit_headers)
            return response

        return guarded

    def public(self, handler: Handler) -> Handler:
        """The ``theme.api`` limiter (120/min) and its own 429 shape (OPENDK_API.md §10)."""

        async def limited(request: Request) -> Response:
            allowed, _remaining, retry_after = self.state.hit("frontend", self.state.frontend_rate_limit)
            if not allowed:
                body = {"errors": {"message": "Terlalu banyak permintaan.", "retry_after": retry_after}}
                return JSONResponse(body, 429, headers={"Retry-After": str(retry_after)})
            return await handler(request)

        return limited

    async def login_page(self, request: Request) -> Response:
        """Where a 302 sends a browser: HTML, never JSON."""
        return Response("<html><body>Login OpenDK</body></html>", media_type="text/html")

    # -- sync endpoints ------------------------------------------------------------------------------

    async def test(self, request: Request) -> Response:
        """``GET /api/v1/test``."""
        return JSONResponse("Welcome to api route")

    async def identitas_desa(self, request: Request) -> Response:
        """``ProfilDesaRequest`` then an update of the existing ``das_data_desa`` row."""
        data = await _payload(request)
        errors: dict[str, list[str]] = {}
        kode = data.get("kode_desa")
        if "kode_desa" not in data:
            errors["kode_desa"] = [_msg("present", "kode_desa")]
        elif not isinstance(kode, str):
            errors["kode_desa"] = [_msg("string", "kode_desa")]
        elif kode not in self.state.desa:
            errors["kode_desa"] = [_msg("exists", "kode_desa")]
        if not data.get("sebutan_desa"):
            errors["sebutan_desa"] = [_msg("required", "sebutan_desa")]
        if "website" in data:
            website = data.get("website")
            if not website:
                errors["website"] = [_msg("required", "website")]
            elif not str(website).startswith(("http://", "https://")):
                errors["website"] = [_msg("url", "website")]
        if not data.get("path"):
            errors["path"] = [_msg("required", "path")]
        elif not isinstance(data.get("path"), str):
            errors["path"] = [_msg("string", "path")]
        if errors:
            return _validation_failed(request, errors)
        with self.state.lock:
            row = self.state.desa[str(kode)]
            row.sebutan_desa = str(data["sebutan_desa"])
            row.path = str(data["path"])
            if data.get("website"):
                row.website = str(data["website"])
        return JSONResponse({"status": "success", "message": "Proses sinkronisasi identitas desa sudah selesai"})

    async def storedata(self, request: Request) -> Response:
        """``file|mimes:zip|max:5120``, then ``SinkronPenduduk``: upsert on (desa_id, id) in 1000-row chunks."""
        form = await request.form(max_files=10, max_fields=100, max_part_size=64 * 1024 * 1024)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            if upload is not None:
                return _validation_failed(request, {"file": [_msg("file", "file")]})
            return JSONResponse({"message": "Server Error"}, 500)
        data = await upload.read()
        errors: dict[str, list[str]] = {}
        if not data.startswith(b"PK\x03\x04"):
            errors.setdefault("file", []).append(_msg("mimes", "file", values="zip"))
        if len(data) / 1024 > MAX_KB:
            errors.setdefault("file", []).append(_msg("max_file", "file", max=MAX_KB))
        if errors:
            return _validation_failed(request, errors)
        try:
            await asyncio.to_thread(self._import, data)
        except ImportFailed as exc:
            self.state.last_import_error = str(exc)
            return RedirectResponse(request.headers.get("referer", f"{self.state.base_url}/"), 302)
        return JSONResponse({"message": "Data Foto Telah Berhasil di Sinkronkan"})

    def _import(self, data: bytes) -> None:
        chunk: list[tuple[int, dict[str, str]]] = []
        for item in read_rows(data):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                self._upsert(chunk)
                chunk = []
        if chunk:
            self._upsert(chunk)

    def _upsert(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        with self.state.lock:
            for number, row in chunk:
                desa_id = row["desa_id"]
                if desa_id not in self.state.desa:
                    raise ImportFailed(
                        f"kode Desa pada baris ke-{number} tidak terdaftar . kode desa yang bermasalah : {desa_id}"
                    )
                try:
                    pid = int(row["id"])
                except ValueError as exc:
                    raise ImportFailed(f"id tidak valid pada baris ke-{number}") from exc
                self.state.residents.setdefault(desa_id, {})[pid] = row

    async def penduduk_hapus(self, request: Request) -> Response:
        """``PendudukRequest`` then a queued ``whereIn desa_id`` + ``whereIn id_pend_desa`` delete."""
        data = await _payload(request)
        items = data.get("hapus_penduduk")
        errors: dict[str, list[str]] = {}
        if not isinstance(items, list):
            items = []
        for index, item in enumerate(items):
            item = item if isinstance(item, dict) else {}
            key = f"hapus_penduduk.{index}"
            if "desa_id" not in item:
                errors[f"{key}.desa_id"] = [_msg("present", f"{key}.desa_id")]
            elif not isinstance(item["desa_id"], str) or item["desa_id"] not in self.state.desa:
                errors[f"{key}.desa_id"] = [_msg("exists", f"{key}.desa_id")]
            value = item.get("id_pend_desa")
            if "id_pend_desa" not in item:
                errors[f"{key}.id_pend_desa"] = [_msg("present", f"{key}.id_pend_desa")]
            elif isinstance(value, bool) or not str(value).lstrip("-").isdigit():
                errors[f"{key}.id_pend_desa"] = [_msg("integer", f"{key}.id_pend_desa")]
        if errors:
            return _validation_failed(request, errors)
        desa_ids = {i["desa_id"] for i in items}
        ids = {int(i["id_pend_desa"]) for i in items}

        def job() -> None:
            with self.state.lock:
                for desa_id in desa_ids:
                    held = self.state.residents.get(desa_id, {})
                    for pid in ids:
                        held.pop(pid, None)

        self.state.enqueue(job)
        return JSONResponse({"status": "success", "message": "Proses sync Data Penduduk OpenSID sedang berjalan"})

    # -- public read-back ----------------------------------------------------------------------------

    async def frontend_desa(self, request: Request) -> Response:
        """``GET /api/frontend/v1/desa``: Fractal's JSON:API-like list of registered villages."""
        with self.state.lock:
            rows = list(self.state.desa.values())
        data = [
            {
                "type": "desa",
                "id": str(n),
                "attributes": {
                    "desa_id": r.desa_id,
                    "kode_desa": r.desa_id,
                    "nama": r.nama,
                    "sebutan_desa": r.sebutan_desa,
                    "website": r.website,
                    "luas_wilayah": r.luas_wilayah,
                    "path": r.path,
                },
            }
            for n, r in enumerate(rows, start=1)
        ]
        page = {"total": len(data), "count": len(data), "per_page": 30, "current_page": 1, "total_pages": 1}
        link = f"{self.state.base_url}/api/frontend/v1/desa?page[number]=1"
        return JSONResponse(
            {"data": data, "meta": {"pagination": page}, "links": {"self": link, "first": link, "last": link}}
        )

    async def frontend_statistik(self, request: Request) -> Response:
        """``GET /api/frontend/v1/statistik-penduduk?desa=…``: counts of living residents (status_dasar 1)."""
        desa = request.query_params.get("desa", "Semua")
        with self.state.lock:
            villages = self.state.residents if desa == "Semua" else {desa: self.state.residents.get(desa, {})}
            alive = [r for rows in villages.values() for r in rows.values() if r.get("status_dasar") == "1"]
        male = sum(1 for r in alive if r.get("jenis_kelamin") == "1")
        female = sum(1 for r in alive if r.get("jenis_kelamin") == "2")
        dashboard = {
            "total_penduduk": len(alive),
            "total_lakilaki": male,
            "total_perempuan": female,
            "total_disabilitas": sum(1 for r in alive if r.get("cacat") not in ("", "7", None)),
        }
        year = request.query_params.get("tahun", "")
        chart = {"penduduk": [{"year": year, "value_lk": male, "value_pr": female}]}
        body = {
            "data": [{"type": "statistik-penduduk", "id": "1", "attributes": {"dashboard": dashboard, "chart": chart}}]
        }
        return JSONResponse(body)


# -- faults and the request log (outermost layer) -------------------------------------------------------


class FaultLayer:
    """Applies queued faults before the app sees a request, and logs every request's outcome."""

    def __init__(self, app: ASGIApp, state: SimulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        _no_delay(send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        fault = self.state.next_fault(scope["path"])
        seen: dict[str, int | None] = {"status": None}
        done = {"logged": False}

        def record() -> None:
            # Logged before the answer leaves, so a test that got the answer always finds the entry.
            if done["logged"]:
                return
            done["logged"] = True
            self.state.log(
                RequestRecord(
                    method=scope["method"],
                    path=scope["path"],
                    status=seen["status"],
                    has_bearer=headers.get("authorization", "").startswith("Bearer "),
                    accept=headers.get("accept", ""),
                    x_requested_with=headers.get("x-requested-with", ""),
                    content_type=headers.get("content-type", "").split(";")[0],
                    fault=fault.kind if fault else None,
                )
            )

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                record()
            await send(message)

        try:
            if fault is None:
                await self.app(scope, receive, logged_send)
            else:
                await self._apply(fault, scope, receive, logged_send, send, record)
        finally:
            record()

    async def _apply(
        self, fault: Fault, scope: Scope, receive: Receive, send: Send, raw_send: Send, record: Callable[[], None]
    ) -> None:
        await _drain(receive)
        if fault.kind == "hang":
            record()  # the client gives up long before the sleep ends
            await asyncio.sleep(fault.seconds)
            response = JSONResponse({"message": "Gateway Timeout"}, 504)
            await response(scope, receive, send)
        elif fault.kind == "reset":
            record()
            _reset(raw_send)
        elif fault.kind == "truncate":
            body = b'{"message":"Data Foto Telah'
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"200")],
                }
            )
            await send({"type": "http.response.body", "body": body, "more_body": True})
            _reset(raw_send, hard=False)
        else:
            content = json.dumps(fault.body).encode() if not isinstance(fault.body, bytes) else fault.body
            response = Response(content, fault.status, headers=dict(fault.headers), media_type="application/json")
            await response(scope, receive, send)


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


def _no_delay(send: Send) -> None:
    """Disable Nagle on the connection: headers and body go out in separate writes, and Nagle plus the
    client's delayed ACK would add ~40 ms to every loopback request."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _reset(send: Send, *, hard: bool = True) -> None:
    """Close the client's connection abruptly (RST when ``hard``), through uvicorn's transport."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionResetError("simulated reset")  # uvicorn then drops the connection
    if hard:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def build_app(state: SimulatorState) -> ASGIApp:
    """The full simulator: fault layer around the OpenDK routes."""
    return FaultLayer(OpenDKSimulator(state).app(), state)
