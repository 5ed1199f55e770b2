"""WhatsApp numbers as the gateways want them: digits only, Indonesian ``08…`` written as ``628…``.

Village contact lists hold numbers the way people write them (``0812-3456-7890``, ``+62 812…``); Fonnte and
Wablas expect the international form without ``+``.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-.()/]")
MIN_DIGITS = 10
MAX_DIGITS = 15  # E.164


class InvalidPhoneNumber(ValueError):
    """The address is not a usable WhatsApp number; the text shows only its last digits."""


def describe(number: str) -> str:
    """A number as it may appear in errors and logs: only the last four digits (phone numbers are personal data)."""
    digits = re.sub(r"\D", "", number)
    return f"…{digits[-4:]}" if len(digits) >= 4 else "(kosong)"


def normalise_phone(raw: str) -> str:
    """``"0812-3456-7890"``, ``"+62 812 3456 7890"``, ``"812 3456 7890"`` → ``"6281234567890"``.

    Raises :class:`InvalidPhoneNumber` for anything that cannot be a number.
    """
    text = _SEPARATORS.sub("", raw or "")
    international = text.startswith("+")
    if international:
        text = text[1:]
    elif text.startswith("00"):
        text, international = text[2:], True
    if not text.isdigit() or not text.isascii():
        raise InvalidPhoneNumber(f"nomor WhatsApp tidak valid: {describe(raw or '')}")
    if text.startswith("620"):
        text = "62" + text[3:]  # "+62 0812…": a common way of writing it
    elif not international and text.startswith("0"):
        text = "62" + text[1:]
    elif not international and text.startswith("8"):
        text = "62" + text
    elif not international and not text.startswith("62"):
        raise InvalidPhoneNumber(f"nomor WhatsApp tidak dikenali (awali dengan 08, 62 atau +): {describe(raw)}")
    if not MIN_DIGITS <= len(text) <= MAX_DIGITS:
        raise InvalidPhoneNumber(f"panjang nomor WhatsApp tidak wajar: {describe(raw)}")
    return text
