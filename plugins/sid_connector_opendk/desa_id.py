"""The village code as OpenDK wants it: dotted ``PP.KK.CC.DDDD`` (OPENDK_API.md §3)."""

from __future__ import annotations

import re

_NON_DIGIT = re.compile(r"\D")


def format_desa_id(value: str | int | None) -> str | None:
    """Any spelling of a 10-digit code → ``PP.KK.CC.DDDD`` (OpenSID's ``kode_wilayah()``); else ``None``."""
    digits = _NON_DIGIT.sub("", str(value if value is not None else ""))
    if len(digits) != 10:
        return None
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}"
