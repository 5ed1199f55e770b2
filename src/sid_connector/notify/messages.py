"""Message texts (Bahasa Indonesia, English available), short enough for WhatsApp and carrying only what
PDP-MIN-NOTIFY allows: initials, a masked NIK, the area, what happened or which rule, and the fix hint.

A minor is never named, not even by initials: "anak (L), 3 bln". Every text passes :func:`scrub` last.
"""

from __future__ import annotations

from dataclasses import dataclass

from sid_connector.notify.events import Event, PersonRef
from sid_connector.privacy import scrub

MAX_ITEM = 700

TEXTS: dict[str, tuple[str, str]] = {
    "born": (
        "Kelahiran baru: {who}{area}, tgl {date}. Bantu keluarga mengurus akta kelahiran (batas 60 hari); "
        "siapkan surat keterangan lahir/SPTJM, KK & KTP-el orang tua, buku nikah/SPTJM, dua saksi.",
        "New birth: {who}{area}, on {date}. Help the family obtain the birth certificate (60-day limit).",
    ),
    "died": (
        "Kematian: {who}{area}. Ketua RT/keluarga melapor ke Disdukcapil paling lambat 30 hari; desa "
        "menerbitkan Surat Keterangan Kematian (jika kepala keluarga, urus juga KK baru).",
        "Death: {who}{area}. The Ketua RT/family must report it to Disdukcapil within 30 days; the village "
        "issues the death statement (a new KK if the deceased was head).",
    ),
    "moved_out": (
        "Pindah keluar: {who}{area}. Pastikan jenis pindah dan alamat tujuan tercatat; antarkab/prov perlu SKPWNI.",
        "Moved out: {who}{area}. Record the move type and destination; SKPWNI for another kabupaten/province.",
    ),
    "lost": (
        "Penduduk hilang: {who}{area}. Jangan ubah menjadi MATI tanpa penetapan pengadilan.",
        "Missing resident: {who}{area}. Do not record as dead without a court decision.",
    ),
    "moved_in": (
        "Pindah masuk: {who}{area}. Lengkapi NIK, alamat asal dan KK (minta SKPWNI/KK asal).",
        "Moved in: {who}{area}. Complete NIK, previous address and KK (ask for the SKPWNI/KK).",
    ),
    "head_changed": (
        "Kepala keluarga berubah: KK {extra}{area}. Periksa susunan keluarga dan perlu tidaknya KK baru.",
        "Head of family changed: KK {extra}{area}. Check the family and whether a new KK is needed.",
    ),
    "finding": (
        "[{severity}] {rule}{title}: {message}{area}. Perbaikan: {hint}",
        "[{severity}] {rule}{title}: {message}{area}. Fix: {hint}",
    ),
    "resolved": (
        "Selesai: {rule}{title}{area} sudah beres. Terima kasih.",
        "Resolved: {rule}{title}{area} is fixed. Thank you.",
    ),
    "reminder": ("Pengingat {rule}: {message}{area}. {hint}", "Reminder {rule}: {message}{area}. {hint}"),
    "sync_failed": (
        "Sinkronisasi desa {village} gagal (run #{extra}): {message}. Periksa koneksi/konfigurasi sid-connector.",
        "Sync of village {village} failed (run #{extra}): {message}. Check the connection/configuration.",
    ),
    "role_missing": (
        "Penerima notifikasi untuk jabatan {message} belum ditentukan; pesannya dialihkan. Atur "
        "Kasi Pemerintahan/Sekdes/Kepala Dusun/Ketua RT di OpenSID atau [notify.officials].",
        "No recipient for the post {message}; its messages are redirected. Set the officials in "
        "OpenSID or [notify.officials].",
    ),
    "test": (
        "Pesan uji sid-connector untuk {message}. Jika pesan ini sampai, kanal {extra} berfungsi.",
        "sid-connector test message for {message}. If you read this, the {extra} channel works.",
    ),
}
SUBJECTS: dict[str, tuple[str, str]] = {
    "born": ("Kelahiran baru", "New birth"),
    "died": ("Kematian", "Death"),
    "moved_out": ("Pindah keluar", "Moved out"),
    "lost": ("Penduduk hilang", "Missing resident"),
    "moved_in": ("Pindah masuk", "Moved in"),
    "head_changed": ("Kepala keluarga berubah", "Head of family changed"),
    "finding": ("Temuan data", "Data finding"),
    "resolved": ("Temuan selesai", "Finding resolved"),
    "reminder": ("Pengingat batas waktu", "Deadline reminder"),
    "sync_failed": ("Sinkronisasi gagal", "Sync failed"),
    "role_missing": ("Penerima belum ditentukan", "Recipient missing"),
    "test": ("Pesan uji", "Test message"),
    "daily": ("Ringkasan harian", "Daily digest"),
    "weekly": ("Ringkasan mingguan", "Weekly digest"),
}
WORDS: dict[str, tuple[str, str]] = {
    "child": ("anak", "child"),
    "resident": ("warga", "resident"),
    "months": ("bln", "mo"),
    "years": ("th", "y"),
    "more": ("… dan {n} butir lain; lihat laporan sid-connector.", "… and {n} more; see the sid-connector report."),
    "items": ("butir", "items"),
}
SEX = {1: ("L", "M"), 2: ("P", "F")}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def describe(person: PersonRef | None, lang: str) -> str:
    """Initials and masked NIK for an adult; "anak (L), 3 bln" for a minor, whose identity is never shown."""
    if person is None:
        return _pick(WORDS["resident"], lang)
    sex = f" ({_pick(SEX[person.sex], lang)})" if person.sex in SEX else ""
    if person.minor:
        if person.age_days is None:
            return _pick(WORDS["resident"], lang) + sex
        months = int(person.age_days // 30.44)
        unit = WORDS["months"] if months < 24 else WORDS["years"]
        age = f"{months if months < 24 else months // 12} {_pick(unit, lang)}"
        return f"{_pick(WORDS['child'], lang)}{sex}, {age}"
    return f"{person.initials or '-'}{sex}, NIK {person.nik}"


def area(event: Event, sebutan: str, lang: str) -> str:
    """Text like ", Dusun KRAJAN RT 001" in the village's own word for dusun (``sebutan_dusun``)."""
    if not event.dusun:
        return ""
    text = f", {sebutan} {event.dusun}"
    if event.rt and event.rt not in ("0", "-"):
        text += f" RT {event.rt}"
    return text


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str


def render(
    event: Event,
    *,
    lang: str = "id",
    sebutan: str = "Dusun",
    titles: dict[str, str] | None = None,
    hints_en: dict[str, str] | None = None,
) -> Rendered:
    """One item's subject and text (< 700 characters), scrubbed."""
    title = (titles or {}).get(event.rule or "", "")
    hint = (hints_en or {}).get(event.rule or "", event.hint) if lang == "en" else event.hint
    message = event.message_en if lang == "en" and event.message_en else event.message
    text = _pick(TEXTS[event.kind], lang).format(
        who=describe(event.person, lang),
        area=area(event, sebutan, lang),
        date=event.date or "-",
        rule=event.rule or "",
        title=f" {title}" if title else "",
        severity=event.severity or "",
        message=message.rstrip("."),
        hint=hint,
        extra=event.extra,
        village=event.village,
    )
    if len(text) > MAX_ITEM:
        text = text[: MAX_ITEM - 1] + "…"
    subject = f"[sid-connector] {_pick(SUBJECTS[event.kind], lang)}"
    if event.dusun:
        subject += f" — {sebutan} {event.dusun}"
    return Rendered(scrub(subject), scrub(text))


def render_digest(mode: str, lines: list[str], *, lang: str = "id", limit: int = 15) -> Rendered:
    """Many items for one person in one message: the first ``limit`` lines, then a count of the rest."""
    shown = [f"• {line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(_pick(WORDS["more"], lang).format(n=len(lines) - limit))
    subject = f"[sid-connector] {_pick(SUBJECTS[mode], lang)} ({len(lines)} {_pick(WORDS['items'], lang)})"
    return Rendered(scrub(subject), scrub("\n".join(shown)))
