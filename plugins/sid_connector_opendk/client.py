"""A typed client for OpenDK's sync API, per OPENDK_API.md — quirks included.

Every sync call carries ``Authorization: Bearer``, ``Accept: application/json`` and ``X-Requested-With``
(without them Laravel answers failures with a 302 to /login). Every answer is classified by
:mod:`.errors`, so a caller sees either a :class:`Reply` or one :class:`OpenDKError`. Endpoints live in a
table: program bantuan, pembangunan, laporan and pesan become one-line methods later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from sid_connector.http import HttpSession, RateLimiter, RetryPolicy, Sleep, Timeouts
from sid_connector.models import Desa
from sid_connector.privacy import scrub
from sid_connector_opendk.desa_id import format_desa_id
from sid_connector_opendk.errors import Action, Context, Expect, OpenDKError, classify_exception, classify_response
from sid_connector_opendk.packaging import PackagingError, ZipPart, validate_zip
from sid_connector_opendk.token import SecretToken, expiry_warning

log = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT = 50  # OpenDK throttles at 60/min for the whole api group; keep a margin (§6)
DELETE_BATCH = 1000
_ONCE = RetryPolicy(attempts=1)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One OpenDK route: how to call it and what its success looks like."""

    method: str
    path: str
    expect: Expect
    auth: bool = True
    idempotent: bool = True  # False: sent once, never retried (a repeated pesan is a duplicate message)


ENDPOINTS: dict[str, Endpoint] = {
    "test": Endpoint("GET", "/api/v1/test", Expect.WELCOME),
    "identitas_desa": Endpoint("POST", "/api/v1/identitas-desa", Expect.STATUS_SUCCESS),
    "penduduk_storedata": Endpoint("POST", "/api/v1/penduduk/storedata", Expect.STOREDATA),
    "penduduk_hapus": Endpoint("POST", "/api/v1/penduduk", Expect.STATUS_SUCCESS),
    "program_bantuan": Endpoint("POST", "/api/v1/program-bantuan", Expect.STATUS_SUCCESS),
    "program_bantuan_peserta": Endpoint("POST", "/api/v1/program-bantuan/peserta", Expect.STATUS_SUCCESS),
    "pembangunan": Endpoint("POST", "/api/v1/pembangunan", Expect.STATUS_SUCCESS),
    "pembangunan_dokumentasi": Endpoint("POST", "/api/v1/pembangunan/dokumentasi", Expect.STATUS_SUCCESS),
    "laporan_penduduk": Endpoint("POST", "/api/v1/laporan-penduduk", Expect.STATUS_SUCCESS),
    "laporan_apbdes": Endpoint("POST", "/api/v1/laporan-apbdes", Expect.STATUS_SUCCESS),
    "pesan": Endpoint("POST", "/api/v1/pesan", Expect.STATUS_TRUE, idempotent=False),
    "pesan_getpesan": Endpoint("POST", "/api/v1/pesan/getpesan", Expect.STATUS_TRUE),
    "frontend_desa": Endpoint("GET", "/api/frontend/v1/desa", Expect.JSON_DATA, auth=False),
    "frontend_statistik_penduduk": Endpoint("GET", "/api/frontend/v1/statistik-penduduk", Expect.JSON_DATA, auth=False),
}
"""Name → route. The first four plus the read-back pair have methods; the rest await their sinks."""


@dataclass(frozen=True, slots=True)
class Reply:
    """An accepted answer: keep ``status`` and ``body`` in the sink's journal (KNOWN_PROBLEMS §2)."""

    endpoint: str
    status: int
    body: Any
    text: str

    @property
    def message(self) -> str | None:
        """The server's ``message``, when it sent one."""
        return self.body.get("message") if isinstance(self.body, Mapping) else None


_NON_DIGIT = re.compile(r"\D")


def normalize_desa_id(value: str | int | None) -> str:
    """Any spelling of a 10-digit village code → ``PP.KK.CC.DDDD`` (OpenSID's ``kode_wilayah()``)."""
    dotted = format_desa_id(value)
    if dotted is None:
        raise OpenDKError(
            "desa_id_invalid",
            f"Kode desa {value!r} tidak sah: harus 10 angka (PP.KK.CC.DDDD).",
            f"Village code {value!r} is invalid: it must have 10 digits (PP.KK.CC.DDDD).",
            action=Action.CONFIG,
        )
    return dotted


def normalize_kecamatan_id(value: str | int) -> str:
    """A 6-digit kecamatan code → ``PP.KK.CC`` (the first 8 characters of every desa_id it holds)."""
    digits = _NON_DIGIT.sub("", str(value))
    if len(digits) != 6:
        raise ValueError(f"kode kecamatan harus 6 angka: {value!r}")
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"


class OpenDKClient:
    """One OpenDK server, one sync token. Thread-compatible; share its rate limiter with other callers."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: Timeouts | float | None = None,
        rate_limit: int | RateLimiter = DEFAULT_RATE_LIMIT,
        kecamatan_id: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = SecretToken(token)
        self.kecamatan_id = normalize_kecamatan_id(kecamatan_id) if kecamatan_id else None
        if isinstance(timeout, int | float):
            timeout = Timeouts(connect=min(10.0, float(timeout)), read=float(timeout), write=float(timeout))
        limiter = rate_limit if isinstance(rate_limit, RateLimiter) else RateLimiter(rate_limit)
        options: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        self._http = HttpSession(
            self.base_url,
            headers={"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"},
            timeouts=timeout or Timeouts(),
            retry=retry,
            rate_limiter=limiter,
            transport=transport,
            **options,
        )

    # -- the sync calls, in the order OPENDK_API.md §7 requires ------------------------------------------

    def test(self) -> Reply:
        """``GET /api/v1/test``: the token is valid and is the one saved in OpenDK."""
        return self.call("test")

    def identitas_desa(self, desa: Desa, *, sebutan_desa: str = "Desa") -> Reply:
        """``POST /api/v1/identitas-desa``: the registration preflight (422 on ``kode_desa`` = unregistered)."""
        desa_id = self._desa_id(desa.kode_desa)
        payload: dict[str, Any] = {"kode_desa": desa_id, "sebutan_desa": sebutan_desa}
        if desa.website:
            payload["website"] = desa.website
        if desa.path:
            payload["path"] = desa.path
        return self.call("identitas_desa", desa_id=desa_id, nama_desa=desa.nama_desa, json=payload)

    def penduduk_storedata(self, zip_file: bytes | ZipPart, desa_id: str) -> Reply:
        """``POST /api/v1/penduduk/storedata`` with one ZIP, validated locally first (KNOWN_PROBLEMS §2)."""
        desa_id = self._desa_id(desa_id)
        data = bytes(zip_file)
        try:
            summary = validate_zip(data, desa_id)
        except PackagingError as exc:
            raise OpenDKError("invalid_zip", exc.message_id, exc.message_en, action=Action.FAIL) from exc
        name = f"penduduk_{desa_id.replace('.', '')}_{summary.rows}.zip"
        return self.call(
            "penduduk_storedata",
            desa_id=desa_id,
            files={"file": (name, data, "application/zip")},
        )

    def penduduk_hapus(
        self, desa_id: str, ids: Iterable[int], *, foto: Mapping[int, str | None] | None = None
    ) -> list[Reply]:
        """``POST /api/v1/penduduk``: delete these OpenSID resident ids (queued server-side), in batches."""
        desa_id = self._desa_id(desa_id)
        foto = foto or {}
        rows = [{"desa_id": desa_id, "id_pend_desa": int(pid), "foto": foto.get(int(pid))} for pid in ids]
        replies = []
        for start in range(0, len(rows), DELETE_BATCH):
            batch = rows[start : start + DELETE_BATCH]
            replies.append(self.call("penduduk_hapus", desa_id=desa_id, json={"hapus_penduduk": batch}))
        return replies

    # -- public read-back (no auth): verification after a push (OPENDK_API.md §9, §10) -----------------

    def frontend_desa(self, **params: Any) -> Reply:
        """``GET /api/frontend/v1/desa``: the villages the kecamatan has registered."""
        return self.call("frontend_desa", params=params or None)

    def frontend_statistik_penduduk(self, desa_id: str | None = None, tahun: int | None = None) -> Reply:
        """``GET /api/frontend/v1/statistik-penduduk``: aggregate counts (all villages, or one)."""
        params: dict[str, Any] = {}
        if desa_id:
            params["desa"] = self._desa_id(desa_id)
        if tahun:
            params["tahun"] = tahun
        return self.call("frontend_statistik_penduduk", params=params or None)

    # -- token ---------------------------------------------------------------------------------------

    def token_warning(self, lang: str = "id") -> str | None:
        """A warning when the sync token expires within 30 days (KNOWN_PROBLEMS §1); never refreshes it."""
        pair = expiry_warning(self._token.expires_at())
        if pair is None:
            return None
        return pair[1] if lang == "en" else pair[0]

    # -- the generic call ----------------------------------------------------------------------------

    def call(self, name: str, *, desa_id: str | None = None, nama_desa: str | None = None, **kwargs: Any) -> Reply:
        """Send the endpoint ``name`` of :data:`ENDPOINTS`; ``kwargs`` go to httpx (json, files, params)."""
        endpoint = ENDPOINTS[name]
        ctx = Context(
            server=self.base_url,
            endpoint=endpoint.path,
            desa_id=desa_id,
            nama_desa=nama_desa,
            redact=self._token.redact,
        )
        if endpoint.auth and self._token.empty:
            raise OpenDKError(
                "token_missing",
                "Token sinkronisasi OpenDK belum diisi. Minta admin kecamatan token sinkronisasi (api_key_opendk).",
                "The OpenDK sync token is not configured. Ask the kecamatan admin for the sync token (api_key_opendk).",
                action=Action.REAUTH,
            )
        headers = {"Authorization": self._token.bearer()} if endpoint.auth else {}
        try:
            response = self._http.request(
                endpoint.method,
                endpoint.path,
                headers=headers,
                classifier=lambda r: classify_response(r, endpoint.expect, ctx),
                retry=None if endpoint.idempotent else _ONCE,
                **kwargs,
            )
        except OpenDKError as exc:
            log.warning("OpenDK %s %s: %s [%s]", endpoint.method, endpoint.path, exc.message_id, exc.kind)
            raise
        except httpx.TransportError as exc:
            error = classify_exception(exc, ctx)
            log.warning("OpenDK %s %s: %s [%s]", endpoint.method, endpoint.path, error.message_id, error.kind)
            raise error from exc
        reply = _reply(name, response)
        log.info(
            "OpenDK %s %s → %s %s",
            endpoint.method,
            endpoint.path,
            reply.status,
            self._token.redact(scrub(reply.text[:300])),
        )
        return reply

    def _desa_id(self, value: str | int | None) -> str:
        desa_id = normalize_desa_id(value)
        if self.kecamatan_id and not desa_id.startswith(self.kecamatan_id + "."):
            raise OpenDKError(
                "desa_outside_kecamatan",
                f"Kode desa {desa_id} tidak berada di kecamatan {self.kecamatan_id} milik server ini.",
                f"Village code {desa_id} is not inside this server's kecamatan {self.kecamatan_id}.",
                action=Action.CONFIG,
            )
        return desa_id

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> OpenDKClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"OpenDKClient(base_url={self.base_url!r}, token=***)"


def _reply(name: str, response: httpx.Response) -> Reply:
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return Reply(name, response.status_code, body, response.text)
