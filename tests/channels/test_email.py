"""The email channel against a real SMTP server (aiosmtpd) on loopback: plain AUTH, STARTTLS and implicit TLS."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from sid_connector.channels import Channel, ChannelError
from sid_connector_channels.smtp import EmailChannel
from tests.channels.conftest import MASKED_NIK, NIK, free_port, make_message

USER, PASSWORD = "operator@desa.example.id", "pw-Sangat-Rahasia-42"


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps every accepted mail."""

    mails: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK diterima"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("penuh@"):
            return "452 mailbox penuh, coba lagi"
        if address.startswith("tidakada@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    if not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    ok = (auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
    return AuthResult(success=ok, handled=False)


def start(inbox: Inbox, **kwargs: Any) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, **kwargs)
    controller.start()
    return controller


@pytest.fixture
def plain_server() -> Iterator[tuple[Inbox, int]]:
    """AUTH over a plain connection — acceptable only because the test stays on loopback."""
    inbox = Inbox()
    controller = start(inbox, auth_require_tls=False)
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def server_context(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, tls_files))
    return context


@pytest.fixture
def starttls_server(server_context: ssl.SSLContext) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = start(inbox, tls_context=server_context, require_starttls=True, auth_require_tls=True)
    yield inbox, controller.port
    controller.stop()


def options(port: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "from": "Sid Connector <sid@desa.example.id>",
        "username": USER,
        "password": PASSWORD,
        "starttls": False,
        "timeout": 5,
    }
    values.update(changes)
    return values


def test_delivers_utf8_plain_text_with_headers(plain_server: tuple[Inbox, int]) -> None:
    inbox, port = plain_server
    channel = EmailChannel(options(port))
    assert isinstance(channel, Channel)
    message = make_message(address="kasi.pem@desa.example.id", subject="Temuan baru — Dusun Krajan ✓")
    channel.send(message)
    mail_from, rcpts, mail = inbox.mails[0]
    assert mail_from == "sid@desa.example.id"
    assert rcpts == ["kasi.pem@desa.example.id"]
    assert mail["Subject"] == "Temuan baru — Dusun Krajan ✓"
    assert mail["From"] == "Sid Connector <sid@desa.example.id>"
    assert mail["To"] == "kasi.pem@desa.example.id"
    assert mail["Message-ID"]
    assert mail["Date"]
    assert mail["X-Sid-Event"] == "finding.new"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n").rstrip("\n") == message.text


def test_scrubs_nik_in_subject_and_body(plain_server: tuple[Inbox, int]) -> None:
    inbox, port = plain_server
    EmailChannel(options(port)).send(
        make_message(address="a@desa.example.id", subject=f"NIK {NIK}\r\nBcc: x@y.id", text=f"Periksa NIK {NIK}.")
    )
    raw = inbox.mails[0][2]
    assert raw["Subject"] == f"NIK {MASKED_NIK} Bcc: x@y.id"
    assert raw["Bcc"] is None
    assert NIK not in raw.as_string()
    assert MASKED_NIK in raw.get_content()


def test_wrong_password_is_not_retryable_and_secret_free(
    plain_server: tuple[Inbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    _, port = plain_server
    caplog.set_level(logging.DEBUG)
    channel = EmailChannel(options(port, password="salah-Sandi-99"))
    with pytest.raises(ChannelError) as info:
        channel.send(make_message(address="a@desa.example.id"))
    assert info.value.retryable is False
    assert info.value.status == 535
    for text in (str(info.value), repr(channel), caplog.text):
        assert "salah-Sandi-99" not in text
        assert PASSWORD not in text
    check = channel.check()[0]
    assert not check.ok
    assert "salah-Sandi-99" not in check.message


@pytest.mark.parametrize(
    ("address", "retryable"), [("penuh@desa.example.id", True), ("tidakada@desa.example.id", False)]
)
def test_recipient_refusals_are_classified(plain_server: tuple[Inbox, int], address: str, retryable: bool) -> None:
    _, port = plain_server
    with pytest.raises(ChannelError) as info:
        EmailChannel(options(port)).send(make_message(address=address))
    assert info.value.retryable is retryable


def test_invalid_recipient_address_is_not_retryable(plain_server: tuple[Inbox, int]) -> None:
    with pytest.raises(ChannelError) as info:
        EmailChannel(options(plain_server[1])).send(make_message(address="0812-3456-7890"))
    assert info.value.retryable is False


def test_connection_refused_is_retryable(closed_port: int) -> None:
    with pytest.raises(ChannelError) as info:
        EmailChannel(options(closed_port)).send(make_message(address="a@desa.example.id"))
    assert info.value.retryable is True


def test_starttls_then_auth(starttls_server: tuple[Inbox, int], tls_files: tuple[Path, Path]) -> None:
    inbox, port = starttls_server
    channel = EmailChannel(options(port, starttls=True, ca_file=str(tls_files[0])))
    assert channel.check()[0].ok
    channel.send(make_message(address="sekdes@desa.example.id"))
    assert inbox.mails[0][1] == ["sekdes@desa.example.id"]


def test_starttls_with_untrusted_certificate_is_not_retryable(starttls_server: tuple[Inbox, int]) -> None:
    _, port = starttls_server
    with pytest.raises(ChannelError) as info:
        EmailChannel(options(port, starttls=True)).send(make_message(address="a@desa.example.id"))
    assert info.value.retryable is False
    assert "sertifikat" in str(info.value)


def test_auth_without_starttls_is_refused_by_a_tls_only_server(starttls_server: tuple[Inbox, int]) -> None:
    _, port = starttls_server
    with pytest.raises(ChannelError) as info:
        EmailChannel(options(port, starttls=False)).send(make_message(address="a@desa.example.id"))
    assert info.value.retryable is False


def test_implicit_tls(server_context: ssl.SSLContext, tls_files: tuple[Path, Path]) -> None:
    inbox = Inbox()
    # aiosmtpd counts only STARTTLS as TLS for its auth_require_tls, so relax it: this socket is TLS from byte one.
    controller = start(inbox, ssl_context=server_context, auth_require_tls=False)
    try:
        channel = EmailChannel(options(controller.port, ssl=True, ca_file=str(tls_files[0])))
        channel.send(make_message(address="a@desa.example.id"))
    finally:
        controller.stop()
    assert len(inbox.mails) == 1
