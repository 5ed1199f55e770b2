"""Opens an uploaded ZIP only after checking it cannot hurt: paths, entry count, sizes and ratios.

The checks read the ZIP's central directory first (cheap), then every member is inflated through a counter,
so a forged size in the directory cannot smuggle a bomb past the caps.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from sid_connector_receiver.errors import bad_request, too_large
from sid_connector_receiver.settings import MB, Limits

# Small members (styles, an empty string table) legitimately compress far better than data.
RATIO_MIN_BYTES = 64 * 1024


def _unsafe(name: str) -> bool:
    path = name.replace("\\", "/")
    return path.startswith("/") or (len(path) > 1 and path[1] == ":") or ".." in PurePosixPath(path).parts


def open_zip(data: bytes, limits: Limits, *, what: str = "ZIP") -> zipfile.ZipFile:
    """The archive, after its directory passed every guard; raises :class:`PushRejected` otherwise."""
    if not data.startswith(b"PK"):
        raise bad_request(f"Berkas {what} yang diunggah bukan arsip ZIP.", "bukan ZIP (tanda tangan salah)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError (forged version), OSError…: a damaged directory
        raise bad_request(f"Berkas {what} rusak atau bukan arsip ZIP.", f"ZIP rusak: {type(exc).__name__}") from exc
    if len(members) > limits.max_entries:
        raise too_large(
            f"Berkas {what} berisi terlalu banyak entri ({len(members)}, batas {limits.max_entries}).",
            f"entri ZIP {len(members)} > {limits.max_entries}",
        )
    total = 0
    for member in members:
        if not member.filename or _unsafe(member.filename):
            raise bad_request(
                f"Berkas {what} berisi entri dengan jalur tidak aman.", f"jalur tidak aman: {member.filename[:80]!r}"
            )
        if member.flag_bits & 0x1:
            raise bad_request(f"Berkas {what} terenkripsi; kirim tanpa sandi.", "ZIP terenkripsi")
        total += member.file_size
        if total > limits.max_unzipped:
            raise too_large(
                f"Isi berkas {what} terlalu besar setelah diekstrak (batas {limits.max_unzipped // MB} MB).",
                f"ukuran ekstrak > {limits.max_unzipped}",
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_MIN_BYTES and ratio > limits.max_ratio:
            raise too_large(
                f"Berkas {what} mencurigakan: rasio kompresi melebihi {limits.max_ratio}:1 (zip bomb).",
                f"rasio {ratio:.0f} pada {member.filename[:60]!r}",
            )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int, *, what: str = "ZIP") -> bytes:
    """A member's bytes, inflating at most ``limit`` bytes whatever its directory entry claims."""
    try:
        with archive.open(name) as handle:
            data = handle.read(limit + 1)
    except Exception as exc:  # BadZipFile, zlib.error, CRC or header errors: all mean "damaged member"
        raise bad_request(f"Entri di dalam {what} rusak.", f"entri rusak: {type(exc).__name__}") from exc
    if len(data) > limit:
        raise too_large(f"Entri di dalam {what} terlalu besar setelah diekstrak.", f"entri > {limit} bita")
    return data


def first_named(archive: zipfile.ZipFile, suffixes: tuple[str, ...]) -> str | None:
    """The first member whose name ends with one of ``suffixes`` (as OpenDK picks its data file)."""
    for member in archive.infolist():
        if member.filename.lower().endswith(suffixes):
            return member.filename
    return None
