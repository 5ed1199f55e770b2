"""Messages for operators and officials: Bahasa Indonesia by default, English on request.

Language comes from ``--lang``, ``SID_CONNECTOR_LANG`` or the config's ``lang``. Every message has both
texts; a test fails when one is missing.
"""

from __future__ import annotations

import os

LANGUAGES = ("id", "en")
_current = os.environ.get("SID_CONNECTOR_LANG", "id") if os.environ.get("SID_CONNECTOR_LANG") in LANGUAGES else "id"

MESSAGES: dict[str, tuple[str, str]] = {
    "config.missing": (
        "Berkas konfigurasi {path} tidak ditemukan. Jalankan 'sid-connector init' terlebih dahulu.",
        "Configuration file {path} not found. Run 'sid-connector init' first.",
    ),
    "config.unreadable": ("Berkas konfigurasi {path} tidak dapat dibaca: {error}", "Cannot read {path}: {error}"),
    "config.invalid": ("Konfigurasi {path} tidak sah: {problems}", "Configuration {path} is not valid: {problems}"),
    "config.env_missing": (
        "Variabel lingkungan {name} belum diisi (dipakai di konfigurasi).",
        "Environment variable {name} is not set (the configuration uses it).",
    ),
    "check.summary": (
        "Temuan terbuka: {errors} ERROR, {warnings} WARNING, {infos} INFO.",
        "Open findings: {errors} ERROR, {warnings} WARNING, {infos} INFO.",
    ),
    "report.written": ("Laporan ditulis: {path}", "Report written: {path}"),
    "report.unmasked_warning": (
        "PERINGATAN: laporan ini memuat NIK/No KK lengkap. Simpan dan bagikan hanya kepada petugas berwenang; "
        "permintaan ini dicatat di log audit.",
        "WARNING: this report contains full NIK/KK numbers. Keep and share it only with authorised officials; "
        "this request is recorded in the audit log.",
    ),
    "summary.findings": (
        "Temuan validasi: {errors} ERROR, {warnings} WARNING, {infos} INFO ({new} baru, {resolved} selesai).",
        "Validation findings: {errors} ERROR, {warnings} WARNING, {infos} INFO ({new} new, {resolved} resolved).",
    ),
    "unexpected": (
        "Terjadi kesalahan tak terduga: {error}. Jalankan ulang dengan -vv untuk rinciannya dan laporkan ke "
        "pengembang.",
        "Unexpected error: {error}. Rerun with -vv for details and report it to the developers.",
    ),
    "push.line": (
        "{sink} desa {village}: terkirim {sent}; menunggu {pending}",
        "{sink} village {village}: sent {sent}; waiting {pending}",
    ),
    "config.written": ("Konfigurasi ditulis ke {path}.", "Configuration written to {path}."),
    "config.exists": (
        "{path} sudah ada. Pakai --force untuk menimpanya.",
        "{path} already exists. Use --force to overwrite it.",
    ),
    "lock.held": (
        "Sinkronisasi lain sedang berjalan untuk basis data ini ({holder}). Coba lagi nanti.",
        "Another run holds this store ({holder}). Try again later.",
    ),
    "source.unknown": (
        "Sumber data '{name}' tidak dikenal. Sumber yang terpasang: {known}.",
        "Unknown source '{name}'. Installed sources: {known}.",
    ),
    "sink.unknown": (
        "Tujuan pengiriman '{name}' tidak dikenal. Yang terpasang: {known}.",
        "Unknown sink '{name}'. Installed sinks: {known}.",
    ),
    "source.failed": ("Sumber data gagal dibaca: {error}", "The source could not be read: {error}"),
    "mass_delete.blocked": (
        "DIHENTIKAN: {would_delete} dari {total} data {entity} desa {village} akan terhapus "
        "(lebih dari {threshold:.0%}). Tidak ada yang dihapus. Periksa sumber data (config_id salah, tabel "
        "dikosongkan, atau pemulihan sedang berjalan). Jika penghapusan ini memang benar, jalankan ulang dengan "
        "--allow-mass-delete.",
        "STOPPED: {would_delete} of {total} {entity} records of village {village} would be deleted (more than "
        "{threshold:.0%}). Nothing was deleted. Check the source (wrong config_id, emptied table, restore in "
        "progress). If the deletion is right, rerun with --allow-mass-delete.",
    ),
    "run.pulling": ("Menarik data desa {village}", "Pulling village {village}"),
    "run.summary": (
        "Ringkasan sinkronisasi (run #{run_id}, status: {status})",
        "Sync summary (run #{run_id}, status: {status})",
    ),
    "run.resumed": (
        "Melanjutkan sinkronisasi yang sebelumnya terputus.",
        "Resuming a sync that was interrupted.",
    ),
    "summary.quarantined": (
        "{count} baris dikarantina (tidak dapat dibaca):",
        "{count} rows quarantined (could not be read):",
    ),
    "summary.more": ("… dan {count} lainnya", "… and {count} more"),
    "summary.read": ("Dibaca dari sumber: {read}", "Read from the source: {read}"),
    "table.entity": ("data", "entity"),
    "table.total": ("jumlah", "total"),
    "table.new": ("baru", "new"),
    "table.changed": ("berubah", "changed"),
    "table.deleted": ("dihapus", "deleted"),
    "status.none": ("Belum pernah sinkronisasi.", "No run yet."),
    "audit.ok": (
        "Log audit utuh: {entries} entri, rantai hash sah.",
        "Audit log intact: {entries} entries, hash chain valid.",
    ),
    "audit.broken": (
        "LOG AUDIT RUSAK pada entri #{entry_id}: {problem}. Ada entri yang diubah atau dihapus.",
        "AUDIT LOG BROKEN at entry #{entry_id}: {problem}. An entry was edited or deleted.",
    ),
    "demo.generating": (
        "Membuat desa sintetis ({residents} penduduk)",
        "Generating a synthetic village ({residents} residents)",
    ),
    "demo.officials": (
        "Yang akan diterima setiap perangkat desa (juga ditulis ke notifications.jsonl):",
        "What each village official would receive (also written to notifications.jsonl):",
    ),
    "summary.notify": (
        "Notifikasi: {queued} diantrekan, {sent} terkirim, {pending} menunggu, {failed} gagal.",
        "Notifications: {queued} queued, {sent} sent, {pending} waiting, {failed} failed.",
    ),
    "stage.rules": ("Memeriksa data dengan aturan validasi…", "Checking the data against the rules…"),
    "stage.push": ("Mengirim perubahan ke OpenDK…", "Pushing changes upstream…"),
    "stage.notify": ("Menyiapkan dan mengirim notifikasi…", "Preparing and sending notifications…"),
    "demo.done": (
        "Demo selesai. Konfigurasi: {config}\nCoba: sid-connector --config {config} status",
        "Demo finished. Config: {config}\nTry: sid-connector --config {config} status",
    ),
    "plugins.failed": ("Plugin {name} gagal dimuat: {error}", "Plugin {name} failed to load: {error}"),
    "init.prompt.source": ("Jenis sumber data", "Source type"),
    "init.prompt.path": ("Lokasi berkas xlsx OpenSID", "Path of the OpenSID workbook"),
    "init.prompt.url": (
        "URL basis data OpenSID (kosongkan untuk memakai variabel SID_SOURCE_URL)",
        "OpenSID database URL (leave empty to use SID_SOURCE_URL)",
    ),
    "init.prompt.kode_desa": (
        "Kode desa Kemendagri (10 digit, boleh bertitik)",
        "Kemendagri village code (10 digits, dots allowed)",
    ),
    "init.prompt.store": ("Lokasi basis data lokal", "Local store path"),
    "init.prompt.opendk": (
        "Alamat server OpenDK kecamatan (kosongkan bila belum; token diisi lewat SID_OPENDK_TOKEN)",
        "Kecamatan OpenDK server URL (leave empty for now; the token goes in SID_OPENDK_TOKEN)",
    ),
    "init.kode_invalid": (
        "Kode desa '{code}' tidak sah: harus 10 digit (contoh 3301022001 atau 33.01.02.2001).",
        "Village code '{code}' is not valid: it must have 10 digits (e.g. 3301022001 or 33.01.02.2001).",
    ),
    "init.need_location": ("Sebutkan --path atau --url untuk sumber data.", "Give --path or --url for the source."),
}


def set_language(lang: str | None) -> None:
    global _current
    if lang in LANGUAGES:
        _current = lang


def language() -> str:
    return _current


def t(key: str, **values: object) -> str:
    """The message ``key`` in the current language, formatted with ``values``."""
    texts = MESSAGES[key]
    return texts[LANGUAGES.index(_current)].format(**values)
