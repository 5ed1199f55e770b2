"""NIK rules (RULES.md §1.2): format, temporary numbers, structure, uniqueness, parents, citizenship."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from operator import eq, itemgetter
from typing import Any

from sid_connector.rules.model import Finding, Rule, RuleContext
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil import ids
from sid_connector_rules_dukcapil._base import (
    ERROR,
    INFO,
    KADUS,
    KASI_PEM,
    WARNING,
    all_niks_real,
    classify_niks,
    days_between,
    empty,
    hidup_nik_classes,
    indices,
    kode_desa_usable,
    latest_event,
    nik_class_column,
    nik_classes,
    nik_date_mismatches,
    nik_slices,
    norm_text,
    real_niks,
    rows_where,
    rows_with,
    rule,
    show_id,
    suspect_rows,
    wilayah_api,
)

_KLATEN = "Disdukcapil Kabupaten Klaten, \"Arti 16 digit Nomor Induk Kependudukan (NIK)\""
_PROVINCES = frozenset(
    [
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36",
        "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82",
        "91", "92", "93", "94", "95", "96",
    ]
)


@rule(
    "NIK-FORMAT", ERROR, (KASI_PEM,),
    title="NIK tidak berformat 16 angka",
    description="`tweb_penduduk.nik` of any row (any status_dasar) is class MALFORMED: wrong length, non-digits "
    "or scientific notation.",
    hint_id="Perbaiki NIK agar tepat 16 angka sesuai KK/KTP-el; jika belum punya NIK, kosongkan agar dibuat NIK "
    "sementara.",
    hint_en="Correct the NIK to exactly 16 digits as on the KK/KTP-el; if the person has no NIK yet, leave it empty "
    "so a temporary NIK is generated.",
    source="OpenSID/OpenSID app/Models/Penduduk.php nik_error(); donjo-app/models/Impor_model.php "
    "data_import_valid() (v2410.1.0)",
)
def nik_format(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    classes = nik_class_column(ctx)
    if ids.MALFORMED not in classes:
        return
    for cls, (key, p) in zip(classes, ctx.residents, strict=True):
        if cls == ids.MALFORMED:
            yield r.finding(key, f"NIK tidak valid ({len(p.nik)} karakter, bukan 16 angka).",
                            f"Invalid NIK ({len(p.nik)} characters, not 16 digits).", record=p)


@rule(
    "NIK-ZERO", WARNING, (KASI_PEM, KADUS),
    title="Penduduk belum punya NIK",
    description="HIDUP resident whose `nik` is class MISSING (NULL, empty or '0').",
    hint_id="Penduduk ini belum punya NIK; minta KK/KTP-el atau ajukan ke Disdukcapil, lalu isi NIK-nya.",
    hint_en="This resident has no NIK yet; ask for the KK/KTP-el or apply at Disdukcapil, then fill in the NIK.",
    source="OpenSID/OpenSID app/Models/Penduduk.php nik_error(); donjo-app/models/Impor_model.php (v2410.1.0)",
)
def nik_zero(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if all_niks_real(ctx) or ids.MISSING not in (classes := hidup_nik_classes(ctx)):
        return
    for cls, (key, p) in zip(classes, ctx.hidup, strict=True):
        if cls == ids.MISSING:
            yield r.finding(key, "NIK kosong.", "NIK is empty.", record=p)


@rule(
    "NIK-TEMP", WARNING, (KASI_PEM, KADUS),
    title="NIK masih sementara",
    description="HIDUP resident whose `nik` is class TEMP. INFO while the latest event is Lahir (1) or Pindah "
    "Masuk (5) at most 60 days before ref_date; WARNING otherwise, and always WARNING (\"kode desa tidak cocok\") "
    "when digits 2-11 differ from config.kode_desa.",
    hint_id="NIK masih sementara (diawali 0); urus NIK resmi ke Disdukcapil lalu ganti di OpenSID.",
    hint_en="The NIK is still temporary (starts with 0); obtain an official NIK from Disdukcapil and replace it "
    "in OpenSID.",
    source="OpenSID/OpenSID app/Models/Penduduk.php nikSementara() (v2410.1.0)",
)
def nik_temp(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if all_niks_real(ctx) or ids.TEMP not in (classes := hidup_nik_classes(ctx)):
        return
    check_code = kode_desa_usable(ctx)
    for cls, (key, p) in zip(classes, ctx.hidup, strict=True):
        if cls != ids.TEMP:
            continue
        masked = show_id(p.nik)
        if check_code and ids.temp_village_code(p.nik) != ctx.kode_desa:
            yield r.finding(key, f"NIK sementara {masked}; kode desa tidak cocok.",
                            f"Temporary NIK {masked}; village code does not match.", record=p, severity=WARNING)
            continue
        event = latest_event(ctx, p)
        recent = event is not None and event.kode_peristiwa in (1, 5) and (
            (days_between(event.tgl_peristiwa, ctx.ref_date) or 10**6) <= 60
        )
        yield r.finding(key, f"NIK sementara {masked}.", f"Temporary NIK {masked}.", record=p,
                        severity=INFO if recent else WARNING)


@rule(
    "NIK-TEMP-DUP", WARNING, (KASI_PEM,),
    title="Data ganda dengan NIK sementara",
    description="Two or more residents with a TEMP or MISSING `nik` and the same normalised nama, tanggallahir, "
    "normalised tempatlahir and sex; one finding per group.",
    hint_id="Ada data ganda dengan NIK sementara; periksa dan hapus/gabungkan salah satunya.",
    hint_en="There is a duplicate record with a temporary NIK; check it and delete or merge one of them.",
    source="OpenSID/OpenSID app/Models/Penduduk.php validasi(), temporary-NIK duplicate check (v2410.1.0)",
)
def nik_temp_dup(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    classes = nik_class_column(ctx)
    if ids.TEMP not in classes and ids.MISSING not in classes:
        return
    groups: dict[tuple[Any, ...], list[tuple[str, Any]]] = {}
    for cls, (key, p) in zip(classes, ctx.residents, strict=True):
        if cls in (ids.TEMP, ids.MISSING) and p.nama and p.tanggallahir:
            ident = (norm_text(p.nama), p.tanggallahir, norm_text(p.tempatlahir), p.sex)
            groups.setdefault(ident, []).append((key, p))
    for rows in groups.values():
        if len(rows) > 1:
            key, p = rows[0]
            others = ", ".join(k for k, _ in rows[1:])
            yield r.finding(key, f"{len(rows)} penduduk dengan nama, tanggal/tempat lahir dan jenis kelamin sama "
                            f"tanpa NIK resmi (data lain: {others}).",
                            f"{len(rows)} residents with the same name, birth date/place and sex and no official "
                            f"NIK (other records: {others}).", record=p)


def _prov_known(prefix2: str) -> bool:
    try:
        return bool(wilayah_api().provinsi_exists(prefix2))
    except ImportError:
        return prefix2 in _PROVINCES


@rule(
    "NIK-PROV", ERROR, (KASI_PEM,),
    title="Kode provinsi NIK tidak dikenal",
    description="REAL NIK whose digits 1-2 are not one of the 38 province codes of the offline region list.",
    hint_id="Dua digit pertama NIK bukan kode provinsi; cocokkan NIK dengan KK/KTP-el.",
    hint_en="The first two digits of the NIK are not a province code; check the NIK against the KK/KTP-el.",
    source="Kepmendagri 300.2.2-2138/2025 (region list, RULES.md §3)",
)
def nik_prov(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    unknown = {prefix for prefix in nik_slices(ctx, 0, 2) if not _prov_known(prefix)}
    if not unknown:
        return
    for key, p in real_niks(ctx).rows:
        if p.nik[:2] in unknown:
            yield r.finding(key, f"NIK {show_id(p.nik)}: kode provinsi tidak dikenal.",
                            f"NIK {show_id(p.nik)}: unknown province code.", record=p)


def _region_zero(nik: str) -> bool:
    return nik[2:4] == "00" or nik[4:6] == "00"


@rule(
    "NIK-REGION-ZERO", ERROR, (KASI_PEM,),
    title="Kode kabupaten/kecamatan NIK bernilai 00",
    description="REAL NIK whose digits 3-4 or 5-6 are `00`.",
    hint_id="Kode kabupaten/kecamatan dalam NIK bernilai 00; cocokkan NIK dengan KK/KTP-el.",
    hint_en="The kabupaten/kecamatan code in the NIK is 00; check the NIK against the KK/KTP-el.",
    source="NIK structure (Disdukcapil Kabupaten Klaten)",
)
def nik_region_zero(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not any(map(_region_zero, nik_slices(ctx, 0, 6))):
        return
    for key, p in real_niks(ctx).rows:
        if _region_zero(p.nik):
            yield r.finding(key, f"NIK {show_id(p.nik)}: kode kabupaten/kecamatan 00.",
                            f"NIK {show_id(p.nik)}: kabupaten/kecamatan code 00.", record=p)


@rule(
    "NIK-REGION-KNOWN", WARNING, (KASI_PEM,),
    title="Kode kecamatan NIK tidak ada di daftar wilayah",
    description="REAL NIK whose prefix PP.KK.CC is not a kecamatan in the current region list; may be a "
    "pre-pemekaran code, so never rejected.",
    hint_id="Kode kecamatan di NIK tidak ada di daftar wilayah terkini; cek apakah kode lama sebelum pemekaran "
    "atau salah ketik.",
    hint_en="The kecamatan code in the NIK is not in the current region list; check whether it is an old code "
    "from before a split or a typo.",
    source=f"{_KLATEN} (region of first registration); Kepmendagri 300.2.2-2138/2025",
)
def nik_region_known(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    prefixes = [prefix for prefix in nik_slices(ctx, 0, 6) if not _region_zero(prefix)]
    if not prefixes:
        return
    api = wilayah_api()
    unknown = {
        prefix for prefix in prefixes if not (bool(api.kecamatan_exists(prefix)) or not _prov_known(prefix[:2]))
    }
    if not unknown:
        return
    for key, p in real_niks(ctx).rows:
        if p.nik[:6] in unknown:
            yield r.finding(key, f"NIK {show_id(p.nik)}: kecamatan tidak ada di daftar wilayah terkini; bisa jadi "
                            "kode lama sebelum pemekaran.",
                            f"NIK {show_id(p.nik)}: kecamatan not in the current region list; may be an old "
                            "code from before a split.", record=p)


@rule(
    "NIK-DATE", ERROR, (KASI_PEM,),
    title="Tanggal lahir dalam NIK tidak valid",
    description="REAL NIK whose digits 7-12 are no possible birth date (DD 01-31 or 41-71, MM 01-12, day within "
    "the month, 29 Feb only when YY mod 4 = 0).",
    hint_id="Bagian tanggal lahir di NIK (digit 7-12) tidak valid; cocokkan NIK dengan KK/KTP-el.",
    hint_en="The birth-date part of the NIK (digits 7-12) is not valid; check the NIK against the KK/KTP-el.",
    source=_KLATEN,
)
def nik_date(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    rows = real_niks(ctx).rows
    for i in nik_date_mismatches(ctx):  # every other row's NIK date is its (real) birth date
        key, p = rows[i]
        if ids.nik_birth(p.nik) is None:
            yield r.finding(key, f"NIK {show_id(p.nik)}: bagian tanggal lahir tidak valid.",
                            f"NIK {show_id(p.nik)}: the birth-date part is not a valid date.", record=p)


@rule(
    "NIK-SERIAL", ERROR, (KASI_PEM,),
    title="Nomor urut NIK 0000",
    description="REAL NIK whose digits 13-16 are `0000` (serials start at 0001).",
    hint_id="Nomor urut NIK (4 digit terakhir) 0000 tidak mungkin; cocokkan dengan KK/KTP-el.",
    hint_en="A NIK serial (last 4 digits) of 0000 is impossible; check it against the KK/KTP-el.",
    source=f"{_KLATEN} (\"dimulai dari 0001\")",
)
def nik_serial(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    real = real_niks(ctx)
    at = real.joined.find("0000")
    while at != -1:  # "0000" is rare in a NIK column; only a hit on digits 13-16 is a serial 0000
        if at % 16 == 12:
            key, p = real.rows[at // 16]
            yield r.finding(key, "Nomor urut NIK 0000.", "NIK serial is 0000.", record=p)
        at = real.joined.find("0000", at + 1)


@rule(
    "NIK-SEX-MATCH", WARNING, (KASI_PEM,),
    title="Jenis kelamin tidak cocok dengan NIK",
    description="REAL NIK with a valid date part and `sex` set, where (DD > 40) differs from (sex = 2).",
    hint_id="Jenis kelamin tidak cocok dengan NIK (perempuan: tanggal +40); periksa KTP-el/KK dan perbaiki yang "
    "salah.",
    hint_en="The sex does not match the NIK (women: day + 40); check the KTP-el/KK and correct whichever is wrong.",
    source=_KLATEN,
)
def nik_sex_match(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    real = real_niks(ctx)
    # A valid NIK date has day tens 0-3 (man) or 4-7 (woman); only other combinations need parsing.
    tens_and_sex = [real.joined[6::16], real.column(ctx, "sex")]
    for i in suspect_rows(tens_and_sex, _sex_suspect):
        key, p = real.rows[i]
        if p.sex not in (1, 2):
            continue
        parts = ids.nik_birth(p.nik)
        if parts is not None and parts[3] != (p.sex == 2):
            yield r.finding(key, f"NIK {show_id(p.nik)} tidak cocok dengan jenis kelamin tercatat.",
                            f"NIK {show_id(p.nik)} does not match the recorded sex.", record=p)


def _sex_suspect(tens: str, sex: Any) -> bool:
    return sex in (1, 2) and tens not in ("0123" if sex == 1 else "4567")


@rule(
    "NIK-DOB-MATCH", WARNING, (KASI_PEM,),
    title="Tanggal lahir tidak cocok dengan NIK",
    description="REAL NIK with a valid date part and `tanggallahir` set, where day (DD-40 for women), month or "
    "two-digit year differ from tanggallahir. Never above WARNING; the message names the common 01-07 / 31-12 "
    "and year-off-by-one conventions.",
    hint_id="Tanggal lahir tidak cocok dengan NIK; periksa akta/KTP-el dan perbaiki tanggal lahir atau NIK.",
    hint_en="The birth date does not match the NIK; check the birth certificate/KTP-el and correct the birth date "
    "or the NIK.",
    source=f"{_KLATEN}; OpenSID/OpenDK app/Rules/ValidasiNikRule.php (v2608.0.1)",
)
def nik_dob_match(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    rows = real_niks(ctx).rows
    for i in nik_date_mismatches(ctx):  # every other row's NIK date equals its birth date
        key, p = rows[i]
        born = p.tanggallahir
        if born is None:
            continue
        parts = ids.nik_birth(p.nik)
        if parts is None:
            continue
        d, m, yy, _ = parts
        if (d, m, yy) == (born.day, born.month, born.year % 100):
            continue
        note_id = note_en = ""
        if (d, m) in ((1, 7), (31, 12)):
            note_id = " Tanggal di NIK 01-07/31-12: kemungkinan konvensi tanggal tidak diketahui."
            note_en = " NIK date is 01-07/31-12: likely the unknown-birth-date convention."
        elif (d, m) == (born.day, born.month) and (yy - born.year) % 100 in (1, 99):
            note_id = " Hanya tahun berbeda satu: kemungkinan salah ketik, bukan dua orang."
            note_en = " Only the year differs by one: likely a typo, not two people."
        yield r.finding(key, f"NIK {show_id(p.nik)} tidak cocok dengan tanggal lahir.{note_id}",
                        f"NIK {show_id(p.nik)} does not match the birth date.{note_en}", record=p)


@rule(
    "NIK-UNIQUE", ERROR, (KASI_PEM,),
    title="NIK dipakai lebih dari satu penduduk",
    description="Within one village, all rows (any status), REAL or TEMP `nik` shared by two or more rows.",
    hint_id="NIK dipakai lebih dari satu penduduk; jika salah satunya berstatus PERGI, ubah statusnya lewat Log "
    "Penduduk, jangan buat data baru.",
    hint_en="The NIK is used by more than one resident; if one of them has status PERGI, change that status "
    "through Log Penduduk instead of creating a new record.",
    source="OpenSID/OpenSID donjo-app/models/migrations/struktur_tabel/2023_12_22_015242_create_tweb_penduduk_"
    "table.php unique key nik_config (v2410.0.0); app/Models/Penduduk.php validasi() (v2410.1.0)",
)
def nik_unique(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not _repeated_niks(ctx):
        return
    classes = nik_classes(ctx)
    for nik, rows in ctx.by_nik.items():
        if len(rows) < 2 or classes[rows[0][0]] not in (ids.REAL, ids.TEMP):
            continue
        pergi = any(p.status_dasar == 6 for _, p in rows)
        extra_id = "; salah satunya berstatus PERGI" if pergi else ""
        extra_en = "; one of them has status PERGI" if pergi else ""
        for key, p in rows:
            yield r.finding(key, f"NIK {show_id(nik)} dipakai {len(rows)} penduduk{extra_id}.",
                            f"NIK {show_id(nik)} is used by {len(rows)} residents{extra_en}.", record=p)


def _repeated_niks(ctx: RuleContext) -> bool:
    """Some REAL or TEMP NIK is held by two rows (any status); one set of the column decides the clean case."""
    niks = ctx.column("nik")
    if all_niks_real(ctx):
        return len(set(niks)) < len(niks)
    kept = [nik for nik, cls in zip(niks, nik_class_column(ctx), strict=True) if cls in (ids.REAL, ids.TEMP)]
    return len(set(kept)) < len(kept)


@rule(
    "NIK-PARENT-FORMAT", ERROR, (KASI_PEM,),
    title="NIK ayah/ibu tidak valid",
    description="HIDUP resident whose `ayah_nik` or `ibu_nik` is not empty, '0' or 16 digits, or equals the "
    "person's own `nik`.",
    hint_id="NIK ayah/ibu harus 16 angka (atau dikosongkan) dan tidak boleh sama dengan NIK sendiri.",
    hint_en="The father's/mother's NIK must be 16 digits (or empty) and must not equal the person's own NIK.",
    source="OpenSID/OpenSID app/Models/Penduduk.php validasi(), nik_error('NIK Ayah'/'NIK Ibu'); "
    "donjo-app/models/Impor_model.php (v2410.1.0)",
)
def nik_parent_format(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    rows = ctx.hidup
    for i in _parent_suspects(ctx):
        key, p = rows[i]
        if p.ayah_nik is None and p.ibu_nik is None:
            continue
        problems: list[str] = []
        for column in ("ayah_nik", "ibu_nik"):
            value = getattr(p, column)
            cls = ids.classify_nik(value)
            if cls == ids.MALFORMED:
                problems.append(f"{column} tidak valid")
            elif cls != ids.MISSING and value == p.nik:
                problems.append(f"{column} sama dengan NIK sendiri")
        if problems:
            text = ", ".join(problems)
            yield r.finding(key, f"NIK orang tua: {text}.",
                            "Parent NIK: " + text.replace("tidak valid", "invalid").replace(
                                "sama dengan NIK sendiri", "equals own NIK") + ".", record=p)


def _parent_suspects(ctx: RuleContext) -> list[int]:
    """HIDUP rows whose ayah_nik/ibu_nik is MALFORMED or equals the own NIK (a superset of the findings)."""
    own = ctx.column("nik", hidup=True)
    found: set[int] = set()
    for column in ("ayah_nik", "ibu_nik"):
        values = ctx.column(column, hidup=True)
        distinct = set(values)
        distinct.discard(None)
        if not distinct:
            continue
        numbers = list(distinct)
        classes = classify_niks(numbers)
        if ids.MALFORMED in classes:
            malformed = {v for v, cls in zip(numbers, classes, strict=True) if cls == ids.MALFORMED}
            found.update(indices(map(malformed.__contains__, values)))
        found.update(indices(map(eq, values, own)))
    return sorted(found)


@rule(
    "NIK-VS-DOMICILE", INFO, (KASI_PEM,),
    title="NIK terdaftar di kecamatan lain",
    description="REAL NIK whose digits 1-6 differ from config.kode_desa[0:6]: an aggregate count per dusun, and a "
    "per-person finding only when the person has no Pindah Masuk (5) event at all.",
    hint_id="NIK terdaftar di kecamatan lain; pastikan ada catatan pindah datang untuk penduduk ini.",
    hint_en="The NIK was registered in another kecamatan; make sure a move-in record exists for this resident.",
    source=f"{_KLATEN} (NIK region = region of first registration)",
)
def nik_vs_domicile(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not kode_desa_usable(ctx):
        return
    home = ctx.kode_desa[:6]
    if nik_slices(ctx, 0, 6) <= {home}:
        return
    real = real_niks(ctx)
    per_dusun: Counter[str] = Counter()
    for i in indices(map(home.__ne__, map(itemgetter(slice(0, 6)), real.niks))):
        key, p = real.rows[i]
        if p.nik[:6] == home:
            continue
        per_dusun[p.dusun or "-"] += 1
        if p.id is not None and not any(e.kode_peristiwa == 5 for _, e in ctx.events_of(p)):
            yield r.finding(key, "NIK dari kecamatan lain tanpa catatan pindah datang.",
                            "NIK from another kecamatan with no move-in record.", record=p)
    for dusun, count in sorted(per_dusun.items()):
        yield r.finding(f"dusun:{dusun}", f"{count} penduduk dengan NIK dari kecamatan lain.",
                        f"{count} residents with a NIK from another kecamatan.", entity="wilayah",
                        location=(dusun, None, None))


@rule(
    "NIK-FOREIGNER", WARNING, (KASI_PEM,),
    title="Dokumen WNA tidak lengkap",
    description="HIDUP WNA (warganegara_id 2) with both dokumen_kitas and dokumen_pasport empty (WARNING); WNI with "
    "dokumen_kitas set (INFO, stale value). Citizenship is never inferred from the NIK.",
    hint_id="Penduduk WNA wajib punya nomor KITAS/KITAP atau paspor; lengkapi dokumennya.",
    hint_en="A foreign resident must have a KITAS/KITAP or passport number; complete the documents.",
    source="OpenSID/OpenSID app/Models/Penduduk.php validasi() (v2410.1.0); UU 24/2013 Pasal 63 (secondary)",
)
def nik_foreigner(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    candidates = rows_where(ctx, "warganegara_id", (2,)) + [
        (key, p) for key, p in rows_with(ctx, "dokumen_kitas") if p.warganegara_id == 1
    ]
    for key, p in sorted(candidates, key=lambda row: row[0]):
        if p.warganegara_id == 2 and empty(p.dokumen_kitas) and empty(p.dokumen_pasport):
            yield r.finding(key, "WNA tanpa nomor KITAS/KITAP atau paspor.",
                            "Foreign resident without a KITAS/KITAP or passport number.", record=p)
        elif p.warganegara_id == 1 and not empty(p.dokumen_kitas):
            yield r.finding(key, "WNI dengan nomor KITAS tersimpan (nilai usang).",
                            "Citizen with a stored KITAS number (stale value).", record=p, severity=INFO)


RULES = [
    nik_format, nik_zero, nik_temp, nik_temp_dup, nik_prov, nik_region_zero, nik_region_known, nik_date,
    nik_serial, nik_sex_match, nik_dob_match, nik_unique, nik_parent_format, nik_vs_domicile, nik_foreigner,
]
