"""``sid-connector serve`` as a real process: it listens on loopback, checks the token, and refuses the LAN
without one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

CONFIG = """
[source]
name = "opensid-push"
inbox = "receiver-inbox"
kode_desa = "3301022001"
nama_desa = "Menganti"

[receiver]
{token_line}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_opensid_on_loopback_and_checks_the_token(tmp_path):
    (tmp_path / "sid-connector.toml").write_text(CONFIG.format(token_line='token = "rahasia-desa-123"'))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sid_connector", "serve", "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SID_CONNECTOR_LANG": "id"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                ok = httpx.get(f"{base}/api/v1/test", headers={"Authorization": "Bearer rahasia-desa-123"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert ok.status_code == 200
        wrong = httpx.get(f"{base}/api/v1/test", headers={"Authorization": "Bearer salah",
                                                          "Accept": "application/json"})
        assert wrong.status_code in (401, 403)
        assert "message" in wrong.json()
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert "rahasia-desa-123" not in out + err


def test_serve_refuses_the_lan_without_a_token(tmp_path):
    (tmp_path / "sid-connector.toml").write_text(CONFIG.format(token_line=""))
    done = subprocess.run(
        [sys.executable, "-m", "sid_connector", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "SID_CONNECTOR_LANG": "id", "SID_RECEIVER_TOKEN": ""},
    )
    assert done.returncode != 0
    assert "token" in (done.stderr + done.stdout).lower()
