"""The ``email`` channel: plain-text UTF-8 mail over SMTP with STARTTLS (or implicit TLS) and AUTH.

One connection per message: notifications are few, and a long-lived SMTP session dies silently on the
weak links villages have.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, ClassVar

from sid_connector.channels import ChannelError, OutgoingMessage
from sid_connector.sources import Check
from sid_connector_channels.failures import clean_detail
from sid_connector_channels.options import Options, Secret
from sid_connector_channels.outgoing import scrubbed


def _is_address(value: str) -> bool:
    _name, address = parseaddr(value)
    local, _, domain = address.partition("@")
    return bool(local and domain and "." in domain.strip(".")) and not any(c.isspace() for c in address)


class EmailChannel:
    """Sends each message as one e-mail; ``message.address`` is the recipient's address."""

    name: ClassVar[str] = "email"

    def __init__(self, options: Mapping[str, Any]) -> None:
        opts = Options(self.name, options)
        self.host = opts.string("host")
        self.use_ssl = opts.boolean("ssl", False)
        self.starttls = opts.boolean("starttls", not self.use_ssl)
        if self.use_ssl and self.starttls:
            raise opts.error("starttls", "tidak boleh true bersamaan dengan ssl = true (pilih salah satu)")
        self.port = opts.integer("port", 465 if self.use_ssl else 587 if self.starttls else 25)
        self.sender = opts.string("from")
        if not _is_address(self.sender):
            raise opts.error("from", "harus berupa alamat e-mail, mis. \"Sid Connector <sid@desa.id>\"")
        self.username = opts.optional_string("username")
        self.password: Secret | None = opts.optional_secret("password")
        if bool(self.username) != bool(self.password):
            missing = "password" if self.username else "username"
            raise opts.error(missing, "wajib diisi bila username/password dipakai")
        self.timeout = opts.number("timeout", 30.0)
        self.ca_file = opts.optional_string("ca_file")

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def _connect(self) -> smtplib.SMTP:
        """An authenticated session; raises smtplib/socket/ssl errors for :meth:`_failure` to classify."""
        if self.use_ssl:
            session: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._tls_context()
            )
        else:
            session = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            session.ehlo()
            if self.starttls:
                session.starttls(context=self._tls_context())
                session.ehlo()
            if self.username and self.password:
                session.login(self.username, self.password.reveal())
        except BaseException:
            _quietly_close(session)
            raise
        return session

    def _build(self, message: OutgoingMessage) -> EmailMessage:
        mail = EmailMessage()
        # A line break in a header would be refused by EmailMessage (and is a header-injection vector).
        mail["Subject"] = " ".join(message.subject.split()) or "Notifikasi sid-connector"
        mail["From"] = self.sender
        mail["To"] = message.address
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = make_msgid(domain=parseaddr(self.sender)[1].partition("@")[2] or None)
        if message.event:
            mail["X-Sid-Event"] = " ".join(message.event.split())
        mail.set_content(message.text, charset="utf-8")
        return mail

    def send(self, message: OutgoingMessage) -> None:
        if not _is_address(message.address):
            raise ChannelError("kanal email: alamat penerima bukan alamat e-mail yang valid", retryable=False)
        mail = self._build(scrubbed(message))
        try:
            session = self._connect()
            try:
                session.send_message(mail)
            finally:
                _quietly_close(session)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._failure(exc) from None

    def _failure(self, exc: BaseException) -> ChannelError:
        """Classify; texts carry the server's code and words, never the password."""
        secrets = (self.password,)
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return ChannelError(
                f"kanal email: login SMTP ditolak ({exc.smtp_code}); periksa username/password",
                retryable=False,
                status=exc.smtp_code,
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return ChannelError(
                f"kanal email: server tidak mendukung {clean_detail(exc, secrets)}; periksa opsi starttls/ssl",
                retryable=False,
            )
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            code = codes[0] if codes else None
            return ChannelError(
                f"kanal email: alamat penerima ditolak server ({code})",
                retryable=bool(code and 400 <= code < 500),
                status=code,
            )
        if isinstance(exc, smtplib.SMTPResponseException):
            code = exc.smtp_code
            return ChannelError(
                f"kanal email: server SMTP menjawab {code} {clean_detail(exc.smtp_error, secrets)}",
                retryable=400 <= code < 500 or code == -1,
                status=code,
            )
        if isinstance(exc, ssl.SSLCertVerificationError):
            reason = exc.verify_message
            return ChannelError(f"kanal email: sertifikat TLS server tidak dipercaya ({reason})", retryable=False)
        if isinstance(exc, TimeoutError | socket.timeout):
            return ChannelError("kanal email: batas waktu habis menghubungi server SMTP", retryable=True)
        if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
            return ChannelError(
                f"kanal email: server SMTP tidak dapat dihubungi ({type(exc).__name__})", retryable=True
            )
        return ChannelError(f"kanal email: pengiriman gagal ({type(exc).__name__})", retryable=True)

    def check(self) -> Sequence[Check]:
        """Connects, negotiates TLS and logs in (when configured), then quits without sending."""
        what = f"{self.host}:{self.port}"
        try:
            _quietly_close(self._connect())
        except (smtplib.SMTPException, OSError) as exc:
            return [Check(name="kanal email", ok=False, message=f"{what}: {self._failure(exc)}")]
        auth = "login berhasil" if self.username else "tanpa login"
        return [Check(name="kanal email", ok=True, message=f"{what} terjangkau, {auth}")]

    def close(self) -> None:
        return None

    def __repr__(self) -> str:
        return f"EmailChannel(host={self.host!r}, port={self.port}, username={self.username!r})"


def _quietly_close(session: smtplib.SMTP) -> None:
    try:
        session.quit()
    except (smtplib.SMTPException, OSError):
        session.close()
