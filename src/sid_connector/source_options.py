"""Helpers every source needs the same way: the village codes it is configured for, and a file's generation.

Kept in the core so that a database source, a backup source, a workbook source and the receiver read
``kode_desa`` identically and recognise "the same file" identically.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sid_connector.sources import SourceError

_KODE_DESA = re.compile(r"^\d{2}\.?\d{2}\.?\d{2}\.?\d{4}$")


def kode_desa(value: Any) -> str:
    """``"52.01.14.2005"`` or ``5201142005`` → ``"5201142005"``; anything else is a configuration error."""
    text = str(value).strip()
    if not _KODE_DESA.match(text):
        raise SourceError(f"kode_desa {text!r} tidak valid: harus 10 digit (contoh 5201142005 atau 52.01.14.2005).")
    return text.replace(".", "")


def kode_desa_list(option: Any) -> list[str] | None:
    """The ``kode_desa`` option as codes: ``None`` for "every village the source holds" (``"*"`` or unset)."""
    if option in (None, "", "*", []):
        return None
    if isinstance(option, str | int):
        return [kode_desa(option)]
    if isinstance(option, Sequence):
        return [kode_desa(code) for code in option]
    raise SourceError('Opsi kode_desa harus berupa kode, daftar kode, atau "*".')


def file_generation(path: Path) -> str:
    """SHA-256 of a file as stored, read in blocks: the same file resumes a pass, any other starts a new one."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
