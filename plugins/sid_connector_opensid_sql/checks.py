"""``sid-connector doctor`` lines for a dump: the file, its format, the village, schema version, Kemendagri list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sid_connector.sources import Check, SourceError
from sid_connector_opensid_sql.dump import DumpError, open_text

if TYPE_CHECKING:
    from sid_connector_opensid_sql.source import OpenSQLDumpSource


def _kemendagri(kode_desa: str, nama_desa: str | None) -> Check:
    """A stale or unknown code is a warning, never fatal: the data still reads, the operator fixes OpenSID."""
    from sid_connector.wilayah import check_village

    name = f"kode Kemendagri {kode_desa}"
    try:
        result = check_village(kode_desa, nama_desa or "")
    except ValueError as exc:
        return Check(name, True, str(exc), warning=True)
    return Check(name, True, result.message, warning=not result.ok)


def _format(source: OpenSQLDumpSource) -> Check:
    try:
        open_text(source.path, max_bytes=source.max_bytes).close()
    except DumpError as exc:
        return Check("format", False, str(exc))
    return Check("format", True, "berkas berupa teks (dump SQL)")


def run(source: OpenSQLDumpSource) -> list[Check]:
    """All checks in order; stops after the first that makes the rest meaningless."""
    exists = source.path.is_file()
    results = [Check("berkas", exists, f"berkas {source.path}" + ("" if exists else " tidak ada"))]
    if not exists:
        return results
    results.append(_format(source))
    if not results[-1].ok:
        return results
    try:
        found = source.scan()
        refs = source.villages()
    except SourceError as exc:
        results.append(Check("desa", False, str(exc)))
        return results
    if found.version:
        results.append(Check("versi skema", True, f"Versi basis data OpenSID: {found.version}."))
    else:
        text = "Tabel migrasi kosong" if found.has_migrasi else "Dump tanpa tabel migrasi"
        results.append(Check("versi skema", True, f"{text}: versi skema OpenSID tidak diketahui.", warning=True))
    for ref in refs:
        results.append(Check(f"desa {ref.kode_desa}", True, f"Desa {ref.nama_desa} ditemukan di tabel config dump."))
        results.append(_kemendagri(ref.kode_desa, ref.nama_desa))
    return results
