"""The last privacy defence before a message leaves, and the plain-text body the chat channels share.

The core already masks NIK/KK and strips sensitive fields (RULES.md PDP-MASK-NIK-KK); every channel still
runs :func:`sid_connector.privacy.scrub` over what it sends, so a slip upstream never reaches a phone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sid_connector.channels import OutgoingMessage
from sid_connector.privacy import scrub


def scrub_value(value: Any) -> Any:
    """Masks 15–16 digit runs in every string (and long integers) of a JSON-like value."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        text = str(value)
        masked = scrub(text)
        return value if masked == text else masked
    if isinstance(value, Mapping):
        return {str(key): scrub_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub_value(item) for item in value]
    return scrub(str(value))


def scrubbed(message: OutgoingMessage) -> OutgoingMessage:
    """The message with subject, text, name and data scrubbed; the address is left as it is (it routes)."""
    return dataclasses.replace(
        message,
        subject=scrub(message.subject),
        text=scrub(message.text),
        recipient_name=scrub(message.recipient_name) if message.recipient_name else message.recipient_name,
        data=scrub_value(dict(message.data)),
    )


def chat_body(message: OutgoingMessage) -> str:
    """Subject as the first line, then the text — what WhatsApp and Telegram recipients read."""
    subject = message.subject.strip()
    text = message.text.strip()
    if not subject or text.startswith(subject):
        return text
    if not text:
        return subject
    return f"{subject}\n\n{text}"


def as_json(message: OutgoingMessage) -> dict[str, Any]:
    """The message as the JSON object the jsonl and webhook channels write."""
    return {
        "address": message.address,
        "role": message.role,
        "recipient_name": message.recipient_name,
        "event": message.event,
        "dedup_key": message.dedup_key,
        "subject": message.subject,
        "text": message.text,
        "data": scrub_value(dict(message.data)),
    }
