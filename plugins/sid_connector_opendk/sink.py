"""The ``opendk`` sink: push a village's residents from the store to the kecamatan's OpenDK, via the outbox.

A push has two halves. *Planning* turns the change history since the last acknowledged push into outbox items —
identitas, one storedata ZIP per item (partitioned by the 5120 KB limit), one delete batch — committed with the
job's change mark before anything is sent. *Delivery* sends due items in order and marks each sent only after
OpenDK accepted it; the last one moves the acknowledged mark. A dead link leaves the items pending for the next
run; a process killed mid-push resends at most the one item in flight, which OpenDK's upsert on
``(desa_id, id)`` makes harmless.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from sid_connector.http import RetryPolicy
from sid_connector.models import Penduduk, stored_model
from sid_connector.sinks import PushReport
from sid_connector.sources import Check
from sid_connector.store import Store, now, outbox
from sid_connector_opendk.client import OpenDKClient, normalize_desa_id
from sid_connector_opendk.errors import OpenDKError
from sid_connector_opendk.packaging import LIMIT_BYTES, build_zips

TOKEN_ENV = "SID_OPENDK_TOKEN"  # noqa: S105 - the name of the variable, not a secret
STATE_SOURCE = "sink:opendk"
UNREACHABLE_KINDS = {"timeout", "dns", "unreachable", "transport", "broken_response", "server_error", "rate_limited"}


class OpenDKSink:
    """Options: ``url``; ``token`` (or env ``SID_OPENDK_TOKEN``); optional ``rate_limit`` (requests/minute,
    default 50), ``timeout`` (seconds), ``retry_attempts`` (5), ``retry_backoff_initial`` (1 s),
    ``retry_backoff_max`` (60 s), ``verify`` (read counts back after a push, default true) and
    ``zip_limit_kb`` (default 5120)."""

    name: ClassVar[str] = "opendk"

    def __init__(self, options: Mapping[str, Any]) -> None:
        url = str(options.get("url") or "").strip()
        token = os.environ.get(TOKEN_ENV) or str(options.get("token") or "")
        if not url:
            raise ValueError("[sinks.opendk] url wajib diisi (alamat server OpenDK kecamatan).")
        if not token:
            raise ValueError(f"Token sinkronisasi OpenDK belum diisi: isi {TOKEN_ENV} atau [sinks.opendk] token.")
        self.url = url
        self.verify = bool(options.get("verify", True))
        self.limit = int(options.get("zip_limit_kb", LIMIT_BYTES // 1024)) * 1024
        retry = RetryPolicy(
            attempts=int(options.get("retry_attempts", 5)),
            backoff_initial=float(options.get("retry_backoff_initial", 1)),
            backoff_max=float(options.get("retry_backoff_max", 60)),
        )
        self.client = OpenDKClient(
            url,
            token,
            timeout=float(options["timeout"]) if options.get("timeout") else None,
            rate_limit=int(options.get("rate_limit", 50)),
            retry=retry,
        )

    def __repr__(self) -> str:
        return f"OpenDKSink(url={self.url!r})"

    # -- planning -----------------------------------------------------------------------------------------
    def _records(self, store: Store, village: str, keys: Sequence[str]) -> Iterator[Penduduk]:
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = dict(
                store.conn.execute(
                    f"SELECT key, data FROM record WHERE village = ? AND entity = 'penduduk' AND key IN ({marks})",
                    (village, *chunk),
                ).fetchall()
            )
            for key in chunk:
                if key in rows:
                    yield stored_model(Penduduk).model_validate_json(rows[key])

    def _plan(self, store: Store, village: str, state: dict[str, Any]) -> tuple[list[dict[str, Any]], int, int]:
        """(items, job mark, residents skipped for lack of an OpenSID id)."""
        upto = store.last_change_id()
        acked = state.get("acked_change")
        if acked is None:
            upserts = [key for key, _ in store.iter_records(village, "penduduk")]
            deleted: dict[str, int | None] = {}
            identity = True
        else:
            changed: dict[str, None] = {}
            deleted = {}
            identity = False
            for change in store.changes_since(village, int(acked)):
                if change["id"] > upto:
                    break
                if change["entity"] == "desa":
                    identity = True
                if change["entity"] != "penduduk":
                    continue
                if change["kind"] == "deleted":
                    changed.pop(change["key"], None)
                    deleted[change["key"]] = (change["diff"] or {}).get("id")
                else:
                    deleted.pop(change["key"], None)
                    changed[change["key"]] = None
            upserts = list(changed)
        with_id = [p for p in self._records(store, village, upserts) if p.id is not None]
        skipped = len(upserts) - len(with_id)
        items: list[dict[str, Any]] = []
        if identity:
            items.append({"kind": "identitas"})
        keys_by_id = {p.id: str(p.id) for p in with_id}
        for part in build_zips(with_id, village, limit=self.limit):
            items.append({"kind": "storedata", "keys": [keys_by_id[i] for i in part.ids]})
        gone = sorted(int(i) for i in deleted.values() if i is not None)
        if gone:
            items.append({"kind": "hapus", "ids": gone})
        return items, upto, skipped

    # -- delivery -----------------------------------------------------------------------------------------
    def _send(self, store: Store, village: str, item: dict[str, Any], report: PushReport) -> dict[str, int]:
        desa_id = normalize_desa_id(village)
        if item["kind"] == "identitas":
            desa = store.identity(village)
            if desa is None:
                return {}
            try:
                self.client.identitas_desa(desa)
            except OpenDKError as error:
                # An incomplete identity (e.g. no boundary ``path``) must not hold the residents back; an
                # unregistered village (422 on kode_desa) or any other failure does.
                if error.kind != "validation":
                    raise
                report.mismatches.append(error.message())
                return {}
            return {"identitas": 1}
        if item["kind"] == "storedata":
            sent = 0
            for part in build_zips(self._records(store, village, item["keys"]), desa_id, limit=self.limit):
                self.client.penduduk_storedata(part, desa_id)
                sent += part.rows
            return {"penduduk": sent, "zip": 1}
        self.client.penduduk_hapus(desa_id, item["ids"])
        return {"dihapus": len(item["ids"])}

    def push(self, store: Store, village: str, run_id: int) -> PushReport:
        report = PushReport(sink=self.name, village=village)
        channel = f"{STATE_SOURCE}:{village}"
        state = store.get_state(STATE_SOURCE, village)
        if not outbox.pending(store.conn, channel, limit=1):
            items, upto, skipped = self._plan(store, village, state)
            if skipped:
                report.mismatches.append(f"{skipped} penduduk tanpa id OpenSID tidak dapat dikirim ke OpenDK")
            with store.transaction() as conn:
                for seq, item in enumerate(items):
                    payload = {**item, "job": upto, "last": seq == len(items) - 1}
                    outbox.enqueue(
                        conn, channel=channel, dedup_key=f"{upto}:{seq}", payload=payload, run_id=run_id, at=now()
                    )
                if not items:
                    Store.put_state(conn, STATE_SOURCE, village, {**state, "acked_change": upto}, run_id)
        completed = False
        for item in outbox.pending(store.conn, channel):
            try:
                counts = self._send(store, village, item.payload, report)
            except OpenDKError as error:
                report.error = error.message()
                report.unreachable = error.kind in UNREACHABLE_KINDS
                with store.transaction() as conn:
                    outbox.defer(conn, item.id, at=now(), error=f"{error.kind}: {error.message_en}")
                break
            with store.transaction() as conn:
                outbox.mark_sent(conn, item.id, now())
                if item.payload.get("last"):
                    state = {
                        **store.get_state(STATE_SOURCE, village),
                        "acked_change": item.payload["job"],
                        "last_push": {"at": now(), "run_id": run_id},
                    }
                    Store.put_state(conn, STATE_SOURCE, village, state, run_id)
                    completed = True
            for name, value in counts.items():
                report.sent[name] = report.sent.get(name, 0) + value
        report.pending = len(outbox.pending(store.conn, channel))
        if completed and self.verify and report.error is None:
            self._verify(store, village, report)
        return report

    def _verify(self, store: Store, village: str, report: PushReport) -> None:
        """Compare living residents in the store with OpenDK's public statistics for the village."""
        alive = sum(
            1
            for _, text in store.iter_records(village, "penduduk")
            if stored_model(Penduduk).model_validate_json(text).status_dasar == 1
        )
        try:
            reply = self.client.frontend_statistik_penduduk(village)
            dashboard = reply.body["data"][0]["attributes"]["dashboard"]
            upstream = int(dashboard["total_penduduk"])
        except (OpenDKError, KeyError, IndexError, TypeError, ValueError):
            report.verified = None
            return
        report.verified = upstream == alive
        if not report.verified:
            report.mismatches.append(
                f"OpenDK menampilkan {upstream} penduduk hidup, basis data lokal {alive} "
                "(OpenDK mungkin masih memproses antrean; diperiksa lagi pada sinkronisasi berikutnya)"
            )

    def check(self) -> Sequence[Check]:
        checks = []
        try:
            self.client.test()
            checks.append(Check("token", True, f"server {self.url} terjangkau, token terdaftar"))
        except OpenDKError as error:
            checks.append(Check("token", False, error.message()))
            return checks
        warning = self.client.token_warning()
        if warning:
            checks.append(Check("token kedaluwarsa", True, warning, warning=True))
        return checks

    def check_village(self, village: str) -> Check:
        """Is the village registered in this OpenDK (its public village list)?"""
        try:
            body = self.client.frontend_desa().body
        except OpenDKError as error:
            return Check("desa", False, error.message())
        text = str(body)
        desa_id = normalize_desa_id(village)
        ok = desa_id in text
        message = f"desa {desa_id} terdaftar" if ok else f"desa {desa_id} belum terdaftar di OpenDK kecamatan"
        return Check("desa", ok, message)

    def close(self) -> None:
        self.client.close()

    @classmethod
    @contextmanager
    def demo_endpoint(cls, villages: Sequence[tuple[str, str]]) -> Iterator[tuple[dict[str, Any], Callable[[], str]]]:
        """A simulated kecamatan OpenDK on loopback, with a saved token and the villages registered."""
        from sid_connector_opendk.simulator import SimulatorState, run_simulator

        state = SimulatorState()
        with run_simulator(state) as simulator:
            token = state.issue_token()
            state.save_token(token)
            for code, name in villages:
                state.register_desa(normalize_desa_id(code), name)

            def describe() -> str:
                held = ", ".join(
                    f"{normalize_desa_id(code)}: {state.count(normalize_desa_id(code))} penduduk"
                    for code, _ in villages
                )
                return f"Simulator OpenDK kecamatan ({simulator.base_url}) kini menyimpan {held}."

            yield {"url": simulator.base_url, "token": token}, describe
