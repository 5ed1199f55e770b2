"""Masking of NIK and KK numbers, and a scrubber for free text (RULES.md PDP-MASK-NIK-KK, PDP-NO-NIK-IN-LOGS).

A masked number is always 16 characters — the first four digits, eight asterisks, the last four — so its
length reveals nothing and officials still recognise the region and the person's serial.
"""

from __future__ import annotations

import logging
import re

MASK = "*" * 8
_LONG_NUMBER = re.compile(r"(?<!\d)\d{15,16}(?!\d)")


def mask_id(value: str | int | None) -> str:
    """``"3301021507900001"`` → ``"3301********0001"``; anything too short to keep digits is all stars."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if len(text) < 8:
        return "*" * 16
    return f"{text[:4]}{MASK}{text[-4:]}"


def scrub(text: str) -> str:
    """Replace every 15–16 digit run in ``text`` by its masked form."""
    return _LONG_NUMBER.sub(lambda match: mask_id(match.group(0)), text)


class ScrubbingFilter(logging.Filter):
    """A logging filter that masks NIK/KK-like numbers in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
