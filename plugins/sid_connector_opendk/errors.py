"""Every way an OpenDK call can fail, classified in ONE table (OPENDK_API.md §2, §4; KNOWN_PROBLEMS §1, 2, 6, 7).

OpenDK answers inconsistently per endpoint (a 302 for an import error, a 200 carrying ``"status": "danger"``,
a bare JSON string on 400), and OpenSID's own sender misread most of these. Here each case is one row: what
it looks like, what to do (retry, fail, re-authenticate, fix the configuration) and what to tell the
operator, in Bahasa Indonesia first and English second. Rows are tried in order; the first match wins.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

from sid_connector.http import RETRYABLE_TRANSPORT_ERRORS, parse_retry_after
from sid_connector.privacy import scrub


class Action(StrEnum):
    """What the caller should do about a failure."""

    RETRY = "retry"  # transient: the HTTP layer retries, then the run resumes later
    FAIL = "fail"  # the data or the request was refused: report, do not repeat unchanged
    REAUTH = "reauth"  # the sync token is wrong: a person must fix it in OpenDK / the config
    CONFIG = "config"  # the connector is pointed or configured wrongly


class Expect(StrEnum):
    """The success shape an endpoint answers with (they differ, OPENDK_API.md §4)."""

    WELCOME = "welcome"  # GET /test: "Welcome to api route"
    STATUS_SUCCESS = "status_success"  # {"status": "success", "message": …}
    STOREDATA = "storedata"  # {"message": "Data Foto Telah Berhasil di Sinkronkan"} (no status)
    STATUS_TRUE = "status_true"  # pesan: {"status": true, …}
    JSON_DATA = "json_data"  # public read API: {"data": …}


STOREDATA_OK = "Data Foto Telah Berhasil di Sinkronkan"
_FAILED_STATUSES = ("danger", "error", False)


@dataclass(frozen=True, slots=True)
class Context:
    """What the classifier needs to word a message: the server, the village, the call."""

    server: str
    endpoint: str
    desa_id: str | None = None
    nama_desa: str | None = None
    redact: Callable[[str], str] = str


class OpenDKError(Exception):
    """One typed failure of an OpenDK call. ``str()`` is the Bahasa Indonesia operator message."""

    def __init__(
        self,
        kind: str,
        message_id: str,
        message_en: str,
        status: int | None = None,
        retryable: bool = False,
        *,
        action: Action = Action.FAIL,
        body: str = "",
        retry_after: float | None = None,
        fields: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message_id)
        self.kind = kind
        self.message_id = message_id
        self.message_en = message_en
        self.status = status
        self.retryable = retryable
        self.action = action
        self.body = body
        self.retry_after = retry_after
        self.fields = fields

    def message(self, lang: str = "id") -> str:
        """The operator message in ``"id"`` (default) or ``"en"``."""
        return self.message_en if lang == "en" else self.message_id

    def __repr__(self) -> str:
        return f"OpenDKError(kind={self.kind!r}, status={self.status!r}, retryable={self.retryable!r})"


@dataclass(frozen=True, slots=True)
class Seen:
    """A response (or transport failure) reduced to what the table matches on."""

    status: int | None
    body: Any  # parsed JSON, or the raw text when it is not JSON
    text: str
    location: str = ""
    exc: Exception | None = None


Predicate = Callable[[Seen, Expect], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table."""

    kind: str
    action: Action
    match: Predicate
    message_id: str
    message_en: str


def _obj(seen: Seen) -> Mapping[str, Any]:
    return seen.body if isinstance(seen.body, Mapping) else {}


def _errors(seen: Seen) -> Mapping[str, Any]:
    """Laravel's ``errors`` map, or the flat 422 map ``surat/kirim`` answers with."""
    body = _obj(seen)
    errors = body.get("errors")
    if isinstance(errors, Mapping):
        return errors
    if body and all(isinstance(v, list) for v in body.values()):
        return body
    return {}


def _is_desa_field(name: str) -> bool:
    return name in ("kode_desa", "desa_id") or name.endswith(".desa_id")


def _status_in(low: int, high: int) -> Predicate:
    return lambda seen, _e: seen.status is not None and low <= seen.status <= high


def _transport(*types: type[Exception]) -> Predicate:
    return lambda seen, _e: seen.exc is not None and isinstance(seen.exc, types)


def _message_is(text: str, *statuses: int) -> Predicate:
    def match(seen: Seen, _e: Expect) -> bool:
        body = _obj(seen)
        said = body.get("message") or body.get("error")
        return seen.status in statuses and isinstance(said, str) and said.strip() == text

    return match


def _failed_status(seen: Seen, _e: Expect) -> bool:
    status = _obj(seen).get("status")
    return seen.status is not None and 200 <= seen.status < 300 and status in _FAILED_STATUSES


def _success_shape(seen: Seen, expect: Expect) -> bool:
    """True when a 2xx body is the shape this endpoint answers on success."""
    body = _obj(seen)
    if expect is Expect.WELCOME:
        return "Welcome to api route" in seen.text
    if expect is Expect.STOREDATA:
        return body.get("message") == STOREDATA_OK
    if expect is Expect.STATUS_SUCCESS:
        return body.get("status") == "success"
    if expect is Expect.STATUS_TRUE:
        return body.get("status") is True
    return "data" in body


DNS_HINTS = ("name or service not known", "nodename nor servname", "temporary failure in name resolution")

ERROR_TABLE: tuple[Rule, ...] = (
    Rule(
        "timeout",
        Action.RETRY,
        _transport(httpx.TimeoutException),
        "Tidak dapat menghubungi server OpenDK {server}: waktu tunggu habis. Periksa koneksi internet desa.",
        "Cannot reach the OpenDK server {server}: the request timed out. Check the village's internet link.",
    ),
    Rule(
        "dns",
        Action.RETRY,
        lambda seen, _e: seen.exc is not None and any(h in str(seen.exc).lower() for h in DNS_HINTS),
        "Tidak dapat menghubungi server OpenDK {server}: nama server tidak ditemukan (DNS). "
        "Periksa alamat server dan koneksi internet.",
        "Cannot reach the OpenDK server {server}: the host name does not resolve (DNS). "
        "Check the server address and the internet link.",
    ),
    Rule(
        "broken_response",
        Action.RETRY,
        _transport(httpx.RemoteProtocolError),
        "Jawaban server OpenDK {server} terputus di tengah jalan ({detail}).",
        "The answer from the OpenDK server {server} was cut off ({detail}).",
    ),
    Rule(
        "unreachable",
        Action.RETRY,
        _transport(*RETRYABLE_TRANSPORT_ERRORS),
        "Tidak dapat menghubungi server OpenDK {server}: koneksi gagal atau terputus.",
        "Cannot reach the OpenDK server {server}: the connection failed or was cut.",
    ),
    Rule(
        "transport",
        Action.CONFIG,
        _transport(httpx.TransportError),
        "Tidak dapat menghubungi server OpenDK {server}: {detail}",
        "Cannot reach the OpenDK server {server}: {detail}",
    ),
    Rule(
        "token_not_registered",
        Action.REAUTH,
        _message_is("Token not registered", 401, 403),
        "Token sinkronisasi ditolak OpenDK {server} (Token not registered): token ini bukan yang tersimpan "
        "di OpenDK. Minta admin kecamatan memberikan token sinkronisasi (api_key_opendk) dan memastikan "
        "tombol Simpan sudah ditekan.",
        "OpenDK {server} rejected the sync token (Token not registered): it is not the token saved in "
        "OpenDK. Ask the kecamatan admin for the sync token (api_key_opendk) and make sure they pressed Save.",
    ),
    Rule(
        "token_invalid",
        Action.REAUTH,
        _status_in(401, 401),
        "Token sinkronisasi tidak sah atau sudah kedaluwarsa (Unauthenticated) di OpenDK {server}. "
        "Minta admin kecamatan membuat token baru, menyimpannya, lalu perbarui konfigurasi.",
        "The sync token is invalid or expired (Unauthenticated) on OpenDK {server}. Ask the kecamatan "
        "admin to create and save a new token, then update the configuration.",
    ),
    Rule(
        "redirect_login",
        Action.CONFIG,
        lambda seen, _e: (
            seen.status is not None and 300 <= seen.status < 400 and seen.location.rstrip("/").endswith("/login")
        ),
        "OpenDK {server} mengalihkan ke halaman login: permintaan tidak dikenali sebagai panggilan API "
        "(header JSON tidak terkirim) atau token ditolak.",
        "OpenDK {server} redirected to its login page: the call was not recognised as an API call "
        "(JSON headers missing) or the token was refused.",
    ),
    Rule(
        "redirect",
        Action.FAIL,
        _status_in(300, 399),
        "OpenDK {server} menjawab {endpoint} dengan pengalihan (HTTP {status}): impor data gagal di server "
        "(mis. kode desa pada baris tidak terdaftar atau kolom kurang).",
        "OpenDK {server} answered {endpoint} with a redirect (HTTP {status}): the import failed on the "
        "server (e.g. an unregistered village code in a row, or a missing column).",
    ),
    Rule(
        "desa_not_registered",
        Action.CONFIG,
        lambda seen, _e: seen.status == 422 and any(_is_desa_field(k) for k in _errors(seen)),
        "Desa {nama_desa} (kode {desa_id}) tidak dikenal di OpenDK {server}: minta admin kecamatan "
        "mendaftarkan desa {nama_desa} (kode {desa_id}). Pesan server: {detail}",
        "Village {nama_desa} (code {desa_id}) is unknown to OpenDK {server}: ask the kecamatan admin to "
        "register village {nama_desa} (code {desa_id}). Server said: {detail}",
    ),
    Rule(
        "validation",
        Action.FAIL,
        lambda seen, _e: seen.status == 422,
        "OpenDK {server} menolak data pada {endpoint} (validasi gagal) untuk isian: {fields}. {detail}",
        "OpenDK {server} rejected the data on {endpoint} (validation failed) for fields: {fields}. {detail}",
    ),
    Rule(
        "rate_limited",
        Action.RETRY,
        _status_in(429, 429),
        "OpenDK {server} membatasi jumlah permintaan (HTTP 429, maks. 60 per menit); akan dicoba lagi.",
        "OpenDK {server} is throttling requests (HTTP 429, max 60 per minute); will retry.",
    ),
    Rule(
        "server_error",
        Action.RETRY,
        _status_in(500, 599),
        "Server OpenDK {server} mengalami galat (HTTP {status}) pada {endpoint}. {detail}",
        "The OpenDK server {server} failed (HTTP {status}) on {endpoint}. {detail}",
    ),
    Rule(
        "bad_request",
        Action.FAIL,
        lambda seen, _e: seen.status == 400,
        "OpenDK {server} menolak permintaan {endpoint}: {detail}",
        "OpenDK {server} refused the request {endpoint}: {detail}",
    ),
    Rule(
        "forbidden",
        Action.REAUTH,
        _status_in(403, 403),
        "OpenDK {server} menolak akses ke {endpoint} (HTTP 403). {detail}",
        "OpenDK {server} denied access to {endpoint} (HTTP 403). {detail}",
    ),
    Rule(
        "not_found",
        Action.CONFIG,
        _status_in(404, 405),
        "Alamat {endpoint} tidak ada di server {server} (HTTP {status}). Periksa alamat server OpenDK "
        "(tanpa /api di akhir) dan versi OpenDK (minimal 2502).",
        "{endpoint} does not exist on {server} (HTTP {status}). Check the OpenDK server address (no "
        "trailing /api) and the OpenDK version (2502 or later).",
    ),
    Rule(
        "client_error",
        Action.FAIL,
        _status_in(400, 499),
        "OpenDK {server} menolak {endpoint} (HTTP {status}). {detail}",
        "OpenDK {server} refused {endpoint} (HTTP {status}). {detail}",
    ),
    Rule(
        "rejected",
        Action.FAIL,
        _failed_status,
        "OpenDK {server} menerima {endpoint} tetapi melaporkan gagal: {detail}",
        "OpenDK {server} accepted {endpoint} but reported a failure: {detail}",
    ),
    Rule(
        "unexpected",
        Action.FAIL,
        lambda seen, expect: not _success_shape(seen, expect),
        "Jawaban OpenDK {server} untuk {endpoint} tidak seperti yang diharapkan (HTTP {status}): {detail}",
        "OpenDK {server} answered {endpoint} with an unexpected body (HTTP {status}): {detail}",
    ),
)


def _detail(seen: Seen, limit: int = 300) -> str:
    if seen.exc is not None:
        return type(seen.exc).__name__
    body = seen.body
    if isinstance(body, Mapping):
        said = body.get("message") or body.get("error")
        if isinstance(said, str) and said:
            return said[:limit]
        errors = _errors(seen)
        if errors:
            return "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in errors.items())[:limit]
    if isinstance(body, str):
        return body[:limit] or "(kosong)"
    return (seen.text[:limit] or "(kosong)").replace("\n", " ")


def _seen_response(response: httpx.Response) -> Seen:
    text = response.text
    try:
        body: Any = json.loads(text) if text else None
    except ValueError:
        body = text
    return Seen(response.status_code, body, text, response.headers.get("location", ""))


def _build(rule: Rule, seen: Seen, ctx: Context) -> OpenDKError:
    fields = tuple(_errors(seen)) if seen.status == 422 else ()
    values = {
        "server": ctx.server,
        "endpoint": ctx.endpoint,
        "status": seen.status if seen.status is not None else "-",
        "desa_id": ctx.desa_id or "?",
        "nama_desa": ctx.nama_desa or ctx.desa_id or "?",
        "fields": ", ".join(fields) or "-",
        "detail": _detail(seen),
    }

    def word(template: str) -> str:
        return ctx.redact(scrub(template.format(**values)))

    return OpenDKError(
        rule.kind,
        word(rule.message_id),
        word(rule.message_en),
        seen.status,
        rule.action is Action.RETRY,
        action=rule.action,
        body=ctx.redact(scrub(seen.text[:2000])),
        fields=fields,
    )


def _match(seen: Seen, expect: Expect) -> Rule | None:
    for rule in ERROR_TABLE:
        if rule.match(seen, expect):
            return rule
    return None


def classify_response(response: httpx.Response, expect: Expect, ctx: Context) -> OpenDKError | None:
    """``None`` when ``response`` is this endpoint's success; else the typed error for it."""
    seen = _seen_response(response)
    rule = _match(seen, expect)
    if rule is None:
        return None
    error = _build(rule, seen, ctx)
    if seen.status == 429:
        error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return error


def classify_exception(exc: Exception, ctx: Context) -> OpenDKError:
    """The typed error for a transport failure (DNS, refused, reset, timeout) after retries ran out."""
    seen = Seen(None, None, "", exc=exc)
    rule = _match(seen, Expect.JSON_DATA)
    assert rule is not None  # the "transport" row matches every httpx.TransportError
    return _build(rule, seen, ctx)
