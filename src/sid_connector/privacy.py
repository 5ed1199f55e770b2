"""Masking of NIK and KK numbers, and a scrubber for free text (RULES.md PDP-MASK-NIK-KK, PDP-NO-NIK-IN-LOGS).

A masked number is always 16 characters — the first four digits, eight asterisks, the last four — so its
length reveals nothing and officials still recognise the region and the person's serial. Digits 5–12
(kecamatan and birth date) are never shown.
"""

from __future__ import annotations

import logging
import re

MASK = "*" * 8
ALL_STARS = "*" * 16
_LONG_NUMBER = re.compile(r"(?<!\d)\d{15,16}(?!\d)")
_ID_NOISE = re.compile(r"[\s.\-]")


def norm_id(value: object) -> str:
    """RULES.md ``norm_id``: trim, drop spaces, dots, dashes and a leading apostrophe; nothing else."""
    text = "" if value is None else str(value).strip()
    if text.startswith("'"):
        text = text[1:]
    return _ID_NOISE.sub("", text)


def mask_id(value: object) -> str:
    """``"3301021507900001"`` → ``"3301********0001"``; anything not exactly 16 characters → 16 stars.

    A malformed value is never partly shown: it may be a real NIK with a typo (RULES.md PDP-MASK-NIK-KK).
    """
    normalised = norm_id(value)
    if len(normalised) != 16:
        return ALL_STARS
    return f"{normalised[:4]}{MASK}{normalised[12:]}"


def scrub(text: str) -> str:
    """Replace every 15–16 digit run in ``text`` by its masked form (15 digits are padded with 0 first)."""
    return _LONG_NUMBER.sub(lambda match: mask_id(match.group(0).zfill(16)), text)


class ScrubbingFilter(logging.Filter):
    """A logging filter that masks NIK/KK-like numbers in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
