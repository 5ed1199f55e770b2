"""OpenDKClient ↔ simulated OpenDK over real HTTP on loopback: happy path, every error class, retries."""

from __future__ import annotations

import datetime as dt
import socket

import httpx
import pytest
from opendk_factory import DESA_ID, residents

from sid_connector.models import Desa
from sid_connector_opendk.client import OpenDKClient, normalize_desa_id
from sid_connector_opendk.errors import Action, Context, Expect, OpenDKError, classify_exception, classify_response
from sid_connector_opendk.packaging import build_zips
from sid_connector_opendk.simulator import Fault
from sid_connector_opendk.token import expiry_warning, jwt_expiry

DESA = Desa(kode_desa="5306132001", nama_desa="Senggigi", website="https://senggigi.desa.id", path="[[1,2]]")


def errors_of(call) -> OpenDKError:
    with pytest.raises(OpenDKError) as info:
        call()
    return info.value


def test_happy_path_push_verify(sim, make_client) -> None:
    client = make_client()
    assert client.test().status == 200
    assert client.identitas_desa(DESA, sebutan_desa="Desa").message.endswith("sudah selesai")
    assert sim.state.desa[DESA_ID].website == "https://senggigi.desa.id"
    people = list(residents(400))
    zips = list(build_zips(people, DESA_ID, limit=16 * 1024))
    assert len(zips) > 1
    for part in zips:
        assert client.penduduk_storedata(part, DESA_ID).message == "Data Foto Telah Berhasil di Sinkronkan"
    assert sim.state.count(DESA_ID) == 400
    # resend is idempotent: upsert on (desa_id, id)
    client.penduduk_storedata(zips[0], DESA_ID)
    assert sim.state.count(DESA_ID) == 400
    stored = sim.state.residents[DESA_ID][1]
    assert stored["nomor_nik"] == people[0].nik
    assert stored["id"] == "1"
    replies = client.penduduk_hapus(DESA_ID, [1, 2, 3], foto={2: "x.jpg"})
    assert replies[0].message.endswith("sedang berjalan")
    assert sim.state.count(DESA_ID) == 397
    assert client.penduduk_hapus(DESA_ID, []) == []
    # verification through the public read API
    alive = [p for p in people[3:] if p.status_dasar == 1]
    stats = client.frontend_statistik_penduduk(DESA_ID).body["data"][0]["attributes"]["dashboard"]
    assert stats["total_penduduk"] == len(alive)
    assert stats["total_lakilaki"] == sum(1 for p in alive if p.sex == 1)
    desa_list = client.frontend_desa().body["data"]
    assert desa_list[0]["attributes"]["desa_id"] == DESA_ID
    # every sync call carried the three headers
    for record in sim.state.requests:
        if record.path.startswith("/api/v1/"):
            assert record.has_bearer
            assert record.accept == "application/json"
            assert record.x_requested_with == "XMLHttpRequest"
        else:
            assert not record.has_bearer  # the public API needs no token: do not spread it


def test_deferred_queue_reports_queued_not_done(sim, make_client) -> None:
    sim.state.queue_mode = "deferred"
    client = make_client()
    client.penduduk_storedata(next(build_zips(residents(5), DESA_ID)), DESA_ID)
    client.penduduk_hapus(DESA_ID, [1])
    assert sim.state.count(DESA_ID) == 5  # accepted is not done (KNOWN_PROBLEMS §10)
    assert sim.state.run_jobs() == 1
    assert sim.state.count(DESA_ID) == 4


@pytest.mark.parametrize("raw", ["5306132001", "53.06.13.2001", "53-06-13-2001", " 5306132001 ", 5306132001])
def test_desa_id_normalised(raw) -> None:
    assert normalize_desa_id(raw) == "53.06.13.2001"


@pytest.mark.parametrize("raw", ["530613200", "53.06.13.20011", "", None])
def test_desa_id_invalid(raw) -> None:
    error = errors_of(lambda: normalize_desa_id(raw))
    assert error.kind == "desa_id_invalid"
    assert error.action is Action.CONFIG


def test_desa_outside_kecamatan(make_client) -> None:
    client = make_client(kecamatan_id="530614")
    error = errors_of(lambda: client.penduduk_hapus(DESA_ID, [1]))
    assert error.kind == "desa_outside_kecamatan"


# -- auth -------------------------------------------------------------------------------------------


def test_garbage_token_is_unauthenticated_and_not_retried(sim, make_client) -> None:
    error = errors_of(make_client("not-a-jwt").test)
    assert (error.kind, error.status, error.action) == ("token_invalid", 401, Action.REAUTH)
    assert "tidak sah atau sudah kedaluwarsa" in str(error)
    assert len(sim.state.requests) == 1


def test_expired_token_is_unauthenticated(sim, make_client) -> None:
    expired = sim.state.issue_token(days=-1)
    assert errors_of(make_client(expired).test).kind == "token_invalid"


def test_unsaved_token_is_not_registered(sim, make_client) -> None:
    fresh = sim.state.issue_token()  # generated, but the admin never pressed Save
    error = errors_of(make_client(fresh).test)
    assert (error.kind, error.status) == ("token_not_registered", 401)
    assert "tombol Simpan" in str(error)
    assert "admin kecamatan" in str(error)
    assert "pressed Save" in error.message("en")
    assert len(sim.state.requests) == 1


def test_missing_json_headers_get_302_to_login(sim, token) -> None:
    # What the real server does to a client that forgets Accept: application/json …
    response = httpx.get(f"{sim.base_url}/api/v1/test", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 302
    assert response.headers["location"].endswith("/login")
    # … and the XHR header alone (Accept */*) counts as expecting JSON, as in Laravel.
    response = httpx.get(
        f"{sim.base_url}/api/v1/test", headers={"Authorization": "Bearer nope", "X-Requested-With": "XMLHttpRequest"}
    )
    assert response.status_code == 401
    error = classify_response(
        httpx.Response(302, headers={"Location": f"{sim.base_url}/login"}),
        Expect.WELCOME,
        Context(server=sim.base_url, endpoint="/api/v1/test"),
    )
    assert error is not None
    assert error.kind == "redirect_login"
    assert "header JSON" in str(error)


def test_redirect_to_login_through_client(sim, make_client) -> None:
    sim.state.inject(Fault.http(302, "", Location="/login"))
    error = errors_of(make_client().test)
    assert error.kind == "redirect_login"
    assert not error.retryable


def test_token_expiry_warning() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    soon = now + dt.timedelta(days=10)
    assert "10 hari lagi" in expiry_warning(soon, now=now)[0]
    assert expiry_warning(now + dt.timedelta(days=200), now=now) is None
    assert "sudah kedaluwarsa" in expiry_warning(now - dt.timedelta(days=1), now=now)[0]
    assert jwt_expiry("garbage") is None


def test_client_token_warning(sim, make_client) -> None:
    assert make_client().token_warning() is None  # one year left
    short = sim.state.issue_token(days=12)
    assert "kedaluwarsa" in make_client(short).token_warning()


# -- village and validation -------------------------------------------------------------------------


def test_unregistered_desa_on_identitas(sim, make_client) -> None:
    other = Desa(kode_desa="5306132099", nama_desa="Loco", path="[]")
    error = errors_of(lambda: make_client().identitas_desa(other))
    assert (error.kind, error.status, error.action) == ("desa_not_registered", 422, Action.CONFIG)
    assert "minta admin kecamatan mendaftarkan desa Loco (kode 53.06.13.2099)" in str(error)
    assert error.fields == ("kode_desa",)
    assert len(sim.state.requests) == 1


def test_validation_names_fields(make_client) -> None:
    no_boundary = Desa(kode_desa="5306132001", nama_desa="Senggigi", website="bukan-url")
    error = errors_of(lambda: make_client().identitas_desa(no_boundary))
    assert error.kind == "validation"
    assert set(error.fields) == {"website", "path"}
    assert "website, path" in str(error)
    assert "(and 1 more error)" in error.body


def test_unregistered_desa_on_delete(make_client) -> None:
    error = errors_of(lambda: make_client().penduduk_hapus("5306132099", [1, 2]))
    assert error.kind == "desa_not_registered"
    assert "hapus_penduduk.0.desa_id" in error.fields


def test_storedata_import_failure_is_a_redirect(sim, make_client) -> None:
    unregistered = "53.06.13.2099"
    part = next(build_zips(residents(3), unregistered))
    error = errors_of(lambda: make_client().penduduk_storedata(part, unregistered))
    assert (error.kind, error.status) == ("redirect", 302)
    assert "tidak terdaftar" in sim.state.last_import_error
    assert sim.state.count(unregistered) == 0


def test_invalid_zip_never_sent(sim, make_client) -> None:
    error = errors_of(lambda: make_client().penduduk_storedata(b"PK\x03\x04 not a zip", DESA_ID))
    assert error.kind == "invalid_zip"
    part = next(build_zips(residents(3), DESA_ID))
    error = errors_of(lambda: make_client().penduduk_storedata(part, "5306132002"))  # rows say 2001
    assert error.kind == "invalid_zip"
    assert "desa_id" in str(error)
    assert sim.state.requests == []


@pytest.mark.parametrize(
    ("fault", "kind", "text"),
    [
        (Fault.danger("Proses Sinkronisasi Data gagal. Error : zip"), "rejected", "melaporkan gagal"),
        (Fault.http(200, {"status": False, "message": "Desa tidak terdaftar"}), "rejected", "Desa tidak terdaftar"),
        (Fault.http(400, "Kecamatan belum mengaktifkan modul TTE"), "bad_request", "modul TTE"),
        (Fault.http(422, {"nik": ["NIK harus 16 digit."]}), "validation", "nik"),
        (Fault.http(200, {"message": "OK"}), "unexpected", "tidak seperti yang diharapkan"),
        (Fault.http(200, "<html>Login</html>"), "unexpected", "tidak seperti yang diharapkan"),
        (Fault.http(404, {"message": "Not Found"}), "not_found", "tanpa /api"),
        (Fault.http(403, {"message": "Forbidden"}), "forbidden", "HTTP 403"),
    ],
)
def test_failure_shapes(sim, make_client, fault, kind, text) -> None:
    sim.state.inject(fault)
    error = errors_of(lambda: make_client().identitas_desa(DESA))
    assert error.kind == kind
    assert text in str(error)
    assert not error.retryable
    assert len(sim.state.requests) == 1  # never retried


def test_storedata_needs_its_own_success_shape(sim, make_client) -> None:
    sim.state.inject(Fault.http(200, {"status": "success", "message": "ok"}))
    part = next(build_zips(residents(2), DESA_ID))
    assert errors_of(lambda: make_client().penduduk_storedata(part, DESA_ID)).kind == "unexpected"


# -- transient failures: retried, then success --------------------------------------------------------


@pytest.mark.parametrize(
    ("faults", "read"),
    [
        ([Fault.http(500), Fault.http(502), Fault.http(503)], 5.0),
        ([Fault.reset(), Fault.truncate()], 5.0),
        ([Fault.hang(3.0)], 1.5),  # the retried upload must still finish within the read timeout
    ],
    ids=["5xx", "reset-truncate", "timeout"],
)
def test_transient_faults_retried_then_success(sim, make_client, clock, faults, read) -> None:
    sim.state.inject(*faults)
    client = make_client(read=read)
    part = next(build_zips(residents(20), DESA_ID))
    assert client.penduduk_storedata(part, DESA_ID).status == 200
    assert sim.state.count(DESA_ID) == 20
    assert len(clock.sleeps) == len(faults)
    assert [r.fault for r in sim.state.requests] == [f.kind for f in faults] + [None]


def test_429_from_real_throttle_waits_retry_after(sim, make_client, clock) -> None:
    sim.state.rate_limit = 3
    client = make_client(per_minute=1000)  # our own limiter out of the way: hit the server's
    for _ in range(5):
        assert client.test().status == 200
    statuses = [r.status for r in sim.state.requests]
    assert 429 in statuses
    assert statuses.count(200) == 5
    assert any(55 <= s <= 60 for s in clock.sleeps)  # Retry-After of the 60 s window, not a guess


def test_client_limiter_keeps_server_throttle_quiet(sim, make_client) -> None:
    client = make_client(per_minute=60)
    for _ in range(130):
        client.test()
    assert all(r.status == 200 for r in sim.state.requests)


def test_5xx_exhausted_is_reported(sim, make_client) -> None:
    sim.state.inject(*[Fault.http(500)] * 3)
    error = errors_of(make_client(attempts=3).test)
    assert (error.kind, error.status, error.retryable) == ("server_error", 500, True)
    assert len(sim.state.requests) == 3


def test_timeout_exhausted(sim, make_client) -> None:
    sim.state.inject(Fault.hang(1.0))
    error = errors_of(make_client(attempts=1, read=0.2).test)
    assert error.kind == "timeout"
    assert str(error).startswith(f"Tidak dapat menghubungi server OpenDK {sim.base_url}")


def test_connection_refused(make_client) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = make_client(attempts=2, base_url=f"http://127.0.0.1:{port}")
    error = errors_of(client.test)
    assert error.kind == "unreachable"
    assert error.retryable
    assert f"Tidak dapat menghubungi server OpenDK http://127.0.0.1:{port}" in str(error)


def test_dns_failure_message() -> None:
    exc = httpx.ConnectError("[Errno -2] Name or service not known")
    error = classify_exception(exc, Context(server="https://opendk.contoh", endpoint="/api/v1/test"))
    assert error.kind == "dns"
    assert "DNS" in str(error)
    assert "opendk.contoh" in str(error)


# -- secrets ----------------------------------------------------------------------------------------


def test_token_never_in_logs_errors_or_reprs(sim, make_client, all_logs, clock) -> None:
    unsaved = sim.state.issue_token()
    seen: list[str] = []
    for tok, action in [
        (None, lambda c: c.test()),
        ("garbage-token-value", lambda c: c.test()),
        (unsaved, lambda c: c.test()),
        (None, lambda c: c.identitas_desa(Desa(kode_desa="5306132099", nama_desa="X", path="p"))),
    ]:
        client = make_client(tok, attempts=2)
        seen.append(repr(client))
        sim.state.inject(Fault.http(503), Fault.http(200, {"status": "danger", "message": "boom"}))
        try:
            action(client)
        except OpenDKError as error:
            seen += [str(error), repr(error), error.message("en"), error.body, repr(error.__cause__)]
        try:
            action(client)
        except OpenDKError as error:
            seen += [str(error), repr(error), error.message("en"), error.body]
    text = "\n".join(seen + [r.getMessage() for r in all_logs.records] + [all_logs.text])
    for secret in (sim.state.saved_token, unsaved, "garbage-token-value"):
        assert secret
        assert secret not in text
    assert any(r.name.startswith("httpx") for r in all_logs.records)  # logging was really on


def test_server_echoing_token_is_redacted(sim, make_client, token) -> None:
    sim.state.inject(Fault.http(400, f"bad token {token}"))
    error = errors_of(make_client().test)
    assert token not in str(error)
    assert token not in error.body
    assert "***" in error.body


def test_client_repr_and_nik_masking(sim, make_client) -> None:
    client = make_client()
    assert "***" in repr(client)
    assert sim.state.saved_token not in repr(client)
    sim.state.inject(Fault.http(200, {"status": "danger", "message": "Nomor NIK 5306131901690001 tidak terdaftar."}))
    error = errors_of(lambda: client.identitas_desa(DESA))
    assert "5306131901690001" not in str(error)
    assert "5306********0001" in str(error)


def test_endpoint_table_ready_for_more_modules() -> None:
    from sid_connector_opendk.client import ENDPOINTS

    for name in ("program_bantuan", "program_bantuan_peserta", "pembangunan", "laporan_penduduk", "pesan"):
        assert ENDPOINTS[name].path.startswith("/api/v1/")
    assert isinstance(OpenDKClient.call, object)


def test_non_idempotent_endpoint_sent_once(sim, make_client) -> None:
    sim.state.inject(Fault.http(503))
    error = errors_of(lambda: make_client().call("pesan", json={"kode_desa": DESA_ID, "pesan": "halo"}))
    assert error.kind == "server_error"
    assert len(sim.state.requests) == 1


def test_empty_token_never_sent(sim, make_client) -> None:
    error = errors_of(make_client("  ").test)
    assert error.kind == "token_missing"
    assert sim.state.requests == []
