"""The ``apprise`` channel: one message to the apprise URLs chosen by the recipient's address.

``urls`` is either a list (every message goes to all of them — an operator's channel) or a table from
address to URL(s), so per-person routing still holds (a Kepala Dusun never receives another dusun's list).
Apprise reports only success or failure, so every failure is treated as retryable; the outbox gives up in time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import apprise

from sid_connector.channels import ChannelError, OutgoingMessage
from sid_connector.privacy import scrub
from sid_connector.sources import Check

BROADCAST_TAG = "sid-connector-all"


def _url_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


class AppriseChannel:
    """Builds the apprise object once; URLs (they hold tokens) never appear in errors or ``repr``."""

    name: ClassVar[str] = "apprise"

    def __init__(self, options: Mapping[str, Any]) -> None:
        raw = (options or {}).get("urls")
        self._apprise = apprise.Apprise()
        self._addresses: set[str] = set()
        self._broadcast = False
        if isinstance(raw, Mapping) and raw:
            for address, value in raw.items():
                urls = _url_list(value)
                if not urls:
                    raise self._error(f"nilai untuk alamat '{address}' harus URL atau daftar URL")
                self._add(urls, str(address))
                self._addresses.add(str(address))
        else:
            urls = _url_list(raw)
            if not urls:
                raise self._error("wajib diisi (daftar URL apprise, atau tabel alamat → URL)")
            self._add(urls, BROADCAST_TAG)
            self._broadcast = True

    @staticmethod
    def _error(problem: str) -> ValueError:
        return ValueError(f"kanal apprise: opsi 'urls' {problem} (periksa [notify.channels.apprise])")

    def _add(self, urls: Sequence[str], tag: str) -> None:
        for index, url in enumerate(urls, start=1):
            if not self._apprise.add(url, tag=tag):
                raise self._error(f"berisi URL apprise yang tidak dikenali (URL ke-{index} untuk '{tag}')")

    def send(self, message: OutgoingMessage) -> None:
        tag = BROADCAST_TAG if self._broadcast else message.address.strip()
        if tag not in self._addresses and not self._broadcast:
            raise ChannelError("kanal apprise: alamat penerima tidak ada di opsi 'urls'", retryable=False)
        result = self._apprise.notify(body=scrub(message.text), title=scrub(message.subject), tag=tag)
        if not result:
            raise ChannelError("kanal apprise: satu atau lebih layanan gagal menerima pesan", retryable=True)

    def check(self) -> Sequence[Check]:
        count = len(self._apprise)
        return [Check(name="kanal apprise", ok=count > 0, message=f"{count} URL apprise terpasang")]

    def close(self) -> None:
        self._apprise.clear()

    def __repr__(self) -> str:
        return f"AppriseChannel(services={len(self._apprise)})"
