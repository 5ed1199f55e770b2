"""The shared helpers: failure classification, detail cleaning, log redaction and the chat body."""

from __future__ import annotations

import logging

import httpx
import pytest

from sid_connector_channels.failures import clean_detail, reason_is_retryable, transport_failure
from sid_connector_channels.httpclient import forget_secrets, redact_in_logs
from sid_connector_channels.options import Secret
from sid_connector_channels.outgoing import chat_body, scrub_value
from tests.channels.conftest import MASKED_NIK, NIK, make_message


def test_clean_detail_removes_secrets_masks_nik_and_bounds_length() -> None:
    text = clean_detail(f"token abc-Secret-1 rejected for {NIK} " + "x" * 500, [Secret("abc-Secret-1"), None])
    assert "abc-Secret-1" not in text
    assert NIK not in text
    assert MASKED_NIK in text
    assert len(text) == 200


def test_reason_classification_prefers_permanent_markers() -> None:
    assert not reason_is_retryable("Invalid Token (device disconnected)")
    assert reason_is_retryable("Device Disconnected")


def test_transport_failure_is_retryable_without_url() -> None:
    error = transport_failure("x", httpx.ConnectError("boom http://h/botSECRET/sendMessage"))
    assert error.retryable
    assert "SECRET" not in str(error)


def test_redaction_applies_to_httpx_logger_and_can_be_removed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    secret = Secret("tok-XYZ-123")
    redact_in_logs(secret)
    logging.getLogger("httpx").info("HTTP Request: POST %s", "http://h/bottok-XYZ-123/getMe")
    forget_secrets(secret)
    logging.getLogger("httpx").info("after %s", "tok-XYZ-123")
    assert "bot***/getMe" in caplog.text
    assert caplog.text.count("tok-XYZ-123") == 1  # only the line logged after forget_secrets


def test_chat_body_and_scrub_value() -> None:
    assert chat_body(make_message(subject="", text="isi")) == "isi"
    assert chat_body(make_message(subject="Judul", text="Judul dan isi")) == "Judul dan isi"
    assert chat_body(make_message(subject="Judul", text="")) == "Judul"
    assert scrub_value({"a": (int(NIK), 1.5, True, None, {NIK})}) == {"a": [MASKED_NIK, 1.5, True, None, [MASKED_NIK]]}
