"""Family consistency rules (RULES.md §5): heads, pointers, spouses, generations, family logs, households."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from itertools import compress, repeat
from operator import and_, attrgetter, eq, ne, not_, or_
from typing import Any

from sid_connector.rules.model import Finding, Rule, RuleContext
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil import ids
from sid_connector_rules_dukcapil._base import (
    ERROR,
    KADUS,
    KASI_PEM,
    SEKDES,
    WARNING,
    birth_ordinals,
    born_ordinals,
    indices,
    rule,
)
from sid_connector_rules_dukcapil._index import (
    Families,
    families,
    first_of,
    is_none,
    pick,
    repeated,
)

_PERIKSA = "OpenSID/OpenSID app/Libraries/Periksa.php"
_INFERENCE = "domain inference (meaning of SHDK codes)"
_ALIVE = (1, None)


def _alive(p: Any) -> bool:
    return p.status_dasar in _ALIVE


def _head(ctx: RuleContext, keluarga: Any, members: list[tuple[str, Any]]) -> Any:
    """The head: the person ``nik_kepala`` points to, else a HIDUP ``kk_level = 1`` member, else any."""
    if keluarga.nik_kepala is not None and keluarga.nik_kepala in ctx.by_id:
        return ctx.by_id[keluarga.nik_kepala][1]
    heads = [p for _, p in members if p.kk_level == 1]
    alive = [p for p in heads if _alive(p)]
    return (alive or heads or [None])[0]


FamilyRow = tuple[str, Any, list[tuple[str, Any]]]


def _families(
    v: VillageData, ctx: RuleContext, candidates: Callable[[RuleContext, Families], set[str]]
) -> Iterator[FamilyRow]:
    """``(key, family, members)`` of the families a rule must check, in ``village.keluarga`` order.

    With column-wise membership (:func:`_index.families`), only the ``candidates`` — a superset of the families
    the rule can flag, found with whole-column operations — are read; otherwise every family is.
    """
    fams = families(ctx)
    if fams is None:
        for key, k in v.keluarga.items():
            yield key, k, ctx.members_of(k)
    else:
        yield from fams.rows(candidates(ctx, fams))


def _column_eq(ctx: RuleContext, name: str, value: Any, *, hidup: bool) -> list[bool]:
    """``resident.<name> == value`` for every (HIDUP) resident, once per run."""
    return ctx.memo(
        f"dukcapil.eq:{name}:{value}:{hidup}", lambda: list(map(eq, ctx.column(name, hidup=hidup), repeat(value)))
    )


def _levels(ctx: RuleContext, levels: frozenset[int]) -> Iterator[bool]:
    """``kk_level in levels`` for every HIDUP resident."""
    return map(levels.__contains__, ctx.column("kk_level", hidup=True))


def _unique_ids(ctx: RuleContext) -> bool:
    """No two residents share an OpenSID id, so ``ctx.by_id[i]`` is the only resident with id ``i``."""
    ids_ = ctx.column("id")
    return len(ctx.by_id) == len(ids_) - ids_.count(None)


@rule(
    "FAM-MULTI-HEAD",
    ERROR,
    (KASI_PEM, KADUS),
    title="KK dengan lebih dari satu Kepala Keluarga",
    description="Two or more members of one family with kk_level 1: ERROR if at least two are HIDUP, WARNING if "
    "only one is HIDUP (stale heads).",
    hint_id="Satu KK punya lebih dari satu Kepala Keluarga; ubah hubungan keluarga anggota yang bukan kepala.",
    hint_en="One KK has more than one head of family; change the relationship of the members who are not the head.",
    source=f"{_PERIKSA} deteksiKepalaKeluargaGanda(), check kepala_keluarga_ganda (commit 00349a4d)",
    entity="keluarga",
)
def fam_multi_head(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, k, members in _families(v, ctx, _multi_head_candidates):
        heads = [p for _, p in members if p.kk_level == 1]
        if len(heads) < 2:
            continue
        alive = sum(1 for p in heads if _alive(p))
        if alive == 0:
            continue
        yield r.finding(
            key,
            f"{len(heads)} Kepala Keluarga dalam satu KK ({alive} hidup).",
            f"{len(heads)} heads of family in one KK ({alive} alive).",
            record=k,
            severity=ERROR if alive >= 2 else WARNING,
        )


def _multi_head_candidates(ctx: RuleContext, fams: Families) -> set[str]:
    """Families with two or more kk_level 1 members."""
    return repeated(list(compress(fams.of, _column_eq(ctx, "kk_level", 1, hidup=False)))) - {None}


@rule(
    "FAM-NO-HEAD",
    ERROR,
    (KASI_PEM, KADUS),
    title="KK tanpa Kepala Keluarga",
    description="Active family where no member (any status) has kk_level 1, or whose `nik_kepala` is NULL (the "
    "latter only for sources that carry OpenSID ids). Never auto-delete.",
    hint_id="KK ini tidak punya Kepala Keluarga; tetapkan kepala keluarga sesuai lembar KK.",
    hint_en="This KK has no head of family; set the head as on the KK sheet.",
    source=f"{_PERIKSA} deteksiKeluargaTanpaNikKepala(), check keluarga_tanpa_nik_kepala (commit 00349a4d)",
    entity="keluarga",
)
def fam_no_head(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, k, members in _families(v, ctx, _no_head_candidates):
        if not any(_alive(p) for _, p in members):
            continue
        no_member = not any(p.kk_level == 1 for _, p in members)
        no_pointer = k.id is not None and k.nik_kepala is None
        if no_member or no_pointer:
            yield r.finding(
                key,
                "KK tanpa Kepala Keluarga" + (" (nik_kepala kosong)." if no_pointer else "."),
                "KK without a head of family" + (" (nik_kepala empty)." if no_pointer else "."),
                record=k,
            )


def _no_head_candidates(ctx: RuleContext, fams: Families) -> set[str]:
    """Active families without a kk_level 1 member, or with an id and no nik_kepala."""
    active = ctx.active_families
    found = active - fams.where(_column_eq(ctx, "kk_level", 1, hidup=False), hidup=False)
    pointers = ctx.family_column("nik_kepala")
    if None in pointers:
        no_pointer = map(and_, is_none(pointers), map(ne, ctx.family_column("id"), repeat(None)))
        found |= active.intersection(compress(ctx.village.keluarga, no_pointer))
    return found


@rule(
    "FAM-HEAD-POINTER",
    ERROR,
    (KASI_PEM,),
    title="nik_kepala menunjuk orang yang bukan Kepala Keluarga",
    description="`tweb_keluarga.nik_kepala` (a resident id, not a NIK) is set and points to no resident, to a "
    "resident with kk_level ≠ 1, or to a resident of another family. Needs OpenSID ids.",
    hint_id="Data kepala keluarga di KK menunjuk orang yang bukan Kepala Keluarga; perbaiki kepala keluarga di "
    "menu Keluarga.",
    hint_en="The family's head record points to someone who is not the head of family; correct the head in the "
    "Keluarga menu.",
    source=f"{_PERIKSA} deteksiNikKepalaBukanKepalaKeluarga(), check nik_kepala_bukan_kepala_keluarga (commit "
    "00349a4d); foreign key tweb_keluarga_kepala_fk (v2410.0.0)",
    entity="keluarga",
)
def fam_head_pointer(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.by_id:
        return
    keluarga = list(v.keluarga.items())
    for key, k in pick(keluarga, _head_pointer_candidates(ctx)) if _unique_ids(ctx) else keluarga:
        if k.nik_kepala is None or k.id is None:
            continue
        found = ctx.by_id.get(k.nik_kepala)
        if found is None:
            why_id, why_en = "tidak ada penduduknya", "no such resident"
        elif found[1].kk_level != 1:
            why_id, why_en = "bukan Kepala Keluarga", "not the head of family"
        elif found[1].id_kk != k.id:
            why_id, why_en = "anggota KK lain", "a member of another KK"
        else:
            continue
        yield r.finding(
            key,
            f"nik_kepala menunjuk penduduk id {k.nik_kepala}: {why_id}.",
            f"nik_kepala points to resident id {k.nik_kepala}: {why_en}.",
            record=k,
        )


def _head_pointer_candidates(ctx: RuleContext) -> list[int]:
    """Indexes of the families whose (nik_kepala, id) is not some kk_level 1 resident's (id, id_kk)."""
    heads = _column_eq(ctx, "kk_level", 1, hidup=False)
    fine = set(zip(compress(ctx.column("id"), heads), compress(ctx.column("id_kk"), heads), strict=True))
    pairs = zip(ctx.family_column("nik_kepala"), ctx.family_column("id"), strict=True)
    return indices(map(not_, map(fine.__contains__, pairs)))


@rule(
    "FAM-HEAD-IN-2-KK",
    ERROR,
    (KASI_PEM,),
    title="Satu orang kepala di dua KK",
    description="The same non-NULL `nik_kepala` value appears in two or more `tweb_keluarga` rows.",
    hint_id="Satu orang tercatat sebagai kepala di dua KK; lepaskan kaitan dari KK lama.",
    hint_en="One person is recorded as head of two KKs; unlink them from the old KK.",
    source=f"{_PERIKSA} deteksiKeluargaKepalaGanda(), check keluarga_kepala_ganda (commit 00349a4d)",
    entity="keluarga",
)
def fam_head_in_2_kk(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not repeated(ctx.family_column("nik_kepala")):
        return
    groups: dict[int, list[str]] = {}
    for key, k in v.keluarga.items():
        if k.nik_kepala is not None:
            groups.setdefault(k.nik_kepala, []).append(key)
    for pid, keys in groups.items():
        if len(keys) > 1:
            for key in keys:
                yield r.finding(
                    key,
                    f"Penduduk id {pid} menjadi kepala di {len(keys)} KK.",
                    f"Resident id {pid} is head of {len(keys)} KKs.",
                    record=v.keluarga[key],
                )


@rule(
    "FAM-HEAD-NOT-ALIVE",
    ERROR,
    (KASI_PEM, KADUS),
    title="Kepala keluarga tidak hidup, anggota masih tinggal",
    description="The head (the nik_kepala person, else the kk_level 1 member) has status_dasar ≠ 1 while another "
    "member is HIDUP; OpenSID's keluarga_aktif view silently drops such families.",
    hint_id="Kepala keluarga sudah meninggal/pindah/hilang tetapi anggota masih tinggal; tetapkan kepala baru dan "
    "urus KK baru ke Disdukcapil.",
    hint_en="The head of family has died/moved/gone missing but members still live here; set a new head and apply "
    "for a new KK at Disdukcapil.",
    source="OpenSID/OpenSID view keluarga_aktif (migration 2023_12_22_015243_create_keluarga_aktif_view, "
    "v2410.1.0); family events 2/3/4 in app/Models/LogKeluarga.php; linggapura.desa.id (secondary)",
    entity="keluarga",
)
def fam_head_not_alive(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    candidates = _head_not_alive_candidates if _unique_ids(ctx) else _every_family
    for key, k, members in _families(v, ctx, candidates):
        head = _head(ctx, k, members)
        if head is None or _alive(head):
            continue
        if any(_alive(p) and p is not head for _, p in members):
            yield r.finding(
                key,
                "Kepala keluarga tidak berstatus HIDUP, anggota lain masih HIDUP.",
                "The head of family is not alive/present while other members are.",
                record=k,
            )


def _every_family(ctx: RuleContext, fams: Families) -> set[str]:
    return set(ctx.village.keluarga)


def _head_not_alive_candidates(ctx: RuleContext, fams: Families) -> set[str]:
    """Families whose nik_kepala is a resident who is not HIDUP, or who have no such pointer and a kk_level 1
    member but no HIDUP one (their head is then a member who is not HIDUP). Needs unique resident ids."""
    alive_ids = set(compress(ctx.column("id"), ctx.hidup_mask))
    alive_ids.discard(None)
    pointers = ctx.family_column("nik_kepala")
    rows = indices(map(not_, map(alive_ids.__contains__, pointers)))
    if not rows:
        return set()
    by_id = ctx.by_id
    keys, pointed = pick(list(ctx.village.keluarga), rows), pick(pointers, rows)
    found = {key for key, pointer in zip(keys, pointed, strict=True) if pointer is not None and pointer in by_id}
    if len(found) < len(keys):  # some families have no usable pointer: their head is a kk_level 1 member
        heads = fams.where(_column_eq(ctx, "kk_level", 1, hidup=False), hidup=False)
        found |= set(keys) & (heads - fams.where(_column_eq(ctx, "kk_level", 1, hidup=True), hidup=True))
    return found


@rule(
    "FAM-ORPHAN-HEAD",
    ERROR,
    (KASI_PEM,),
    title="Penduduk di KK yang tidak ada",
    description="A resident (kk_level 1, and by extension any member) whose `id_kk` is set but matches no "
    "`tweb_keluarga` row of this village. Needs OpenSID ids.",
    hint_id="Penduduk tercatat di KK yang tidak ada; buat/pilih KK yang benar untuk penduduk ini.",
    hint_en="The resident is recorded in a KK that does not exist; create or choose the right KK for them.",
    source="OpenSID/OpenSID donjo-app/models/Periksa_model.php (v2410.1.0) and app/Libraries/Periksa.php "
    "deteksiPendudukTanpaKeluarga() (commit 00349a4d), check penduduk_tanpa_keluarga",
)
def fam_orphan_head(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    id_kk = ctx.column("id_kk")
    unknown = set(id_kk) - set(ctx.family_column("id")) - {None}  # ("id", x) keys of ctx.families
    if not unknown:
        return
    for key, p in pick(ctx.residents, indices(map(unknown.__contains__, id_kk))):
        if p.id_kk is not None and ("id", p.id_kk) not in ctx.families:
            role = "Kepala Keluarga" if p.kk_level == 1 else "Anggota"
            yield r.finding(
                key,
                f"{role} tercatat di KK id {p.id_kk} yang tidak ada.",
                f"{'Head' if p.kk_level == 1 else 'Member'} recorded in non-existent KK id {p.id_kk}.",
                record=p,
            )


_ACTIVE_FAMILY_EVENTS = {1, 5, 12, 14}


@rule(
    "FAM-EMPTY",
    WARNING,
    (KASI_PEM,),
    title="KK tanpa anggota yang masih tinggal",
    description="A family with no members at all, or with no HIDUP member while its latest log_keluarga event "
    "(highest id) is 1, 5, 12 or 14 (still recorded as active).",
    hint_id="KK ini tidak punya anggota yang masih tinggal; catat peristiwanya (pindah/mati) atau hapus KK kosong.",
    hint_en="This KK has no members still living here; record the event (moved/died) or delete the empty KK.",
    source='OpenSID umum v2601.0.0 StatusDasarKKEnum "KK Kosong" (third-party copy); OpenSID/OpenSID '
    "app/Models/LogKeluarga.php family-event codes (v2410.1.0)",
    entity="keluarga",
)
def fam_empty(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, k, members in _families(v, ctx, _inactive):
        if not members:
            yield r.finding(key, "KK tanpa anggota.", "KK without members.", record=k)
            continue
        if any(_alive(p) for _, p in members) or k.id is None:
            continue
        log = ctx.family_events.get(k.id)
        if log and log[-1][1].id_peristiwa in _ACTIVE_FAMILY_EVENTS:
            yield r.finding(
                key,
                "KK masih tercatat aktif tetapi tidak ada anggota yang HIDUP.",
                "KK still recorded as active but no member is alive/present.",
                record=k,
            )


def _inactive(ctx: RuleContext, fams: Families) -> set[str]:
    """Families without a HIDUP member (this includes those without any member)."""
    return set(ctx.village.keluarga) - ctx.active_families


@rule(
    "FAM-SPOUSE-SEX",
    WARNING,
    (KASI_PEM,),
    title="Jenis kelamin suami/istri/kepala tidak sesuai",
    description="Among HIDUP members: ISTRI must be female, SUAMI male; with an ISTRI the head must be male, with "
    "a SUAMI the head must be female.",
    hint_id="Jenis kelamin suami/istri/kepala keluarga tidak sesuai hubungan keluarga; periksa lembar KK.",
    hint_en="The sex of husband/wife/head of family does not fit the family relationship; check the KK sheet.",
    source=_INFERENCE,
)
def fam_spouse_sex(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for _, _, all_members in _families(v, ctx, _spouse_sex_candidates):
        members = [(key, p) for key, p in all_members if _alive(p)]
        head = next((p for _, p in members if p.kk_level == 1), None)
        for key, p in members:
            if p.kk_level == 3 and p.sex == 1:
                yield r.finding(key, "ISTRI berjenis kelamin laki-laki.", "ISTRI (wife) is male.", record=p)
            elif p.kk_level == 2 and p.sex == 2:
                yield r.finding(key, "SUAMI berjenis kelamin perempuan.", "SUAMI (husband) is female.", record=p)
        if head is None:
            continue
        levels = {p.kk_level for _, p in members}
        head_key = next(key for key, p in members if p is head)
        if 3 in levels and head.sex == 2:
            yield r.finding(
                head_key,
                "Kepala keluarga perempuan padahal ada ISTRI.",
                "The head is female although there is an ISTRI (wife).",
                record=head,
            )
        elif 2 in levels and head.sex == 1:
            yield r.finding(
                head_key,
                "Kepala keluarga laki-laki padahal ada SUAMI.",
                "The head is male although there is a SUAMI (husband).",
                record=head,
            )


_WRONG_SEX = frozenset(((3, 1), (2, 2)))


def _spouse_sex_candidates(ctx: RuleContext, fams: Families) -> set[str]:
    """Families with a HIDUP male ISTRI or female SUAMI, or with a HIDUP ISTRI and a female HIDUP head, or with
    a HIDUP SUAMI and a male HIDUP head."""
    level_sex = list(zip(ctx.column("kk_level", hidup=True), ctx.column("sex", hidup=True), strict=True))
    found = fams.where(map(_WRONG_SEX.__contains__, level_sex), hidup=True)
    for spouse, head in ((3, (1, 2)), (2, (1, 1))):
        spouses = fams.where(_column_eq(ctx, "kk_level", spouse, hidup=True), hidup=True)
        if spouses:
            found |= spouses & fams.where(map(eq, level_sex, repeat(head)), hidup=True)
    return found


@rule(
    "FAM-SPOUSE-MARRIED",
    WARNING,
    (KASI_PEM,),
    title="Status kawin suami/istri tidak KAWIN",
    description="For each HIDUP SUAMI/ISTRI member, that member and the head must be KAWIN (2); more than one "
    "HIDUP SUAMI, or more than one HIDUP ISTRI, in a family is flagged for review.",
    hint_id="Status kawin suami/istri harus KAWIN; periksa status perkawinan dan susunan keluarga.",
    hint_en="The marital status of husband/wife must be KAWIN (married); check the marital status and the "
    "family composition.",
    source="domain inference",
)
def fam_spouse_married(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for fkey, k, all_members in _families(v, ctx, _spouse_married_candidates):
        members = [(key, p) for key, p in all_members if _alive(p)]
        spouses = [(key, p) for key, p in members if p.kk_level in (2, 3)]
        if not spouses:
            continue
        for key, p in spouses:
            if p.status_kawin != 2:
                yield r.finding(
                    key,
                    "Suami/istri dengan status kawin bukan KAWIN.",
                    "Husband/wife whose marital status is not KAWIN.",
                    record=p,
                )
        for key, p in members:
            if p.kk_level == 1 and p.status_kawin != 2:
                yield r.finding(
                    key,
                    "Kepala keluarga yang punya suami/istri berstatus bukan KAWIN.",
                    "Head with a husband/wife whose marital status is not KAWIN.",
                    record=p,
                )
        for level, word_id, word_en in ((2, "SUAMI", "husbands"), (3, "ISTRI", "wives")):
            count = sum(1 for _, p in spouses if p.kk_level == level)
            if count > 1:
                yield r.finding(
                    f"{fkey}:{word_id}",
                    f"{count} {word_id} hidup dalam satu KK; periksa izin pengadilan.",
                    f"{count} {word_en} alive in one KK; check the court permit.",
                    record=k,
                    entity="keluarga",
                )


_SPOUSES = frozenset((2, 3))
_HEAD_OR_SPOUSE = frozenset((1, 2, 3))


def _spouse_married_candidates(ctx: RuleContext, fams: Families) -> set[str]:
    """Families with a HIDUP SUAMI/ISTRI and either a HIDUP head/SUAMI/ISTRI not KAWIN, or two HIDUP SUAMI or
    two HIDUP ISTRI."""
    with_spouse = fams.where(_levels(ctx, _SPOUSES), hidup=True)
    if not with_spouse:
        return set()
    unmarried = map(ne, ctx.column("status_kawin", hidup=True), repeat(2))
    found = fams.where(map(and_, _levels(ctx, _HEAD_OR_SPOUSE), unmarried), hidup=True)
    for level in _SPOUSES:
        found |= repeated(list(compress(fams.of_hidup, _column_eq(ctx, "kk_level", level, hidup=True))))
    return found & with_spouse


def _born(p: Any) -> date | None:
    return p.tanggallahir


@rule(
    "FAM-CHILD-BEFORE-PARENT",
    WARNING,
    (KASI_PEM,),
    title="Umur anak tidak masuk akal dibanding orang tua",
    description="For each HIDUP ANAK, compared with the head, the head's HIDUP SUAMI/ISTRI, and residents whose "
    "nik equals the child's ayah_nik/ibu_nik: ERROR when the child is older than the parent, WARNING when born "
    "less than 10 years after the parent. Pairs with a missing birth date are skipped.",
    hint_id="Umur anak tidak masuk akal dibanding orang tuanya; periksa tanggal lahir dan hubungan keluarga.",
    hint_en="The child's age is implausible compared with the parent's; check the birth dates and relationships.",
    source="domain inference",
)
def fam_child_before_parent(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for _, _, all_members in _families(v, ctx, _child_candidates):
        members = [(key, p) for key, p in all_members if _alive(p)]
        parents = [p for _, p in members if p.kk_level in (1, 2, 3)]
        for key, child in members:
            if child.kk_level != 4 or child.tanggallahir is None:
                continue
            candidates = list(parents)
            for nik in (child.ayah_nik, child.ibu_nik):
                if nik and ids.classify_nik(nik) in (ids.REAL, ids.TEMP):
                    candidates += [p for _, p in ctx.by_nik.get(nik, ()) if all(p is not c for c in candidates)]
            worst: str | None = None
            for parent in candidates:
                if parent.tanggallahir is None or parent is child:
                    continue
                if child.tanggallahir < parent.tanggallahir:
                    worst = "older"
                    break
                gap = (
                    child.tanggallahir.year
                    - parent.tanggallahir.year
                    - (
                        (child.tanggallahir.month, child.tanggallahir.day)
                        < (parent.tanggallahir.month, parent.tanggallahir.day)
                    )
                )
                if gap < 10:
                    worst = "young"
            if worst == "older":
                yield r.finding(
                    key,
                    "Anak lebih tua dari orang tuanya.",
                    "Child is older than a parent.",
                    record=child,
                    severity=ERROR,
                )
            elif worst == "young":
                yield r.finding(
                    key,
                    "Anak lahir kurang dari 10 tahun setelah orang tuanya.",
                    "Child born less than 10 years after a parent.",
                    record=child,
                )


_PARENTS = frozenset((1, 2, 3))
_TEN_YEARS = 3660
"""More days than any 10 full years (3,653 at most): a child born this many days after every candidate parent
is neither older than one nor born less than 10 years after one."""


def _child_candidates(ctx: RuleContext, fams: Families) -> set[str]:
    """Families with a HIDUP ANAK born less than :data:`_TEN_YEARS` days after one of its candidate parents: the
    family's HIDUP head/SUAMI/ISTRI or a resident holding its ayah_nik/ibu_nik. Birth dates are day numbers,
    and only the youngest candidate parent matters."""
    born = born_ordinals(ctx)
    parent_rows = indices(map(and_, _levels(ctx, _PARENTS), map(ne, born, repeat(-1))))
    youngest: dict[Any, int] = {}
    for fam, day in zip(pick(fams.of_hidup, parent_rows), pick(born, parent_rows), strict=True):
        if day > youngest.get(fam, -1):
            youngest[fam] = day
    children = indices(map(and_, _column_eq(ctx, "kk_level", 4, hidup=True), map(ne, born, repeat(-1))))
    child_fams = pick(fams.of_hidup, children)
    by_nik = _youngest_by_nik(ctx)
    parent_day = map(
        max,
        map(youngest.get, child_fams, repeat(-1)),
        map(by_nik.get, pick(ctx.column("ayah_nik", hidup=True), children), repeat(-1)),
        map(by_nik.get, pick(ctx.column("ibu_nik", hidup=True), children), repeat(-1)),
    )
    limit = map(int.__add__, parent_day, repeat(_TEN_YEARS))
    found = set(compress(child_fams, map(int.__lt__, pick(born, children), limit)))
    found.discard(None)
    return found


def _youngest_by_nik(ctx: RuleContext) -> dict[str, int]:
    """The latest birth day number among the residents (any status) holding each NIK; -1 when none is known."""
    niks, born = ctx.column("nik"), birth_ordinals(ctx)
    found = dict(zip(niks, born, strict=True))
    if len(found) < len(niks):
        twice = repeated(niks)
        rows = indices(map(twice.__contains__, niks))
        for nik in twice:
            found[nik] = -1
        for nik, day in zip(pick(niks, rows), pick(born, rows), strict=True):
            found[nik] = max(found[nik], day)
    found.pop(None, None)
    found.pop("", None)
    return found


@rule(
    "FAM-GENERATION-ORDER",
    WARNING,
    (KASI_PEM,),
    title="Urutan generasi tidak wajar",
    description="HIDUP ORANGTUA (7) and MERTUA (8) must be born before the head; CUCU (6) after the head.",
    hint_id="Urutan umur orang tua/mertua/cucu terhadap kepala keluarga tidak wajar; periksa tanggal lahir dan "
    "hubungan.",
    hint_en="The age order of parent/parent-in-law/grandchild relative to the head is implausible; check birth "
    "dates and relationships.",
    source="domain inference",
)
def fam_generation_order(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for _, _, all_members in _families(v, ctx, _generation_candidates):
        members = [(key, p) for key, p in all_members if _alive(p)]
        head = next((p for _, p in members if p.kk_level == 1), None)
        if head is None or head.tanggallahir is None:
            continue
        for key, p in members:
            if p.tanggallahir is None:
                continue
            if p.kk_level in (7, 8) and p.tanggallahir >= head.tanggallahir:
                yield r.finding(
                    key,
                    "Orang tua/mertua tidak lebih tua dari kepala keluarga.",
                    "Parent/parent-in-law is not older than the head.",
                    record=p,
                )
            elif p.kk_level == 6 and p.tanggallahir <= head.tanggallahir:
                yield r.finding(
                    key,
                    "Cucu tidak lebih muda dari kepala keluarga.",
                    "Grandchild is not younger than the head.",
                    record=p,
                )


_ELDERS = frozenset((7, 8))


def _generation_candidates(ctx: RuleContext, fams: Families) -> set[str]:
    """Families with a HIDUP ORANGTUA/MERTUA born on or after, or a HIDUP CUCU born on or before, the family's
    first HIDUP head (members keep ``residents`` order, so the first head is the first one in the column)."""
    born = born_ordinals(ctx)
    heads = _column_eq(ctx, "kk_level", 1, hidup=True)
    head_day = first_of(list(compress(fams.of_hidup, heads)), list(compress(born, heads)))
    head_day.pop(None, None)
    found: set[str] = set()
    for levels, late in ((_ELDERS, True), (frozenset((6,)), False)):
        rows = indices(map(and_, _levels(ctx, levels), map(ne, born, repeat(-1))))
        if not rows:
            continue
        member_fams = pick(fams.of_hidup, rows)
        if late:  # an unknown head day (-1) only makes a candidate; the check skips it
            odd = map(int.__ge__, pick(born, rows), map(head_day.get, member_fams, repeat(10**9)))
        else:
            odd = map(int.__le__, pick(born, rows), map(head_day.get, member_fams, repeat(-2)))
        found.update(compress(member_fams, odd))
    found.discard(None)
    return found


@rule(
    "FAM-PARENT-LINK",
    WARNING,
    (KASI_PEM,),
    title="NIK ayah/ibu menunjuk jenis kelamin yang salah",
    description="`ayah_nik` resolves (by nik within the village) to a female resident, or `ibu_nik` to a male one.",
    hint_id="NIK ayah menunjuk perempuan atau NIK ibu menunjuk laki-laki; periksa NIK orang tua.",
    hint_en="The father's NIK points to a woman or the mother's NIK to a man; check the parents' NIKs.",
    source="domain inference",
)
def fam_parent_link(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, p in pick(ctx.hidup, _parent_link_candidates(ctx)):
        by_nik = ctx.by_nik
        for nik, wrong_sex, text_id, text_en in (
            (p.ayah_nik, 2, "NIK ayah menunjuk perempuan.", "Father's NIK points to a woman."),
            (p.ibu_nik, 1, "NIK ibu menunjuk laki-laki.", "Mother's NIK points to a man."),
        ):
            if nik and nik != "0" and any(q.sex == wrong_sex for _, q in by_nik.get(nik, ())):
                yield r.finding(key, text_id, text_en, record=p)


def _parent_link_candidates(ctx: RuleContext) -> list[int]:
    """Indexes in ``ctx.hidup`` of residents whose ayah_nik is a woman's NIK or ibu_nik a man's."""
    niks = ctx.column("nik")
    women = set(compress(niks, _column_eq(ctx, "sex", 2, hidup=False)))
    men = set(compress(niks, _column_eq(ctx, "sex", 1, hidup=False)))
    return indices(
        map(
            or_,
            map(women.__contains__, ctx.column("ayah_nik", hidup=True)),
            map(men.__contains__, ctx.column("ibu_nik", hidup=True)),
        )
    )


@rule(
    "FAM-LOG-MISSING",
    WARNING,
    (KASI_PEM, SEKDES),
    title="Riwayat (log) keluarga tidak ada",
    description="A `tweb_keluarga` row with no `log_keluarga` row. Needs OpenSID ids.",
    hint_id="Riwayat (log) keluarga tidak ada; jalankan menu Periksa di OpenSID atau catat peristiwa keluarga baru.",
    hint_en="The family history (log) is missing; run Periksa in OpenSID or record a new-family event.",
    source="OpenSID/OpenSID donjo-app/models/Periksa_model.php (v2410.1.0) and app/Libraries/Periksa.php "
    "deteksiLogKeluargaBermasalah() (commit 00349a4d), check log_keluarga_bermasalah",
    entity="keluarga",
)
def fam_log_missing(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    unlogged = set(ctx.family_column("id")) - set(map(attrgetter("id_kk"), v.peristiwa_keluarga.values()))
    unlogged.discard(None)  # the logged ids are the keys of ctx.family_events
    if not unlogged:
        return
    logs = ctx.family_events
    for key, k in v.keluarga.items():
        if k.id is not None and k.id not in logs:
            yield r.finding(key, "KK tanpa log keluarga.", "KK without a family log.", record=k)


@rule(
    "FAM-LOG-DUP",
    WARNING,
    (KASI_PEM,),
    title="Log keluarga ganda",
    description="Two or more `log_keluarga` rows with the same (id_kk, tgl_peristiwa).",
    hint_id="Ada log keluarga ganda pada tanggal yang sama; hapus salah satunya lewat menu Periksa.",
    hint_en="There are duplicate family logs on the same date; delete one of them through Periksa.",
    source="OpenSID/OpenSID donjo-app/models/Periksa_model.php (v2410.1.0) and app/Libraries/Periksa.php "
    "deteksiLogKeluargaGanda() (commit 00349a4d), check log_keluarga_ganda",
    entity="keluarga",
)
def fam_log_dup(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not repeated(list(map(attrgetter("id_kk", "tgl_peristiwa"), v.peristiwa_keluarga.values()))):
        return
    groups: dict[tuple[int, Any], int] = {}
    for e in v.peristiwa_keluarga.values():
        if e.id_kk is not None:
            groups[(e.id_kk, e.tgl_peristiwa)] = groups.get((e.id_kk, e.tgl_peristiwa), 0) + 1
    keys_by_id = {k.id: key for key, k in v.keluarga.items() if k.id is not None}
    for (id_kk, when), count in groups.items():
        if count > 1:
            key = keys_by_id.get(id_kk, f"id_kk:{id_kk}")
            stamp = when.isoformat(sep=" ") if when else "-"
            yield r.finding(
                f"{key}@{stamp}",
                f"{count} log keluarga pada {stamp}.",
                f"{count} family logs at {stamp}.",
                record=v.keluarga.get(key),
            )


@rule(
    "RTM-MULTI-HEAD",
    WARNING,
    (KASI_PEM,),
    title="Satu orang kepala di lebih dari satu rumah tangga",
    description="The same `tweb_rtm.nik_kepala` (a person id) in two or more `tweb_rtm` rows, and for such a row "
    "the head does not exist or the head's `id_rtm` ≠ `tweb_rtm.no_kk`. Runs only when the tweb_rtm table is "
    "supplied to the run.",
    hint_id="Satu orang menjadi kepala di lebih dari satu rumah tangga (RTM); perbaiki data rumah tangga.",
    hint_en="One person is head of more than one household (RTM); correct the household data.",
    source=f"{_PERIKSA} deteksiKepalaRtmGanda(), check kepala_rtm_ganda (commit 00349a4d)",
    entity="rtm",
)
def rtm_multi_head(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    rows = ctx.tables.get("tweb_rtm") or ()
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        if row.get("nik_kepala") not in (None, "", 0):
            groups.setdefault(int(row["nik_kepala"]), []).append(row)
    for pid, group in groups.items():
        if len(group) < 2:
            continue
        head = ctx.by_id.get(pid)
        for row in group:
            if head is None or str(head[1].id_rtm or "") != str(row.get("no_kk") or ""):
                yield r.finding(
                    f"rtm:{row.get('id')}",
                    f"Penduduk id {pid} kepala di {len(group)} rumah tangga.",
                    f"Resident id {pid} is head of {len(group)} households.",
                    record=head[1] if head else None,
                )


RULES = [
    fam_multi_head,
    fam_no_head,
    fam_head_pointer,
    fam_head_in_2_kk,
    fam_head_not_alive,
    fam_orphan_head,
    fam_empty,
    fam_spouse_sex,
    fam_spouse_married,
    fam_child_before_parent,
    fam_generation_order,
    fam_parent_link,
    fam_log_missing,
    fam_log_dup,
    rtm_multi_head,
]
