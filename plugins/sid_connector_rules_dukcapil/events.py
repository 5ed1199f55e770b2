"""Population-event rules (RULES.md §8.2): reporting deadlines, documents, dates, moves, marriages.

Events link to residents by ``id_pend`` (OpenSID ids) or, failing that, by NIK; an event whose person cannot
be found is only checked on its own fields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import compress, repeat
from operator import and_, attrgetter, eq, gt, le, lt, ne, not_, or_, sub
from typing import Any

from sid_connector.rules.model import Finding, Rule, RuleContext, family_key_of_penduduk
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil import ids
from sid_connector_rules_dukcapil._base import (
    ERROR,
    INFO,
    KADUS,
    KASI_PEM,
    KETUA_RT,
    SEKDES,
    WARNING,
    all_niks_real,
    birth_ordinals,
    day,
    days_between,
    empty,
    indices,
    nik_class_column,
    ordinals,
    rows_where,
    rule,
)
from sid_connector_rules_dukcapil._index import (
    empty_mask,
    event_list,
    event_ordinals,
    event_person_rows,
    event_rows,
    is_none,
    is_set,
    pick,
    sentinel,
)

LATE_FINE_ID = "Keterlambatan lapor dapat dikenai denda administratif; dokumen kependudukan tidak dipungut biaya."
LATE_FINE_EN = "Late reporting may draw an administrative fine; population documents are free of charge."
_BIRTH_SRC = "UU 23/2006 Pasal 27(1) and Pasal 32 as amended by UU 24/2013 (secondary)"


def _events(ctx: RuleContext, rows: list[int]) -> Iterator[tuple[str, Any, Any]]:
    """(key, event, person or None) of the events at the given indexes of ``village.peristiwa``."""
    keys, events = event_list(ctx)
    people = event_person_rows(ctx)
    positions = ctx.event_positions
    for i in rows:
        found = people[positions[i]]
        yield keys[i], events[i], (found[1] if found else None)


def _of_person(ctx: RuleContext, column: list[Any], rows: list[int], missing: Any) -> list[Any]:
    """A resident column read for the person of each event in ``rows`` (``missing`` when there is none)."""
    return pick(sentinel(column, missing), pick(ctx.event_positions, rows))


def _fields(ctx: RuleContext, name: str, rows: list[int]) -> list[Any]:
    """One attribute of the events at ``rows`` only (a column no rule needs for every event)."""
    return list(map(attrgetter(name), pick(event_list(ctx)[1], rows)))


def _day_numbers(ctx: RuleContext, rows: list[int]) -> tuple[list[int], list[int]]:
    """Day numbers of ``tgl_peristiwa`` (0 when unset) and ``tgl_lapor`` (huge when unset) of the events."""
    return (pick(event_ordinals(ctx, "tgl_peristiwa", 0), rows), pick(event_ordinals(ctx, "tgl_lapor", 10**9), rows))


def _loc(person: Any) -> tuple[Any, Any, Any]:
    return (person.dusun, person.rw, person.rt) if person is not None else (None, None, None)


def _hidup(person: Any) -> bool:
    return person is not None and person.status_dasar in (1, None)


@rule(
    "EVT-BIRTH-60D",
    WARNING,
    (KASI_PEM, KADUS, KETUA_RT),
    title="Kelahiran terlambat dilaporkan",
    description="Lahir (1) event reported more than 60 days after the birth, or a HIDUP child with empty "
    "akta_lahir more than 60 days after the birth (WARNING, noting the SK Kepala Dinas and the late-reporting "
    "fine); INFO reminders from day 30 and day 50 while akta_lahir is empty. KETUA_RT gets reminders only.",
    hint_id="Kelahiran belum/terlambat dilaporkan (batas 60 hari); bantu keluarga mengurus akta kelahiran ke "
    "Disdukcapil.",
    hint_en="The birth is unreported or reported late (60-day limit); help the family obtain the birth "
    "certificate from Disdukcapil.",
    source=_BIRTH_SRC,
    entity="peristiwa",
)
def evt_birth_60d(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, e, child in _events(ctx, _birth_60d_candidates(ctx, event_rows(ctx, 1))):
        yield from _birth_60d(r, ctx, key, e, child)


def _birth_60d_candidates(ctx: RuleContext, rows: list[int]) -> list[int]:
    """Births reported over 60 days late, or at least 30 days old whose child is HIDUP without akta_lahir."""
    happened, reported = _day_numbers(ctx, rows)
    late = map(gt, map(sub, reported, happened), repeat(60))
    due = map(and_, map(le, happened, repeat(ctx.ref_date.toordinal() - 30)), _child_without_akta(ctx, rows))
    return pick(rows, indices(map(or_, late, due)))


def _child_without_akta(ctx: RuleContext, rows: list[int]) -> list[bool]:
    """For each birth event: is its child a HIDUP resident with an empty akta_lahir? (Read for these children
    only, not for the whole village.)"""
    aktas = _of_person(ctx, ctx.column("akta_lahir"), rows, "not empty")
    return list(map(and_, _of_person(ctx, ctx.hidup_mask, rows, False), empty_mask(aktas)))


def _birth_60d(r: Rule, ctx: RuleContext, key: str, e: Any, child: Any) -> Iterator[Finding]:
    reported = days_between(e.tgl_peristiwa, e.tgl_lapor)
    since = days_between(e.tgl_peristiwa, ctx.ref_date)
    no_akta = child is not None and _hidup(child) and empty(child.akta_lahir)
    if (reported is not None and reported > 60) or (no_akta and since is not None and since > 60):
        yield r.finding(
            key,
            "Kelahiran terlambat/belum dilaporkan lebih dari 60 hari; pencatatan setelah 60 "
            f"hari memerlukan SK Kepala Dinas. {LATE_FINE_ID}",
            "Birth reported late or not at all after 60 days; registration after 60 days needs a "
            f"decision (SK) of the Kepala Dinas. {LATE_FINE_EN}",
            record=e,
            location=_loc(child),
        )
    elif no_akta and since is not None and 30 <= since <= 60:
        mark = 50 if since >= 50 else 30
        yield r.finding(
            key,
            f"Pengingat hari ke-{mark}: akta kelahiran belum ada (batas 60 hari).",
            f"Day-{mark} reminder: no birth certificate yet (60-day limit).",
            record=e,
            severity=INFO,
            location=_loc(child),
        )


@rule(
    "EVT-BIRTH-DOCS",
    INFO,
    (KASI_PEM,),
    title="Daftar dokumen kelahiran",
    description="Checklist attached to every new Lahir event (birth within the last 60 days).",
    hint_id="Siapkan: surat keterangan lahir/SPTJM, KK dan KTP-el orang tua, buku nikah/SPTJM, dua saksi.",
    hint_en="Prepare: birth statement/SPTJM, the parents' KK and KTP-el, marriage book/SPTJM, two witnesses.",
    source="Perpres 96/2018, Permendagri 108/2019 (Disdukcapil Jepara requirements list) (secondary)",
    entity="peristiwa",
)
def evt_birth_docs(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, e, child in _events(ctx, _recent(ctx, event_rows(ctx, 1), 60)):
        since = days_between(e.tgl_peristiwa, ctx.ref_date)
        if since is not None and 0 <= since <= 60 and _hidup(child):
            yield r.finding(
                key,
                "Kelahiran baru: siapkan dokumen akta kelahiran.",
                "New birth: prepare the birth-certificate documents.",
                record=e,
                location=_loc(child),
            )


def _recent(ctx: RuleContext, rows: list[int], days: int) -> list[int]:
    """The events of ``rows`` that happened within ``days`` days up to ref_date."""
    today = ctx.ref_date.toordinal()
    happened = pick(event_ordinals(ctx, "tgl_peristiwa", 0), rows)
    return pick(rows, indices(map(and_, map(le, repeat(today - days), happened), map(le, happened, repeat(today)))))


@rule(
    "EVT-BIRTH-DOB",
    WARNING,
    (KASI_PEM,),
    title="Tanggal lahir berbeda dengan peristiwa lahir",
    description="Lahir (1) event whose date differs from the person's tanggallahir, or a HIDUP person still not in "
    "a KK (id_kk or kk_level NULL) more than 60 days after the birth.",
    hint_id="Tanggal peristiwa lahir berbeda dengan tanggal lahir, atau bayi belum dimasukkan ke KK; perbaiki.",
    hint_en="The birth event date differs from the birth date, or the baby is not yet in a KK; correct it.",
    source="domain inference",
    entity="peristiwa",
)
def evt_birth_dob(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, e, child in _events(ctx, _birth_dob_candidates(ctx, event_rows(ctx, 1))):
        if child is None:
            continue
        when = day(e.tgl_peristiwa)
        if when is not None and child.tanggallahir is not None and when != child.tanggallahir:
            yield r.finding(
                key,
                "Tanggal peristiwa lahir berbeda dengan tanggal lahir.",
                "Birth event date differs from the birth date.",
                record=e,
                location=_loc(child),
            )
            continue
        since = days_between(e.tgl_peristiwa, ctx.ref_date)
        not_in_kk = (child.id_kk is None and not child.no_kk) or child.kk_level is None
        if _hidup(child) and not_in_kk and since is not None and since > 60:
            yield r.finding(
                key,
                "Bayi belum dimasukkan ke KK lebih dari 60 hari setelah lahir.",
                "Baby not in a KK more than 60 days after birth.",
                record=e,
                location=_loc(child),
            )


def _birth_dob_candidates(ctx: RuleContext, rows: list[int]) -> list[int]:
    """Births with a known child whose birth day differs from the event's, or who may be outside a KK."""
    happened = pick(event_ordinals(ctx, "tgl_peristiwa", 0), rows)
    odd = map(ne, happened, _of_person(ctx, birth_ordinals(ctx), rows, -1))
    kk_level, id_kk = ctx.column("kk_level"), ctx.column("id_kk")
    if None in kk_level or None in id_kk:
        outside_kk = list(map(or_, is_none(kk_level), is_none(id_kk)))
        odd = map(or_, odd, _of_person(ctx, outside_kk, rows, False))
    known = map(ne, pick(ctx.event_positions, rows), repeat(len(ctx.residents)))
    return pick(rows, indices(map(and_, known, odd)))


@rule(
    "EVT-DEATH-30D",
    WARNING,
    (KETUA_RT, KADUS, KASI_PEM),
    title="Kematian terlambat dilaporkan",
    description="Mati (2) event reported more than 30 days after the death, or with empty akta_mati more than 30 "
    "days after the death; the late-reporting fine note is appended.",
    hint_id="Kematian belum/terlambat dilaporkan (batas 30 hari); Ketua RT/keluarga segera urus akta kematian.",
    hint_en="The death is unreported or reported late (30-day limit); the Ketua RT/family should obtain the "
    "death certificate now.",
    source="UU 23/2006 Pasal 44(1) as amended by UU 24/2013 (secondary)",
    entity="peristiwa",
)
def evt_death_30d(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, e, person in _events(ctx, _death_30d_candidates(ctx, event_rows(ctx, 2))):
        reported = days_between(e.tgl_peristiwa, e.tgl_lapor)
        since = days_between(e.tgl_peristiwa, ctx.ref_date)
        if (reported is not None and reported > 30) or (empty(e.akta_mati) and since is not None and since > 30):
            yield r.finding(
                key,
                f"Kematian terlambat/belum dilaporkan lebih dari 30 hari. {LATE_FINE_ID}",
                f"Death reported late or not at all after 30 days. {LATE_FINE_EN}",
                record=e,
                location=_loc(person),
            )


def _death_30d_candidates(ctx: RuleContext, rows: list[int]) -> list[int]:
    """Deaths reported over 30 days late, or without akta_mati."""
    happened, reported = _day_numbers(ctx, rows)
    late = map(gt, map(sub, reported, happened), repeat(30))
    no_akta = empty_mask(_fields(ctx, "akta_mati", rows))
    return pick(rows, indices(map(or_, late, no_akta)))


@rule(
    "EVT-DEATH-DOCS",
    INFO,
    (SEKDES, KASI_PEM),
    title="Surat keterangan kematian",
    description="Attached to every new Mati event (death within the last 30 days): the village issues the Surat "
    "Keterangan Kematian; a deceased head also needs a new KK (FAM-HEAD-NOT-ALIVE).",
    hint_id="Terbitkan Surat Keterangan Kematian dari desa; jika almarhum kepala keluarga, urus juga KK baru.",
    hint_en="Issue the village's death statement (Surat Keterangan Kematian); if the deceased was the head of "
    "family, also apply for a new KK.",
    source="Perpres 96/2018 Pasal 45 (secondary)",
    entity="peristiwa",
)
def evt_death_docs(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, e, person in _events(ctx, _recent(ctx, event_rows(ctx, 2), 30)):
        since = days_between(e.tgl_peristiwa, ctx.ref_date)
        if since is not None and 0 <= since <= 30:
            head = person is not None and person.kk_level == 1
            yield r.finding(
                key,
                "Kematian baru: terbitkan Surat Keterangan Kematian"
                + ("; almarhum kepala keluarga, perlu KK baru." if head else "."),
                "New death: issue the death statement"
                + ("; the deceased was head, a new KK is needed." if head else "."),
                record=e,
                location=_loc(person),
            )


@rule(
    "EVT-DATES",
    ERROR,
    (KASI_PEM,),
    title="Tanggal peristiwa tidak masuk akal",
    description="A log_penduduk row dated after ref_date, before the person's birth, or after the person's Mati "
    "event; or (events 1, 2, 4) reported before it happened.",
    hint_id="Tanggal peristiwa tidak masuk akal (di masa depan, sebelum lahir, atau sesudah meninggal); perbaiki di "
    "Log Penduduk.",
    hint_en="The event date is implausible (in the future, before birth, or after death); correct it in Log Penduduk.",
    source="domain inference",
    entity="peristiwa",
)
def evt_dates(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    death_of: dict[int, Any] = {}
    for _, e, _ in _events(ctx, event_rows(ctx, 2)):
        if e.id_pend is not None and e.tgl_peristiwa is not None:
            when = day(e.tgl_peristiwa)
            death_of[e.id_pend] = min(when, death_of.get(e.id_pend, when))
    for key, e, person in _events(ctx, _dates_candidates(ctx, death_of)):
        when = day(e.tgl_peristiwa)
        if when is None:
            continue
        died = death_of.get(e.id_pend) if e.id_pend is not None else None
        reasons: list[tuple[str, str]] = []
        if when > ctx.ref_date:
            reasons.append(("di masa depan", "in the future"))
        if person is not None and person.tanggallahir is not None and when < person.tanggallahir:
            reasons.append(("sebelum lahir", "before birth"))
        if died is not None and e.kode_peristiwa != 2 and when > died:
            reasons.append(("sesudah meninggal", "after death"))
        lapor = day(e.tgl_lapor)
        if e.kode_peristiwa in (1, 2, 4) and lapor is not None and lapor < when:
            reasons.append(("dilaporkan sebelum terjadi", "reported before it happened"))
        if reasons:
            yield r.finding(
                key,
                "Tanggal peristiwa " + ", ".join(a for a, _ in reasons) + ".",
                "Event date " + ", ".join(b for _, b in reasons) + ".",
                record=e,
                location=_loc(person),
            )


def _dates_candidates(ctx: RuleContext, death_of: dict[int, Any]) -> list[int]:
    """Events dated after ref_date, before their person's birth or their report, or of a person who died.

    Each test is first asked of the whole column at once (``max``/``min`` of a difference); only a test that
    some event fails is turned into a per-event mask.
    """
    happened = event_ordinals(ctx, "tgl_peristiwa", 0)
    if not happened:
        return []
    reported = event_ordinals(ctx, "tgl_lapor", 10**9)
    born = pick(sentinel(birth_ordinals(ctx), -1), ctx.event_positions)
    today = ctx.ref_date.toordinal()
    masks: list[list[bool]] = []
    if max(happened) > today:
        masks.append(list(map(gt, happened, repeat(today))))
    if min(map(sub, happened, born)) < 0:
        masks.append(list(map(lt, happened, born)))
    if min(map(sub, reported, happened)) < 0:
        masks.append(list(map(lt, reported, happened)))
    id_pend = ctx.event_column("id_pend")
    if death_of and not death_of.keys().isdisjoint(id_pend):
        masks.append(list(map(death_of.__contains__, id_pend)))
    return sorted(set().union(*map(indices, masks)))


@rule(
    "EVT-DUP-LOG",
    ERROR,
    (KASI_PEM,),
    title="Peristiwa tercatat dua kali",
    description="Two or more log_penduduk rows with the same (id_pend, kode_peristiwa, tgl_peristiwa); the person is "
    "matched by NIK when ids are absent.",
    hint_id="Peristiwa yang sama tercatat dua kali; hapus salah satu log.",
    hint_en="The same event is recorded twice; delete one of the logs.",
    source="OpenSID/OpenSID donjo-app/models/migrations/struktur_tabel/2023_12_22_015242_create_log_penduduk_"
    "table.php unique key id_pend_config (v2410.0.0)",
    entity="peristiwa",
)
def evt_dup_log(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not _any_repeated_event(ctx):
        return
    counts: Counter[tuple[Any, ...]] = Counter()
    keyed: list[tuple[str, Any, tuple[Any, ...]]] = []
    for key, e in v.peristiwa.items():
        who = ("id", e.id_pend) if e.id_pend is not None else (("nik", e.nik) if e.nik else None)
        if who is None:
            continue
        ident = (who, e.kode_peristiwa, e.tgl_peristiwa)
        counts[ident] += 1
        keyed.append((key, e, ident))
    for key, e, ident in keyed:
        if counts[ident] > 1:
            found = ctx.person_of_event(e)
            yield r.finding(
                key,
                f"Peristiwa sama tercatat {counts[ident]} kali.",
                f"Same event recorded {counts[ident]} times.",
                record=e,
                location=_loc(found[1] if found else None),
            )


def _any_repeated_event(ctx: RuleContext) -> bool:
    """Does any person (``events_by_person`` groups exactly as EVT-DUP-LOG does) have two events with the same
    kode_peristiwa and tgl_peristiwa? Only people with several events can, and they are few."""
    groups = list(ctx.events_by_person.values())
    for rows in compress(groups, map(gt, map(len, groups), repeat(1))):
        idents = [(e.kode_peristiwa, e.tgl_peristiwa) for _, e in rows]
        if len(set(idents)) < len(idents):
            return True
    return False


@rule(
    "EVT-LOST",
    INFO,
    (KASI_PEM,),
    title="Penduduk hilang",
    description="A person with status_dasar 4 (HILANG); keep them HILANG — a death record needs a court decision.",
    hint_id="Penduduk hilang hanya bisa dicatat meninggal dengan penetapan pengadilan; jangan ubah ke MATI tanpa itu.",
    hint_en="A missing person can only be recorded as dead with a court decision; do not change them to MATI "
    "without one.",
    source="UU 23/2006 Pasal 44(4) (secondary)",
)
def evt_lost(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, p in rows_where(ctx, "status_dasar", (4,), hidup=False):
        if p.status_dasar == 4:
            yield r.finding(key, "Penduduk berstatus HILANG.", "Resident is recorded as missing.", record=p)


@rule(
    "EVT-MOVE-OUT",
    WARNING,
    (KASI_PEM, KADUS),
    title="Data pindah keluar tidak lengkap",
    description="Pindah Keluar (3) event with ref_pindah NULL or not 1-4, or empty alamat_tujuan, or a head who "
    "left while other family members stay HIDUP without their own Pindah Keluar/Pergi event within 30 days. The "
    "message names the document: none for ref_pindah 1-2, SKPWNI for 3-4.",
    hint_id="Lengkapi jenis pindah dan alamat tujuan; jika sekeluarga pindah, catat pindah seluruh anggota.",
    hint_en="Complete the move type and destination address; if the whole family moved, record the move of every "
    "member.",
    source="Permendagri 108/2019 Pasal 29-30; Perpres 96/2018 Pasal 25(3) (secondary)",
    entity="peristiwa",
)
def evt_move_out(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    candidates = list(_events(ctx, _move_out_candidates(ctx, event_rows(ctx, 3))))
    households = _households(ctx, [p for _, _, p in candidates if p is not None and p.kk_level == 1])
    for key, e, person in candidates:
        reasons: list[tuple[str, str]] = []
        if e.ref_pindah not in (1, 2, 3, 4):
            reasons.append(("jenis pindah kosong/tidak dikenal", "move type empty/unknown"))
        if empty(e.alamat_tujuan):
            reasons.append(("alamat tujuan kosong", "destination address empty"))
        if person is not None and person.kk_level == 1 and _members_left_behind(ctx, households, person, e):
            reasons.append(("kepala keluarga pindah, anggota masih tinggal", "head moved out, members stay"))
        if reasons:
            doc_id, doc_en = (
                ("SKPWNI", "SKPWNI") if e.ref_pindah in (3, 4) else ("tanpa surat pindah", "no moving letter")
            )
            yield r.finding(
                key,
                "Pindah keluar: " + ", ".join(a for a, _ in reasons) + f" (dokumen: {doc_id}).",
                "Move out: " + ", ".join(b for _, b in reasons) + f" (document: {doc_en}).",
                record=e,
                location=_loc(person),
            )


_MOVE_TYPES = frozenset((1, 2, 3, 4))


def _move_out_candidates(ctx: RuleContext, rows: list[int]) -> list[int]:
    """Moves out with an unknown type, an empty destination, or by a head of family."""
    unknown = map(not_, map(_MOVE_TYPES.__contains__, pick(ctx.event_column("ref_pindah"), rows)))
    no_address = empty_mask(_fields(ctx, "alamat_tujuan", rows))
    head = map(eq, _of_person(ctx, ctx.column("kk_level"), rows, None), repeat(1))
    return pick(rows, indices(map(or_, map(or_, unknown, no_address), head)))


def _households(ctx: RuleContext, heads: list[Any]) -> dict[Any, list[tuple[str, Any]]]:
    """``ctx.members`` for the family keys of ``heads`` only; when every resident has ``id_kk`` the rows are
    picked out by ``id_kk`` at C speed instead of grouping the whole village."""
    if not heads:
        return {}
    id_kk = ctx.column("id_kk")
    if None in id_kk:
        return ctx.members
    wanted = {p.id_kk for p in heads}
    out: dict[Any, list[tuple[str, Any]]] = {("id", i): [] for i in wanted}
    residents = ctx.residents
    for i in indices(map(wanted.__contains__, id_kk)):
        out[("id", id_kk[i])].append(residents[i])
    return out


def _members_left_behind(ctx: RuleContext, households: dict[Any, list[tuple[str, Any]]], head: Any, event: Any) -> bool:
    fk = family_key_of_penduduk(head)
    if fk is None:
        return False
    for _, member in households.get(fk, ()):
        if member is head or member.status_dasar not in (1, None):
            continue
        moved = any(
            other.kode_peristiwa in (3, 6)
            and abs(days_between(event.tgl_peristiwa, other.tgl_peristiwa) or 10**6) <= 30
            for _, other in ctx.events_of(member)
        )
        if not moved:
            return True
    return False


@rule(
    "EVT-MOVE-IN",
    WARNING,
    (KASI_PEM, KADUS),
    title="Data pindah datang tidak lengkap",
    description="Pindah Masuk (5) event whose person is HIDUP and has a NIK that is not REAL, an empty "
    "alamat_sebelumnya, or no KK. (The foreign-KK-prefix note is KK-REGION's.)",
    hint_id="Pendatang harus punya NIK, alamat asal dan KK; minta SKPWNI/KK asal lalu lengkapi datanya.",
    hint_en="A newcomer must have a NIK, a previous address and a KK; ask for the SKPWNI/original KK and complete "
    "the data.",
    source="Perpres 96/2018 Pasal 4, as applied by Disdukcapil Ende and Kubu Raya (secondary)",
    entity="peristiwa",
)
def evt_move_in(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    rows = event_rows(ctx, 5)
    suspects = pick(rows, indices(_of_person(ctx, _move_in_suspects(ctx), rows, False)))
    for key, e, person in _events(ctx, suspects):
        if not _hidup(person):
            continue
        reasons: list[tuple[str, str]] = []
        if ids.classify_nik(person.nik) != ids.REAL:
            reasons.append(("NIK bukan NIK resmi", "NIK is not an official NIK"))
        if empty(person.alamat_sebelumnya):
            reasons.append(("alamat asal kosong", "previous address empty"))
        if person.id_kk is None and not person.no_kk:
            reasons.append(("belum masuk KK", "not in a KK"))
        if reasons:
            yield r.finding(
                key,
                "Pindah datang: " + ", ".join(a for a, _ in reasons) + ".",
                "Move in: " + ", ".join(b for _, b in reasons) + ".",
                record=e,
                location=_loc(person),
            )


def _move_in_suspects(ctx: RuleContext) -> list[bool]:
    """HIDUP residents whose NIK is not REAL, whose previous address is empty, or without ``id_kk``."""
    odd: Iterator[bool] = iter(empty_mask(ctx.column("alamat_sebelumnya")))
    if not all_niks_real(ctx):
        odd = map(or_, odd, map(ids.REAL.__ne__, nik_class_column(ctx)))
    id_kk = ctx.column("id_kk")
    if None in id_kk:
        odd = map(or_, odd, is_none(id_kk))
    return list(map(and_, ctx.hidup_mask, odd))


@rule(
    "EVT-MOVE-DEF",
    INFO,
    (SEKDES,),
    title="Rekap penduduk tidak tetap/pergi",
    description="Per dusun, the count of HIDUP residents with status 2 (TIDAK TETAP) and of PERGI (6) residents "
    "(Buku Penduduk Sementara summary).",
    hint_id="Tinjau penduduk tidak tetap/pergi; jika sudah menetap lebih dari 1 tahun, proses sebagai pindah.",
    hint_en="Review non-permanent/departed residents; if they have stayed over a year, process them as a move.",
    source="UU 23/2006 Pasal 15(2) (secondary)",
    entity="wilayah",
)
def evt_move_def(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if 2 not in ctx.column("status", hidup=True) and 6 not in ctx.column("status_dasar"):
        return
    tidak_tetap: Counter[str] = Counter()
    pergi: Counter[str] = Counter()
    for _, p in ctx.residents:
        if p.status_dasar in (1, None) and p.status == 2:
            tidak_tetap[p.dusun or "-"] += 1
        elif p.status_dasar == 6:
            pergi[p.dusun or "-"] += 1
    for dusun in sorted(set(tidak_tetap) | set(pergi)):
        a, b = tidak_tetap[dusun], pergi[dusun]
        yield r.finding(
            f"dusun:{dusun}",
            f"{a} penduduk tidak tetap, {b} penduduk pergi.",
            f"{a} non-permanent residents, {b} departed residents.",
            location=(dusun, None, None),
        )


def _civil_reminder(
    r: Rule, ctx: RuleContext, status: int, date_col: str, akta_col: str, words: tuple[str, str]
) -> Iterator[Finding]:
    hidup = ctx.hidup
    for i in _recent_dates(ctx, date_col, 60):
        key, p = hidup[i]
        if p.status_kawin != status:
            continue
        since = days_between(getattr(p, date_col), ctx.ref_date)
        if since is not None and 0 <= since <= 60 and empty(getattr(p, akta_col)):
            yield r.finding(
                key,
                f"{words[0]} {since} hari lalu belum ada nomor akta (batas 60 hari).",
                f"{words[1]} {since} days ago without a certificate number (60-day limit).",
                record=p,
            )


def _recent_dates(ctx: RuleContext, date_col: str, days: int) -> list[int]:
    """Indexes in ``ctx.hidup`` of residents whose ``date_col`` is within ``days`` days up to ref_date."""
    dates = ctx.column(date_col, hidup=True)
    known = indices(is_set(dates))
    if not known:
        return []
    today = ctx.ref_date.toordinal()
    when = ordinals(pick(dates, known), 0)
    if max(when) < today - days or min(when) > today:
        return []
    return pick(known, indices(map(and_, map(le, repeat(today - days), when), map(le, when, repeat(today)))))


@rule(
    "EVT-MARRIAGE-60D",
    INFO,
    (KASI_PEM,),
    title="Perkawinan wajib dilaporkan 60 hari",
    description="KAWIN resident whose tanggalperkawinan is within 60 days before ref_date and akta_perkawinan is "
    'empty (reminder). The "status changed to KAWIN since the last sync" part needs the store\'s history and is '
    "left to the notifier.",
    hint_id="Perkawinan wajib dilaporkan paling lambat 60 hari; lengkapi tanggal dan nomor akta perkawinan.",
    hint_en="A marriage must be reported within 60 days; complete the marriage date and certificate number.",
    source="UU 23/2006 Pasal 34(1) (secondary, verify)",
)
def evt_marriage_60d(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    yield from _civil_reminder(r, ctx, 2, "tanggalperkawinan", "akta_perkawinan", ("Kawin", "Married"))


@rule(
    "EVT-DIVORCE-60D",
    INFO,
    (KASI_PEM,),
    title="Perceraian wajib dilaporkan 60 hari",
    description="CERAI HIDUP resident whose tanggalperceraian is within 60 days before ref_date and akta_perceraian "
    "is empty (reminder); the status-change part needs the store's history.",
    hint_id="Perceraian wajib dilaporkan paling lambat 60 hari setelah putusan; lengkapi tanggal dan nomor akta cerai.",
    hint_en="A divorce must be reported within 60 days of the decision; complete the divorce date and certificate "
    "number.",
    source="UU 23/2006 Pasal 40(1) (secondary, verify)",
)
def evt_divorce_60d(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    yield from _civil_reminder(r, ctx, 3, "tanggalperceraian", "akta_perceraian", ("Cerai", "Divorced"))


RULES = [
    evt_birth_60d,
    evt_birth_docs,
    evt_birth_dob,
    evt_death_30d,
    evt_death_docs,
    evt_dates,
    evt_dup_log,
    evt_lost,
    evt_move_out,
    evt_move_in,
    evt_move_def,
    evt_marriage_60d,
    evt_divorce_60d,
]
