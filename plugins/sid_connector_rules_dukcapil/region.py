"""Region-code and area rules (RULES.md §3.4): village code, prefixes, names, BPS confusion, dusun/RT rows.

The village-code rules read the offline Kemendagri list through ``sid_connector.wilayah`` (imported lazily,
so the pack loads even where the list is not installed). Area rules read ``tweb_wil_clusterdesa`` rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Any

from sid_connector.rules.model import Finding, Rule, RuleContext
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil._base import (
    ERROR,
    INFO,
    KADUS,
    KASI_PEM,
    SEKDES,
    WARNING,
    indices,
    rule,
    wilayah_api,
)

_KEPMENDAGRI = "Kepmendagri 300.2.2-2138/2025"
_CONFIG_MIGRATION = ("OpenSID/OpenSID donjo-app/models/migrations/struktur_tabel/2023_12_22_015242_create_config_"
                     "table.php (v2410.0.0)")
_CLUSTER_MIGRATION = ("OpenSID/OpenSID donjo-app/models/migrations/struktur_tabel/2023_12_22_015242_create_tweb_wil_"
                      "clusterdesa_table.php")
_TEN = re.compile(r"\d{10}")


def _code(v: VillageData) -> str:
    """The village code as held by the village key (``Desa.kode_desa`` is normalised and loses dots)."""
    return v.kode_desa or (v.desa.kode_desa if v.desa else None) or ""


@rule(
    "REG-KODE-DESA", ERROR, (SEKDES, KASI_PEM),
    title="Kode desa tidak valid",
    description="config.kode_desa must match ^\\d{10}$ (undotted) and exist at level 4 of the offline Kemendagri "
    "list. While it fails, NIK-TEMP, KK-TEMP, KK-REGION and NIK-VS-DOMICILE do not compare with it.",
    hint_id="Kode desa di Identitas Desa harus 10 angka tanpa titik sesuai Kepmendagri 300.2.2-2138/2025; perbaiki "
    "di menu Identitas Desa.",
    hint_en="The village code in Identitas Desa must be 10 digits without dots as in Kepmendagri "
    "300.2.2-2138/2025; correct it in the Identitas Desa menu.",
    source=f"{_CONFIG_MIGRATION}; {_KEPMENDAGRI}",
    entity="desa",
)
def reg_kode_desa(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    code = _code(v)
    if not _TEN.fullmatch(code):
        yield r.finding("config", "Kode desa bukan 10 angka tanpa titik.", "Village code is not 10 undotted digits.")
    elif wilayah_api().lookup(code) is None:
        yield r.finding("config", f"Kode desa {code} tidak ada di daftar Kemendagri.",
                        f"Village code {code} is not in the Kemendagri list.")


@rule(
    "REG-PREFIX", ERROR, (SEKDES,),
    title="Kode kecamatan/kabupaten/provinsi tidak sesuai kode desa",
    description="In config: kode_kecamatan = kode_desa[0:6], kode_kabupaten = kode_desa[0:4], kode_propinsi = "
    "kode_desa[0:2] (columns that are not set are not compared).",
    hint_id="Kode kecamatan/kabupaten/provinsi tidak sesuai dengan awalan kode desa; samakan di menu Identitas "
    "Desa.",
    hint_en="The kecamatan/kabupaten/province code does not match the prefix of the village code; align them in "
    "the Identitas Desa menu.",
    source=f"Kemendagri code layout; {_CONFIG_MIGRATION}",
    entity="desa",
)
def reg_prefix(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    d = v.desa
    code = _code(v)
    if d is None or not code:
        return
    wrong = [
        column for column, value, length in (
            ("kode_kecamatan", d.kode_kecamatan, 6), ("kode_kabupaten", d.kode_kabupaten, 4),
            ("kode_propinsi", d.kode_propinsi, 2),
        ) if value is not None and value != code[:length]
    ]
    if wrong:
        cols = ", ".join(wrong)
        yield r.finding("config", f"Tidak sesuai awalan kode desa: {cols}.", f"Not the village-code prefix: {cols}.")


@rule(
    "REG-KODE-DESA-NAME", WARNING, (SEKDES,),
    title="Nama wilayah tidak cocok dengan kode",
    description="nama_desa, nama_kecamatan, nama_kabupaten and nama_propinsi in config fuzzy-match (normalised, "
    "ratio ≥ 0.85) the list names of the code's prefixes.",
    hint_id="Nama desa/kecamatan/kabupaten tidak cocok dengan kode wilayah; periksa apakah kodenya salah pilih.",
    hint_en="The village/kecamatan/kabupaten name does not match the region code; check whether the wrong code "
    "was chosen.",
    source=f"{_KEPMENDAGRI} list",
    entity="desa",
)
def reg_kode_desa_name(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    d = v.desa
    code = _code(v)
    if d is None or not _TEN.fullmatch(code):
        return
    api = wilayah_api()
    wrong: list[str] = []
    for column, name, prefix in (
        ("nama_desa", d.nama_desa, code), ("nama_kecamatan", d.nama_kecamatan, code[:6]),
        ("nama_kabupaten", d.nama_kabupaten, code[:4]), ("nama_propinsi", d.nama_propinsi, code[:2]),
    ):
        region = api.lookup(prefix)
        if name and region is not None and not api.names_match(name, region.name):
            wrong.append(f"{column} (daftar: {region.name})")
    if wrong:
        text = ", ".join(wrong)
        yield r.finding("config", f"Nama tidak cocok dengan kode: {text}.",
                        f"Names do not match the code: {text.replace('daftar', 'list')}.")


@rule(
    "REG-DESA-KEL", ERROR, (SEKDES,),
    title="Jenis desa/kelurahan pada kode tidak sah",
    description="A 10-digit desa/kelurahan code must have 1 (kelurahan), 2 (desa) or 3 (desa adat) as the first "
    "digit of its 4-digit part; checked on config.kode_desa.",
    hint_id="Bagian 4 digit terakhir kode desa harus diawali 1 (kelurahan), 2 (desa) atau 3 (desa adat).",
    hint_en="The last 4-digit part of the village code must start with 1 (kelurahan), 2 (desa) or 3 (desa adat).",
    source="Kemendagri coding (1 = kelurahan, 2 = desa); desa adat codes observed in the 2025 list",
    entity="desa",
)
def reg_desa_kel(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    code = _code(v)
    if _TEN.fullmatch(code) and code[6] not in "123":
        yield r.finding("config", f"Digit ke-7 kode desa adalah {code[6]}, bukan 1/2/3.",
                        f"Digit 7 of the village code is {code[6]}, not 1/2/3.")


@rule(
    "REG-NOT-BPS", WARNING, (SEKDES,),
    title="Kode tampaknya kode BPS",
    description="A 7-digit kode_kecamatan; or a 10-digit kode_desa not in the Kemendagri list whose digits 5-7 are "
    "a multiple of 10; or kode_desa equal to kode_desa_bps.",
    hint_id="Kode yang diisi tampaknya kode BPS, bukan kode Kemendagri; gunakan kode Kemendagri untuk kode desa.",
    hint_en="The code entered looks like a BPS code, not a Kemendagri code; use the Kemendagri code as village "
    "code.",
    source="BPS vs Kemendagri layouts (RULES.md §3.1); OpenSID/OpenSID config.kode_desa_bps (Migrasi_2025030171, "
    "v2503+)",
    entity="desa",
)
def reg_not_bps(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    d = v.desa
    code = _code(v)
    reasons: list[tuple[str, str]] = []
    if d is not None and d.kode_kecamatan and len(d.kode_kecamatan) == 7 and d.kode_kecamatan.isdigit():
        reasons.append(("kode kecamatan 7 angka", "7-digit kecamatan code"))
    if _TEN.fullmatch(code) and int(code[4:7]) % 10 == 0 and wilayah_api().lookup(code) is None:
        reasons.append(("kode desa tidak terdaftar dengan pola kecamatan BPS", "unlisted village code with BPS "
                        "kecamatan numbering"))
    if d is not None and d.kode_desa_bps and d.kode_desa_bps == code:
        reasons.append(("kode desa sama dengan kode BPS", "village code equals the BPS code"))
    if reasons:
        yield r.finding("config", "; ".join(a for a, _ in reasons) + ".", "; ".join(b for _, b in reasons) + ".")


def _cluster(ctx: RuleContext, record: Any) -> Any:
    found = ctx.wilayah_by_id.get(record.id_cluster) if record.id_cluster is not None else None
    return found[1] if found else None


def _located_where(ctx: RuleContext, suspect: Callable[[Any], bool]) -> Iterator[tuple[str, str, Any]]:
    """HIDUP residents and active families, as (entity, key, record), whose ``id_cluster`` ``suspect`` flags.

    ``suspect`` is asked once per distinct id_cluster (a village has a few hundred), so a clean village
    reads no record; the active-family set is only needed when a family is flagged.
    """
    flagged = {value for value in set(ctx.column("id_cluster")) if suspect(value)}  # all residents: a superset
    if flagged:
        values, hidup = ctx.column("id_cluster", hidup=True), ctx.hidup
        for i in indices(map(flagged.__contains__, values)):
            yield "penduduk", *hidup[i]
    families = ctx.village.keluarga
    flagged = {value for value in set(map(attrgetter("id_cluster"), families.values())) if suspect(value)}
    if flagged:
        active = ctx.active_families
        for key, k in families.items():
            if k.id_cluster in flagged and key in active:
                yield "keluarga", key, k


def _cluster_of(ctx: RuleContext, id_cluster: Any) -> Any:
    found = ctx.wilayah_by_id.get(id_cluster) if id_cluster is not None else None
    return found[1] if found else None


def _not_an_rt(ctx: RuleContext, id_cluster: Any) -> bool:
    row = _cluster_of(ctx, id_cluster)
    return row is None or (row.rt or "0") == "0"


@rule(
    "REG-CLUSTER-EXISTS", ERROR, (KASI_PEM,),
    title="Alamat (RT) kosong atau tidak valid",
    description="For each HIDUP resident and active family: id_cluster NULL, pointing to no wilayah row of this "
    "village, or to a dusun/RW row (rt = '0'). Needs OpenSID ids.",
    hint_id="Alamat (dusun/RW/RT) penduduk atau keluarga ini kosong/tidak valid; pilih RT yang benar.",
    hint_en="The address (dusun/RW/RT) of this resident or family is empty/invalid; choose the right RT.",
    source="OpenSID/OpenSID app/Models/Wilayah.php (v2410.1.0); foreign keys tweb_penduduk_cluster_fk, "
    "tweb_keluarga_cluster_fk",
)
def reg_cluster_exists(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not v.wilayah:
        return
    for entity, key, rec in _located_where(ctx, lambda value: _not_an_rt(ctx, value)):
        if rec.id is None:
            continue
        row = _cluster(ctx, rec)
        if rec.id_cluster is None:
            why_id, why_en = "id_cluster kosong", "id_cluster empty"
        elif row is None:
            why_id, why_en = "id_cluster tidak ada di wilayah desa", "id_cluster not among this village's areas"
        elif (row.rt or "0") == "0":
            why_id, why_en = "menunjuk dusun/RW, bukan RT", "points to a dusun/RW row, not an RT"
        else:
            continue
        yield r.finding(key, f"Alamat tidak valid: {why_id}.", f"Invalid address: {why_en}.", record=rec,
                        entity=entity, location=(None, None, None))


@rule(
    "REG-CLUSTER-NO-RT", WARNING, (KASI_PEM, KADUS),
    title="Belum ditempatkan di RT",
    description="A HIDUP resident or active family on an RT placeholder row (rt = '-') in a dusun that also has "
    "real RT rows.",
    hint_id="Penduduk/keluarga belum ditempatkan di RT; pilih RT yang sesuai di dusun ini.",
    hint_en="The resident/family is not placed in an RT; choose the right RT in this dusun.",
    source="OpenSID/OpenSID app/Models/Wilayah.php row convention (RULES.md §3.3, v2410.1.0)",
)
def reg_cluster_no_rt(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    with_rt: set[Any] | None = None
    for entity, key, rec in _located_where(ctx, lambda value: _maybe_placeholder(ctx, value)):
        row = _cluster(ctx, rec)
        rt, dusun = (row.rt, row.dusun) if row is not None else (rec.rt, rec.dusun)
        if rt != "-":
            continue
        if with_rt is None:
            with_rt = _dusun_with_rt(ctx)
        if dusun in with_rt:
            yield r.finding(key, "Belum ditempatkan di RT, padahal dusun ini punya RT.",
                            "Not placed in an RT although this dusun has RTs.", record=rec, entity=entity)


def _maybe_placeholder(ctx: RuleContext, id_cluster: Any) -> bool:
    """The record is on an RT placeholder row, or has no row and its own ``rt`` must be read."""
    row = _cluster_of(ctx, id_cluster)
    return row is None or row.rt == "-"


def _dusun_with_rt(ctx: RuleContext) -> set[Any]:
    """Dusun that have a real RT, by their wilayah rows or by where HIDUP residents live."""
    blank = (None, "0", "-")
    with_rt = {w.dusun for w in ctx.village.wilayah.values() if w.rt not in blank}
    dusun, rt = ctx.column("dusun", hidup=True), ctx.column("rt", hidup=True)
    return with_rt | {d for d, t in set(zip(dusun, rt, strict=True)) if t not in blank}


@rule(
    "REG-DUSUN-DUP", WARNING, (SEKDES, KASI_PEM),
    title="Nama dusun ganda",
    description="Two or more distinct dusun strings in tweb_wil_clusterdesa that are equal after lower-casing and "
    "trimming; one finding per group listing the variants.",
    hint_id="Ada nama dusun ganda yang hanya beda huruf besar/spasi; satukan menjadi satu dusun.",
    hint_en="There are duplicate dusun names differing only in case/spaces; merge them into one dusun.",
    source="OpenSID/OpenSID app/Libraries/Periksa.php deteksiDuplikasiCluster(), check data_cluster "
    "(commit 00349a4d)",
    entity="wilayah",
)
def reg_dusun_dup(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    groups: dict[str, set[str]] = {}
    for w in v.wilayah.values():
        if w.dusun is not None:
            groups.setdefault(w.dusun.strip().lower(), set()).add(w.dusun)
    for name, variants in sorted(groups.items()):
        if len(variants) > 1:
            text = ", ".join(repr(x) for x in sorted(variants))
            yield r.finding(f"dusun:{name}", f"Nama dusun ganda: {text}.", f"Duplicate dusun names: {text}.",
                            location=(sorted(variants)[0], None, None))


@rule(
    "REG-RT-UNIQUE", ERROR, (SEKDES,),
    title="RT tercatat dua kali",
    description="Two or more wilayah rows with the same (dusun, rw, rt), compared exactly.",
    hint_id="RT yang sama tercatat dua kali; gabungkan wilayahnya.",
    hint_en="The same RT is recorded twice; merge the areas.",
    source=f"{_CLUSTER_MIGRATION}, unique key rt_config (v2410.0.0)",
    entity="wilayah",
)
def reg_rt_unique(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    groups: dict[tuple[Any, ...], list[str]] = {}
    for key, w in v.wilayah.items():
        groups.setdefault((w.dusun, w.rw, w.rt), []).append(key)
    for (dusun, rw, rt), keys in groups.items():
        if len(keys) > 1:
            for key in keys:
                yield r.finding(key, f"Wilayah {dusun}/{rw}/{rt} tercatat {len(keys)} kali.",
                                f"Area {dusun}/{rw}/{rt} recorded {len(keys)} times.", location=(dusun, rw, rt))


def _head_missing(ctx: RuleContext, w: Any) -> bool:
    """No head, or the head is a resident who is not HIDUP."""
    if w.id_kepala is None:
        return True
    found = ctx.by_id.get(w.id_kepala)
    return found is not None and found[1].status_dasar not in (1, None)


def _populated(ctx: RuleContext) -> tuple[set[Any], set[tuple[Any, Any, Any]], set[int]]:
    """Dusun, (dusun, rw, rt) and id_cluster values where HIDUP residents live; set operations on columns."""

    def build() -> tuple[set[Any], set[tuple[Any, Any, Any]], set[int]]:
        dusun = ctx.column("dusun", hidup=True)
        rts = set(zip(dusun, ctx.column("rw", hidup=True), ctx.column("rt", hidup=True), strict=True))
        clusters = set(ctx.column("id_cluster", hidup=True))
        clusters.discard(None)
        return {d for d, _, _ in rts}, rts, clusters

    return ctx.memo("dukcapil.populated", build)


@rule(
    "REG-KADUS-MISSING", INFO, (SEKDES,),
    title="Kepala dusun belum diisi",
    description="A dusun row (rw = '0', rt = '0') with id_kepala NULL or pointing to a resident who is not HIDUP, "
    "while a HIDUP resident lives in that dusun.",
    hint_id="Kepala dusun belum diisi di menu Wilayah; isi agar laporan per dusun terkirim ke orang yang tepat.",
    hint_en="The head of dusun is not set in the Wilayah menu; set it so per-dusun reports reach the right person.",
    source=f"{_CLUSTER_MIGRATION}, column id_kepala (v2410.0.0)",
    entity="wilayah",
)
def reg_kadus_missing(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, w in v.wilayah.items():
        if w.id is None:  # a workbook carries no area heads: nothing to judge
            continue
        if w.level == "dusun" and _head_missing(ctx, w) and w.dusun in _populated(ctx)[0]:
            yield r.finding(key, f"Kepala dusun {w.dusun} belum diisi atau tidak hidup.",
                            f"Head of dusun {w.dusun} missing or not alive.", location=(w.dusun, None, None))


@rule(
    "REG-KETUA-RT-MISSING", INFO, (SEKDES, KADUS),
    title="Ketua RT belum diisi",
    description="An RT row (rt not '0'/'-') with id_kepala NULL or pointing to a resident who is not HIDUP, while "
    "HIDUP residents live in it.",
    hint_id="Ketua RT belum diisi di menu Wilayah; isi agar pengingat (misalnya pelaporan kematian) sampai ke RT.",
    hint_en="The head of RT is not set in the Wilayah menu; set it so reminders (e.g. death reporting) reach the "
    "RT.",
    source=f"{_CLUSTER_MIGRATION}, column id_kepala (v2410.0.0)",
    entity="wilayah",
)
def reg_ketua_rt_missing(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, w in v.wilayah.items():
        if w.rt in (None, "0", "-") or w.id is None:  # no ids (workbook): heads are unknown, not missing
            continue
        if not _head_missing(ctx, w):
            continue
        _, rts, clusters = _populated(ctx)
        if (w.id is not None and w.id in clusters) or (w.dusun, w.rw, w.rt) in rts:
            yield r.finding(key, f"Ketua RT {w.rt} ({w.dusun}) belum diisi atau tidak hidup.",
                            f"Head of RT {w.rt} ({w.dusun}) missing or not alive.", location=(w.dusun, w.rw, w.rt))


RULES = [
    reg_kode_desa, reg_prefix, reg_kode_desa_name, reg_desa_kel, reg_not_bps, reg_cluster_exists,
    reg_cluster_no_rt, reg_dusun_dup, reg_rt_unique, reg_kadus_missing, reg_ketua_rt_missing,
]
