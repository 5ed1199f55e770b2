"""Tolerant field types for records as real OpenSID installs hold them.

Each type accepts the forms real data takes (``'0000-00-00'``, ``''`` for an integer, a NIK that became a
number, a label where an id is expected) and raises ``ValueError`` with a plain reason for what cannot be
read; pydantic then names the field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator

from sid_connector.models.codes import code_for_label, is_coded

_EMPTY = {"", "-", "null", "none", "NULL"}
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in _EMPTY)


def parse_int(value: Any) -> int | None:
    """``12``, ``'12'``, ``' 12 '``, ``'12.0'``, ``Decimal('12')`` → 12; ``''``/``'-'``/None → None."""
    if type(value) is int:  # what a database driver hands over: no further checks needed
        return value
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value != int(value):
            raise ValueError(f"bukan bilangan bulat: {value!r}")
        return int(value)
    if isinstance(value, str) and _INT.match(value.strip()):
        return int(float(value.strip())) if "." in value else int(value.strip())
    raise ValueError(f"bukan bilangan bulat: {str(value)[:40]!r}")


def coded(column: str) -> Any:
    """A validator for a reference-coded column: an id, or a label/alias from OpenSID's tables."""

    def parse(value: Any) -> int | None:
        try:
            return parse_int(value)
        except ValueError:
            if isinstance(value, str) and is_coded(column):
                code = code_for_label(column, value)
                if code is not None:
                    return code
            raise ValueError(f"kode tidak dikenal: {str(value)[:40]!r}") from None

    return BeforeValidator(parse)


def parse_date(value: Any) -> dt.date | None:
    """Dates as OpenSID and its workbooks hold them; the zero date and blanks mean "missing"."""
    if _is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An Excel serial date that escaped formatting.
        if 1 <= value < 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"tanggal tidak valid: {value!r}")
    text = str(value).strip()
    if text.startswith("0000-00-00"):
        return None
    head = text[:10]
    try:
        return dt.date.fromisoformat(head)  # the common case (OpenSID's own Y-m-d), an order faster
    except ValueError:
        pass
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"tanggal tidak valid: {text[:40]!r}")


def parse_datetime(value: Any) -> dt.datetime | None:
    """Timestamps as text or values; the zero timestamp means "missing"."""
    if type(value) is dt.datetime:
        return value
    if _is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = str(value).strip()
    if text.startswith("0000-00-00"):
        return None
    try:
        return dt.datetime.fromisoformat(text[:19])
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text[:19], fmt)
        except ValueError:
            continue
    raise ValueError(f"waktu tidak valid: {text[:40]!r}")


def parse_text(value: Any) -> str | None:
    """Trimmed text; blanks become ``None`` (OpenSID mixes ``''`` and NULL)."""
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError("teks bukan UTF-8 yang sah") from exc
    text = str(value).strip()
    return text or None


_ID_STRIP = re.compile(r"[\s.\-]")


def parse_id_number(value: Any) -> str | None:
    """A NIK or KK number, normalised by RULES.md's ``norm_id`` — never "repaired".

    A number that lost its leading zero in a ``decimal(16,0)`` column is left-padded to 16 digits; any other
    oddity (15 digits, letters, scientific notation) is kept so the rules can report it.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("nomor identitas tidak valid")
    if isinstance(value, int | Decimal) or (isinstance(value, float) and value.is_integer() and value < 2**53):
        digits = str(int(value))
        return digits.zfill(16) if len(digits) == 15 else digits
    text = str(value).strip()
    if text.startswith("'"):
        text = text[1:]
    text = _ID_STRIP.sub("", text)
    return text or None


def parse_area_number(value: Any) -> str | None:
    """RT/RW as text, exactly as the operator typed it (``'004'``, ``'4'``, ``'-'``)."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value))
    text = str(value).strip()
    return text or None


Int = Annotated[int | None, BeforeValidator(parse_int)]
Date = Annotated[dt.date | None, BeforeValidator(parse_date)]
DateTime = Annotated[dt.datetime | None, BeforeValidator(parse_datetime)]
Text = Annotated[str | None, BeforeValidator(parse_text)]
IdNumber = Annotated[str | None, BeforeValidator(parse_id_number)]
AreaNumber = Annotated[str | None, BeforeValidator(parse_area_number)]


def Code(column: str) -> Any:
    """``Code("agama_id")``: an int id of the column's reference table, accepting labels too."""
    return Annotated[int | None, coded(column)]
