"""Nomor KK rules (RULES.md §2.2): format, temporary numbers, date and region parts, uniqueness, membership."""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from sid_connector.rules.model import Finding, Rule, RuleContext, family_key_of_penduduk
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil import ids
from sid_connector_rules_dukcapil._base import (
    ERROR,
    KADUS,
    KASI_PEM,
    WARNING,
    active_family,
    empty,
    indices,
    kode_desa_usable,
    nik_classes,
    rule,
    show_id,
)
from sid_connector_rules_dukcapil._index import all_real, is_none, is_set, pick, repeated


def _kk_classes(ctx: RuleContext) -> list[str]:
    """``ids.classify_kk`` of every family's ``no_kk``, aligned with ``village.keluarga``.

    The usual answer, every number REAL, is proven for the whole column at once (:func:`_index.all_real`).
    """

    def build() -> list[str]:
        numbers = ctx.family_column("no_kk")
        if all_real(numbers):
            return [ids.REAL] * len(numbers)
        classes = {n: ids.classify_kk(n) for n in set(numbers)}
        return list(map(classes.__getitem__, numbers))

    return ctx.memo("dukcapil.kk_classes", build)


def _class_rows(ctx: RuleContext, cls: str) -> list[int]:
    """Indexes (in ``village.keluarga`` order) of the families whose ``no_kk`` class is ``cls``."""
    classes = _kk_classes(ctx)
    return indices(map(cls.__eq__, classes)) if cls in classes else []


def _families_of_class(ctx: RuleContext, cls: str) -> list[tuple[str, Any]]:
    """``(key, family)`` of the families whose ``no_kk`` class is ``cls``."""
    rows = _class_rows(ctx, cls)
    return pick(list(ctx.village.keluarga.items()), rows) if rows else []


_SIAK = "SIAK guidance \"kombinasi variabel kode wilayah, tanggal pencatatan dan nomor seri keluarga\" (secondary)"


@rule(
    "KK-FORMAT", ERROR, (KASI_PEM,),
    title="Nomor KK tidak berformat 16 angka",
    description="Every `tweb_keluarga.no_kk` must be class REAL or TEMP (empty, '0' and wrong lengths are ERROR); "
    "a non-empty `tweb_penduduk.no_kk_sebelumnya` gets the same check as a WARNING.",
    hint_id="Nomor KK harus 16 angka sesuai lembar KK; perbaiki di menu Keluarga.",
    hint_en="The KK number must be 16 digits as on the KK sheet; correct it in the Keluarga menu.",
    source="OpenSID/OpenSID donjo-app/models/Impor_model.php, donjo-app/models/Keluarga_model.php "
    "validasi_data_keluarga() (v2410.1.0)",
    entity="keluarga",
)
def kk_format(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, k in _families_of_class(ctx, ids.MALFORMED):
        yield r.finding(key, "Nomor KK kosong atau tidak valid (bukan 16 angka).",
                        "KK number empty or invalid (not 16 digits).", record=k)
    previous = ctx.column("no_kk_sebelumnya")
    if previous.count(None) == len(previous):
        return
    for key, p in pick(ctx.residents, indices(is_set(previous))):
        if empty(p.no_kk_sebelumnya):
            continue
        if ids.classify_kk(ids.norm_id(p.no_kk_sebelumnya)) == ids.MALFORMED:
            yield r.finding(key, "Nomor KK sebelumnya tidak valid (bukan 16 angka).",
                            "Previous KK number invalid (not 16 digits).", record=p, severity=WARNING,
                            entity="penduduk")


@rule(
    "KK-TEMP", WARNING, (KASI_PEM, KADUS),
    title="Nomor KK masih sementara",
    description="Active family whose `no_kk` is class TEMP; \"kode desa tidak cocok\" is added when digits 2-11 "
    "differ from config.kode_desa.",
    hint_id="Nomor KK masih sementara (diawali 0); urus KK resmi ke Disdukcapil lalu ganti nomornya.",
    hint_en="The KK number is still temporary (starts with 0); obtain an official KK from Disdukcapil and replace "
    "the number.",
    source="OpenSID/OpenSID app/Models/Keluarga.php formatNomerKKSementara(); donjo-app/models/Keluarga_model.php "
    "nokk_sementara (v2410.1.0)",
    entity="keluarga",
)
def kk_temp(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    temporary = _families_of_class(ctx, ids.TEMP)
    check_code = temporary and kode_desa_usable(ctx)
    for key, k in temporary:
        if not active_family(ctx, k, key):
            continue
        mismatch = check_code and ids.temp_village_code(k.no_kk) != ctx.kode_desa
        yield r.finding(key, f"Nomor KK sementara {show_id(k.no_kk)}" + ("; kode desa tidak cocok." if mismatch
                                                                        else "."),
                        f"Temporary KK number {show_id(k.no_kk)}" + ("; village code does not match."
                                                                     if mismatch else "."), record=k)


@rule(
    "KK-DATE", WARNING, (KASI_PEM,),
    title="Tanggal pada nomor KK tidak wajar",
    description="REAL `no_kk` whose digits 7-12 (DDMMYY, no +40, century 20YY unless after ref_date) are no real "
    "date or a date after ref_date.",
    hint_id="Bagian tanggal pada nomor KK (digit 7-12) tidak wajar; cocokkan dengan lembar KK.",
    hint_en="The date part of the KK number (digits 7-12) is implausible; check it against the KK sheet.",
    source=_SIAK,
    entity="keluarga",
)
def kk_date(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, k in _kk_date_candidates(ctx):
        recorded = ids.kk_date(k.no_kk, ctx.ref_date)
        if recorded is None or recorded > ctx.ref_date:
            yield r.finding(key, f"Nomor KK {show_id(k.no_kk)}: bagian tanggal tidak wajar.",
                            f"KK number {show_id(k.no_kk)}: implausible date part.", record=k)


def _kk_date_candidates(ctx: RuleContext) -> list[tuple[str, Any]]:
    """REAL families whose date digits (7-12) are no plausible date, judged once per distinct date block."""
    rows = _class_rows(ctx, ids.REAL)
    numbers = pick(ctx.family_column("no_kk"), rows)
    blocks = list(map(_DATE_DIGITS, numbers))
    sample = dict(zip(blocks, numbers, strict=True))  # one number per block: ids.kk_date reads only the block
    bad = {block for block, no_kk in sample.items() if _implausible(ids.kk_date(no_kk, ctx.ref_date), ctx)}
    if not bad:
        return []
    return pick(list(ctx.village.keluarga.items()), pick(rows, indices(map(bad.__contains__, blocks))))


_DATE_DIGITS = itemgetter(slice(6, 12))
_PREFIX = itemgetter(slice(0, 6))


def _implausible(recorded: Any, ctx: RuleContext) -> bool:
    return recorded is None or recorded > ctx.ref_date


@rule(
    "KK-REGION", WARNING, (KASI_PEM,),
    title="KK diterbitkan di kecamatan lain",
    description="REAL `no_kk` whose digits 1-6 differ from config.kode_desa[0:6]: moved in without a new KK, or a "
    "pre-pemekaran code.",
    hint_id="KK diterbitkan di kecamatan lain; jika keluarga sudah pindah datang, minta Disdukcapil menerbitkan "
    "KK baru.",
    hint_en="The KK was issued in another kecamatan; if the family has moved in, ask Disdukcapil to issue a new KK.",
    source="KK structure (RULES.md §2.1); linggapura.desa.id (the KK changes on moving) (secondary)",
    entity="keluarga",
)
def kk_region(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not kode_desa_usable(ctx):
        return
    home = ctx.kode_desa[:6]
    rows = _class_rows(ctx, ids.REAL)
    prefixes = list(map(_PREFIX, pick(ctx.family_column("no_kk"), rows)))
    if set(prefixes) <= {home}:
        return
    for key, k in pick(list(v.keluarga.items()), pick(rows, indices(map(home.__ne__, prefixes)))):
        if k.no_kk[:6] != home:
            yield r.finding(key, "KK diterbitkan di kecamatan lain: keluarga pindah datang tanpa KK baru, atau "
                            "kode lama sebelum pemekaran.",
                            "KK issued in another kecamatan: the family moved in without a new KK, or an old code "
                            "from before a split.", record=k)


@rule(
    "KK-UNIQUE", ERROR, (KASI_PEM,),
    title="Nomor KK dipakai lebih dari satu keluarga",
    description="Two or more `tweb_keluarga` rows of one village share the same normalised `no_kk`.",
    hint_id="Nomor KK dipakai oleh lebih dari satu keluarga; gabungkan atau perbaiki nomor KK yang salah.",
    hint_en="The KK number is used by more than one family; merge them or correct the wrong KK number.",
    source="OpenSID/OpenSID donjo-app/models/migrations/struktur_tabel/2023_12_22_015242_create_tweb_keluarga_"
    "table.php unique key no_kk_config (v2410.0.0)",
    entity="keluarga",
)
def kk_unique(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not repeated(ctx.family_column("no_kk")) - {"", "0"}:
        return
    groups: dict[str, list[str]] = {}
    for key, k in v.keluarga.items():
        if k.no_kk and k.no_kk != "0":
            groups.setdefault(k.no_kk, []).append(key)
    for no_kk, keys in groups.items():
        if len(keys) > 1:
            for key in keys:
                yield r.finding(key, f"Nomor KK {show_id(no_kk)} dipakai {len(keys)} keluarga.",
                                f"KK number {show_id(no_kk)} is used by {len(keys)} families.",
                                record=v.keluarga[key])


@rule(
    "KK-ONE-PER-PERSON", ERROR, (KASI_PEM,),
    title="Penduduk tercatat di lebih dari satu KK",
    description="Across all villages synced (this village plus the other villages passed to the run), the same "
    "REAL NIK belongs to HIDUP residents in two or more different families (different no_kk or village).",
    hint_id="Penduduk ini tercatat di lebih dari satu KK/desa; pastikan hanya satu yang aktif dan catat pindahnya.",
    hint_en="This resident is recorded in more than one KK/village; make sure only one is active and record the "
    "move.",
    source="SIAK guidance \"setiap penduduk dicatat hanya pada 1 KK\" (secondary)",
)
def kk_one_per_person(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.other_villages and not repeated(ctx.column("nik", hidup=True)):
        return  # a NIK in two families here is a NIK held by two HIDUP residents
    classes = nik_classes(ctx)
    # Only NIKs held by two HIDUP rows here, or also present elsewhere, can be in two families.
    ours = [(key, p) for key, p in ctx.hidup if classes[key] == ids.REAL]
    elsewhere = {p.nik for o in ctx.other_villages for p in o.penduduk.values() if p.status_dasar in (1, None)}
    seen: set[str] = set()
    twice = {p.nik for _, p in ours if p.nik in seen or seen.add(p.nik)}
    suspects = twice | (elsewhere & seen)
    if not suspects:
        return
    homes: dict[str, set[tuple[str, str]]] = {}
    for _, p in ours:
        if p.nik in suspects:
            homes.setdefault(p.nik, set()).add((v.kode_desa, p.no_kk or f"kk-id:{p.id_kk}"))
    for other in ctx.other_villages:
        for p in other.penduduk.values():
            if p.status_dasar in (1, None) and p.nik in homes:
                homes[p.nik].add((other.kode_desa, p.no_kk or f"kk-id:{p.id_kk}"))
    for key, p in ours:
        places = homes.get(p.nik)
        if places and len(places) > 1:
            villages = len({code for code, _ in places})
            yield r.finding(key, f"NIK {show_id(p.nik)} hidup di {len(places)} KK ({villages} desa).",
                            f"NIK {show_id(p.nik)} is alive in {len(places)} KKs ({villages} villages).", record=p)


@rule(
    "KK-PENDUDUK-LEPAS", WARNING, (KASI_PEM, KADUS),
    title="Penduduk tetap belum masuk KK",
    description="HIDUP resident with status 1 (TETAP) that belongs to no family (`id_kk` NULL and no resolved "
    "no_kk): a penduduk lepas.",
    hint_id="Penduduk tetap ini belum masuk KK mana pun; tambahkan ke KK yang sesuai (menu Keluarga).",
    hint_en="This permanent resident is not in any KK; add them to the right KK (Keluarga menu).",
    source="SIAK guidance (every resident in one KK) (secondary); OpenSID/OpenSID donjo-app/models/migrations/"
    "struktur_tabel/2023_12_22_015242_create_tweb_penduduk_table.php (id_kk nullable, v2410.0.0)",
)
def kk_penduduk_lepas(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    id_kk = ctx.column("id_kk", hidup=True)
    if None not in id_kk:
        return
    for key, p in pick(ctx.hidup, indices(is_none(id_kk))):
        if p.status == 1 and family_key_of_penduduk(p) is None:
            yield r.finding(key, "Penduduk tetap tanpa KK.", "Permanent resident without a KK.", record=p)


RULES = [kk_format, kk_temp, kk_date, kk_region, kk_unique, kk_one_per_person, kk_penduduk_lepas]
