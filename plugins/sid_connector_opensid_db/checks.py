"""``sid-connector doctor`` lines for the OpenSID database source.

Each check says what is wrong in the operator's language and never shows the password.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sid_connector.sources import Check, SourceError
from sid_connector_opensid_db.driver import Database, DatabaseError

if TYPE_CHECKING:
    from sid_connector_opensid_db.source import OpenSIDDatabaseSource

_WRITE_PRIVILEGES = (
    "ALL PRIVILEGES",
    "INSERT",
    "UPDATE",
    "DELETE",
    "DROP",
    "ALTER",
    "CREATE",
    "INDEX",
    "TRIGGER",
    "REFERENCES",
)
_GRANT = re.compile(r"^GRANT (?P<privs>.+?) ON (?P<target>\S+) TO ", re.IGNORECASE)


def _schema_version(db: Database) -> Check:
    try:
        version = db.scalar("SELECT versi_database FROM migrasi ORDER BY id DESC LIMIT 1")
    except DatabaseError:
        return Check("versi skema", False, "Tabel migrasi tidak terbaca: ini bukan basis data OpenSID?")
    if not version:
        return Check("versi skema", True, "Tabel migrasi kosong: versi skema OpenSID tidak diketahui.", warning=True)
    return Check("versi skema", True, f"Versi basis data OpenSID: {version}.")


def _target_covers(target: str, database: str) -> bool:
    """Whether a grant's ``db.table`` target reaches our schema (``*.*``, our db, or a matching pattern)."""
    scope = target.split(".", 1)[0].strip("`")
    if scope == "*":
        return True
    pattern = re.escape(scope.replace("\\_", "_")).replace("%", ".*")
    if "\\_" not in scope:
        pattern = pattern.replace("_", ".")
    return re.fullmatch(pattern, database) is not None


def write_privileges(db: Database, database: str) -> list[str]:
    """Write privileges the current account holds on ``database``, read from ``SHOW GRANTS``."""
    found: list[str] = []
    for row in db.query("SHOW GRANTS"):
        line = str(next(iter(row.values())))
        match = _GRANT.match(line)
        if not match or not _target_covers(match.group("target"), database):
            continue
        privileges = match.group("privs").upper()
        found.extend(p for p in _WRITE_PRIVILEGES if re.search(rf"\b{p}\b", privileges))
    return sorted(set(found))


def _grant_check(db: Database, database: str) -> Check:
    try:
        writes = write_privileges(db, database)
    except DatabaseError:
        return Check("hak akses", True, "Hak akses akun tidak dapat diperiksa (SHOW GRANTS gagal).", warning=True)
    if writes:
        return Check(
            "hak akses",
            True,
            f"Akun ini dapat menulis ({', '.join(writes)}). Disarankan akun khusus yang hanya boleh SELECT.",
            warning=True,
        )
    return Check("hak akses", True, "Akun hanya-baca: sesuai anjuran.")


def _kemendagri(kode_desa: str, nama_desa: str | None) -> Check | None:
    """Ask ``sid_connector.wilayah.check_village`` when it is installed; tolerate the forms it may return."""
    try:
        from sid_connector.wilayah import check_village  # type: ignore[attr-defined]
    except ImportError:
        return None
    name = f"kode Kemendagri {kode_desa}"
    try:
        result: Any = check_village(kode_desa, nama_desa or "")
    except Exception as exc:  # another package's bug must not break doctor
        return Check(name, True, f"Pemeriksaan daftar Kemendagri gagal: {exc}", warning=True)
    if isinstance(result, Check):
        return result
    if result is None or result is True:
        return Check(name, True, f"Kode dan nama desa {nama_desa} sesuai daftar Kemendagri.")
    if result is False:
        return Check(name, True, f"Kode/nama desa {nama_desa} tidak sesuai daftar Kemendagri.", warning=True)
    # A stale code is reported, never fatal: the data still reads, the operator fixes it in OpenSID.
    ok = bool(getattr(result, "ok", False))
    return Check(name, True, str(getattr(result, "message", result)), warning=not ok)


def run(source: OpenSIDDatabaseSource) -> list[Check]:
    """All checks in order; stops after the first that makes the rest meaningless."""
    where = source.settings.describe()
    try:
        db = source._connection()
    except SourceError as exc:
        return [Check("koneksi", False, str(exc))]
    results = [Check("koneksi", True, f"Terhubung ke {where}.")]
    results.append(_schema_version(db))
    try:
        refs = source.villages()
    except SourceError as exc:
        results.append(Check("desa", False, str(exc)))
    else:
        for ref in refs:
            results.append(Check(f"desa {ref.kode_desa}", True, f"Desa {ref.nama_desa} ditemukan di tabel config."))
            kemendagri = _kemendagri(ref.kode_desa, ref.nama_desa)
            if kemendagri is not None:
                results.append(kemendagri)
    results.append(_grant_check(db, source.settings.database))
    return results
