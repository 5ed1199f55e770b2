"""Fixtures for the channel tests: loopback HTTP simulators, a real SMTP server, a throwaway TLS certificate."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sid_connector.channels import OutgoingMessage
from tests.channels.simulator import Simulator

NIK = "3301021507900001"
MASKED_NIK = "3301********0001"


@pytest.fixture
def sim() -> Iterator[Simulator]:
    simulator = Simulator()
    yield simulator
    simulator.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_message(**changes: object) -> OutgoingMessage:
    values: dict[str, object] = {
        "address": "0812-3456-7890",
        "subject": "NIK-FORMAT: 2 temuan di Dusun Krajan",
        "text": "Yth. Kasi Pemerintahan, ada 2 NIK tidak valid di RT 003. Mohon diperiksa — terima kasih ✓",
        "role": "KASI_PEM",
        "recipient_name": "S. W.",
        "event": "finding.new",
        "dedup_key": "NIK-FORMAT:42:ERROR",
        "data": {"rule": "NIK-FORMAT", "subject_id": 42, "dusun": "Krajan", "nik": MASKED_NIK},
    }
    values.update(changes)
    return OutgoingMessage(**values)  # type: ignore[arg-type]


@pytest.fixture
def message() -> OutgoingMessage:
    return make_message()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 made with the openssl CLI (fails the TLS tests without it)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl CLI is needed to make the TLS test certificate (Debian: apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key
