"""Person-level rules (RULES.md §6): status vs event log, required fields, codes, names, marriage, KTP-el."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from itertools import repeat
from operator import attrgetter, is_, is_not, or_
from typing import Any

from sid_connector.models.codes import reference_tables
from sid_connector.rules.model import Finding, Rule, RuleContext, age_on
from sid_connector.village import VillageData
from sid_connector_rules_dukcapil._base import (
    ERROR,
    INFO,
    KADUS,
    KASI_PEM,
    SEKDES,
    WARNING,
    JoinedText,
    any_none,
    blank_flags,
    born_by,
    born_ordinals,
    distinct,
    empty,
    event_values,
    indices,
    joined_text,
    latest_event,
    latest_event_codes,
    rows_where,
    rows_with,
    rule,
    suspect_rows,
)

_PERIKSA = "OpenSID/OpenSID app/Libraries/Periksa.php"
_PENDUDUK = "OpenSID/OpenSID app/Models/Penduduk.php validasi() (v2410.1.0)"
_MARRIED = frozenset((2, 3, 4))
_STATUS_OF_EVENT = {1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 6}


@rule(
    "PER-STATUS-LOG-SYNC", ERROR, (KASI_PEM,),
    title="Status dasar tidak sama dengan peristiwa terakhir",
    description="For each person with a log_penduduk row, the latest event (highest id) must agree with "
    "status_dasar: HIDUP with latest event 2/3/4/6, or status 2/3/4/6 with latest event 1/5, or status 2/3/4/6 "
    "with a different exit event. TIDAK VALID (9) is excluded. Never repaired.",
    hint_id="Status dasar penduduk tidak sama dengan peristiwa terakhirnya; perbaiki status atau log peristiwa di "
    "Log Penduduk.",
    hint_en="The resident's basic status differs from their latest event; correct the status or the event log in "
    "Log Penduduk.",
    source="OpenSID/OpenSID donjo-app/models/Periksa_model.php (v2410.1.0) and app/Libraries/Periksa.php "
    "deteksiLogPendudukTidakSinkron() (commit 00349a4d), check log_penduduk_tidak_sinkron",
)
def per_status_log_sync(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for i in suspect_rows([ctx.column("status_dasar"), latest_event_codes(ctx)], _status_disagrees):
        key, p = ctx.residents[i]
        status = p.status_dasar if p.status_dasar is not None else 1
        event = latest_event(ctx, p)
        if event is None or event.kode_peristiwa not in _STATUS_OF_EVENT:
            continue
        if _STATUS_OF_EVENT[event.kode_peristiwa] != status:
            yield r.finding(key, f"Status dasar {status} tidak sesuai peristiwa terakhir {event.kode_peristiwa}.",
                            f"Basic status {status} disagrees with latest event {event.kode_peristiwa}.", record=p)


def _status_disagrees(status_dasar: Any, kode: Any) -> bool:
    status = status_dasar if status_dasar is not None else 1
    return status != 9 and kode in _STATUS_OF_EVENT and _STATUS_OF_EVENT[kode] != status


@rule(
    "PER-LOG-NULL", ERROR, (KASI_PEM,),
    title="Log penduduk tanpa jenis peristiwa",
    description="`log_penduduk.kode_peristiwa IS NULL`.",
    hint_id="Ada log penduduk tanpa jenis peristiwa; isi jenis peristiwanya di Log Penduduk.",
    hint_en="There is a population log without an event type; fill in the event type in Log Penduduk.",
    source="OpenSID/OpenSID donjo-app/models/Periksa_model.php (v2410.1.0) and app/Libraries/Periksa.php "
    "deteksiLogPendudukNull() (commit 00349a4d), check log_penduduk_null",
    entity="peristiwa",
)
def per_log_null(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if None not in event_values(ctx, "kode_peristiwa"):
        return
    for key, e in v.peristiwa.items():
        if e.kode_peristiwa is None:
            person = ctx.person_of_event(e)
            yield r.finding(key, "Log penduduk tanpa kode peristiwa.", "Population log without an event code.",
                            record=e, location=_loc(person))


@rule(
    "PER-LOG-UNKNOWN", ERROR, (KASI_PEM,),
    title="Kode peristiwa tidak dikenal",
    description="`log_penduduk.kode_peristiwa` is not NULL and not in 1-6.",
    hint_id="Ada log penduduk dengan kode peristiwa tidak dikenal; perbaiki atau hapus log tersebut.",
    hint_en="There is a population log with an unknown event code; correct or delete that log.",
    source=f"{_PERIKSA} deteksiLogPendudukAsing(), check log_penduduk_asing (commit 00349a4d)",
    entity="peristiwa",
)
def per_log_unknown(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if event_values(ctx, "kode_peristiwa") <= _STATUS_OF_EVENT.keys() | {None}:
        return
    for key, e in v.peristiwa.items():
        if e.kode_peristiwa is not None and e.kode_peristiwa not in _STATUS_OF_EVENT:
            yield r.finding(key, f"Kode peristiwa {e.kode_peristiwa} tidak dikenal.",
                            f"Unknown event code {e.kode_peristiwa}.", record=e,
                            location=_loc(ctx.person_of_event(e)))


def _loc(found: tuple[str, Any] | None) -> tuple[str | None, str | None, str | None]:
    if found is None:
        return (None, None, None)
    p = found[1]
    return (p.dusun, p.rw, p.rt)


@rule(
    "PER-LOG-MISSING", WARNING, (KASI_PEM, SEKDES),
    title="Penduduk tanpa riwayat peristiwa",
    description="A resident (any status) with no log_penduduk row at all. Needs OpenSID ids (a workbook carries "
    "no event log).",
    hint_id="Penduduk ini tidak punya riwayat peristiwa; catat peristiwa awalnya (lahir/pindah datang) di Log "
    "Penduduk.",
    hint_en="This resident has no event history; record their initial event (birth/move-in) in Log Penduduk.",
    source="Buku Mutasi Penduduk (Permendagri 47/2016, OpenSID Bumindes) (secondary)",
)
def per_log_missing(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    codes = latest_event_codes(ctx)
    if not any_none(codes):  # a code is None for no event, and for an event without kode_peristiwa
        return
    for i in indices(map(is_, codes, repeat(None))):
        key, p = ctx.residents[i]
        if p.id is not None and not ctx.events_of(p):
            yield r.finding(key, "Penduduk tanpa log peristiwa.", "Resident without any event log.", record=p)


@rule(
    "PER-DOB-MISSING", ERROR, (KASI_PEM,),
    title="Tanggal lahir kosong",
    description="HIDUP resident whose `tanggallahir` is NULL, '0000-00-00' or unreadable.",
    hint_id="Tanggal lahir kosong; isi sesuai akta kelahiran/KK.",
    hint_en="The birth date is empty; fill it in from the birth certificate/KK.",
    source=f"{_PERIKSA} deteksiTgllahirNullKosong(), check tgllahir_null_kosong (commit 00349a4d)",
)
def per_dob_missing(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, p in rows_where(ctx, "tanggallahir", (None,)):
        if p.tanggallahir is None:
            yield r.finding(key, "Tanggal lahir kosong.", "Birth date is empty.", record=p)


_CODED = frozenset(("sex", "agama_id", "pendidikan_kk_id", "pekerjaan_id", "golongan_darah_id", "status_kawin",
                    "warganegara_id"))
_NAMES = frozenset(("nama", "nama_ayah", "nama_ibu"))
_REQUIRED = ("nama", "sex", "tempatlahir", "agama_id", "pendidikan_kk_id", "pekerjaan_id", "golongan_darah_id",
             "status_kawin", "warganegara_id", "nama_ayah", "nama_ibu")


@rule(
    "PER-REQUIRED-NULL", WARNING, (KASI_PEM,),
    title="Data wajib penduduk belum lengkap",
    description="HIDUP resident with an empty value in any of nama, sex, tempatlahir, agama_id, pendidikan_kk_id, "
    "pekerjaan_id, golongan_darah_id, status_kawin, warganegara_id, nama_ayah, nama_ibu, and kk_level when in a "
    "family; one finding per person listing the fields.",
    hint_id="Data wajib penduduk belum lengkap (lihat daftar kolom); lengkapi dari KK/akta.",
    hint_en="Required resident data is incomplete (see the list of columns); complete it from the KK/certificates.",
    source=f"{_PERIKSA} deteksiDataNull(), check data_null (commit 00349a4d)",
)
def per_required_null(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    missing_by_row: dict[int, list[str]] = {}
    for column in _REQUIRED:
        if column in _CODED and None not in (seen := distinct(ctx, column)) and "-" not in seen:
            continue  # the set PER-ENUM builds anyway
        if column in _NAMES and (text := joined_text(ctx, column)).filled == text.total and (
            text.has_value("-") is False
        ):
            continue  # the joined names PER-NAME-CHARS reads anyway: nobody has None, "" or "-"
        values = ctx.column(column, hidup=True)
        if None in values or "-" in values:
            for i, value in enumerate(values):
                if value is None or value == "-":
                    missing_by_row.setdefault(i, []).append(column)
    kk_level = ctx.column("kk_level", hidup=True)
    if None in distinct(ctx, "kk_level") and None in kk_level:
        for i in indices(map(is_, kk_level, repeat(None))):
            p = ctx.hidup[i][1]
            if p.kk_level is None and (p.id_kk is not None or p.no_kk):
                missing_by_row.setdefault(i, []).append("kk_level")
    for i in sorted(missing_by_row):
        key, p = ctx.hidup[i]
        missing = missing_by_row[i]
        if missing:
            cols = ", ".join(missing)
            yield r.finding(key, f"Kolom wajib kosong: {cols}.", f"Empty required columns: {cols}.", record=p)


@rule(
    "PER-AGE-RANGE", ERROR, (KASI_PEM,),
    title="Umur tidak wajar",
    description="HIDUP resident whose tanggallahir is after ref_date or whose age exceeds 120.",
    hint_id="Tanggal lahir menghasilkan umur tidak wajar (di masa depan atau lebih dari 120 tahun); periksa "
    "kembali.",
    hint_en="The birth date gives an implausible age (in the future or over 120 years); check it again.",
    source="data plausibility; domain inference",
)
def per_age_range(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    ref = ctx.ref_date
    born_ord = born_ordinals(ctx)
    if not born_ord:
        return
    future, too_old = ref.toordinal(), born_by(ref, 121)
    if max(born_ord) <= future and min(born_ord) > too_old:
        return
    for i in [i for i, o in enumerate(born_ord) if o > future or o <= too_old]:
        key, p = ctx.hidup[i]
        born = p.tanggallahir
        if born is None:
            continue
        if born > ref:
            yield r.finding(key, "Tanggal lahir di masa depan.", "Birth date in the future.", record=p)
        elif age_on(born, ref) > 120:
            yield r.finding(key, f"Umur {age_on(born, ref)} tahun.", f"Age {age_on(born, ref)} years.", record=p)


_R = range
_ENUMS: dict[str, frozenset[int]] = {
    "sex": frozenset(_R(1, 3)), "agama_id": frozenset(_R(1, 8)), "pendidikan_kk_id": frozenset(_R(1, 11)),
    "pendidikan_sedang_id": frozenset(_R(1, 19)), "pekerjaan_id": frozenset(_R(1, 90)),
    "status_kawin": frozenset(_R(1, 5)), "kk_level": frozenset(_R(1, 12)), "warganegara_id": frozenset(_R(1, 4)),
    "golongan_darah_id": frozenset(_R(1, 14)), "cacat_id": frozenset(_R(1, 8)),
    "sakit_menahun_id": frozenset(_R(1, 15)), "cara_kb_id": frozenset([*_R(1, 8), 99]),
    "hamil": frozenset(_R(1, 3)), "ktp_el": frozenset(_R(1, 4)), "status_rekam": frozenset(_R(1, 9)),
    "status": frozenset(_R(1, 3)), "status_dasar": frozenset([1, 2, 3, 4, 6, 9]),
    "id_asuransi": frozenset([1, 2, 3, 99]), "bahasa_id": frozenset(_R(1, 7)), "rtm_level": frozenset(_R(1, 3)),
}
_KELAS_SOSIAL = frozenset(_R(1, 6))
_REF_PINDAH = frozenset(_R(1, 5))
_FAMILY_EVENTS = frozenset([*_R(1, 7), *_R(11, 15)])


@rule(
    "PER-ENUM", ERROR, (KASI_PEM,),
    title="Kode data di luar daftar referensi",
    description="Every non-NULL coded value must be in its OpenSID reference table (RULES.md §6 PER-ENUM table; "
    "0 is invalid everywhere): resident columns, tweb_keluarga.kelas_sosial, log_penduduk.ref_pindah, "
    "log_keluarga.id_peristiwa. sakit_menahun_id 15 is accepted when the source is OpenSID v2601 or later "
    "(option opensid_version).",
    hint_id="Ada kode data di luar daftar referensi OpenSID; pilih ulang nilainya dari pilihan yang tersedia.",
    hint_en="A coded value is outside OpenSID's reference list; choose the value again from the options offered.",
    source="OpenSID/OpenSID donjo-app/models/Impor_model.php data_import_valid() (v2410.1.0); seed tables",
)
def per_enum(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    enums = dict(_ENUMS)
    if str(ctx.options.get("opensid_version", "")) >= "2601":
        enums["sakit_menahun_id"] = frozenset(_R(1, 16))
    bad_by_row: dict[int, list[str]] = {}
    for column, allowed in enums.items():
        odd = distinct(ctx, column) - allowed - {None}  # a set difference per column; rows visited only if needed
        if odd:
            values = ctx.column(column)
            for i, value in enumerate(values):
                if value in odd:
                    bad_by_row.setdefault(i, []).append(f"{column}={value}")
    for i in sorted(bad_by_row):
        key, p = ctx.residents[i]
        text = ", ".join(bad_by_row[i])
        yield r.finding(key, f"Kode tidak dikenal: {text}.", f"Unknown codes: {text}.", record=p)
    yield from _odd_codes(r, v, ctx)


def _odd_codes(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    """PER-ENUM on families and event logs; each table is read once at C speed and walked only when needed."""
    if not _all_known(v.keluarga, "kelas_sosial", _KELAS_SOSIAL):
        for key, k in v.keluarga.items():
            if k.kelas_sosial is not None and k.kelas_sosial not in _KELAS_SOSIAL:
                yield r.finding(key, f"Kode tidak dikenal: kelas_sosial={k.kelas_sosial}.",
                                f"Unknown code: kelas_sosial={k.kelas_sosial}.", record=k, entity="keluarga")
    if not event_values(ctx, "ref_pindah") <= _REF_PINDAH | {None}:
        for key, e in v.peristiwa.items():
            if e.ref_pindah is not None and e.ref_pindah not in _REF_PINDAH:
                yield r.finding(key, f"Kode tidak dikenal: ref_pindah={e.ref_pindah}.",
                                f"Unknown code: ref_pindah={e.ref_pindah}.", record=e, entity="peristiwa")
    if not _all_known(v.peristiwa_keluarga, "id_peristiwa", _FAMILY_EVENTS):
        for key, e in v.peristiwa_keluarga.items():
            if e.id_peristiwa is not None and e.id_peristiwa not in _FAMILY_EVENTS:
                yield r.finding(key, f"Kode tidak dikenal: id_peristiwa={e.id_peristiwa}.",
                                f"Unknown code: id_peristiwa={e.id_peristiwa}.", record=e,
                                entity="peristiwa_keluarga")


def _all_known(records: Any, column: str, allowed: frozenset[int]) -> bool:
    return set(map(attrgetter(column), records.values())) <= allowed | {None}


_NAME = re.compile(r"[A-Za-z '.,\-]+")
_NAMING_RULES_FROM = date(2022, 1, 1)


@rule(
    "PER-NAME-CHARS", WARNING, (KASI_PEM,),
    title="Nama berisi karakter tidak sah",
    description="nama (and nama_ayah, nama_ibu when non-empty) must match ^[A-Za-z '.,-]+$ (WARNING). INFO "
    "sub-check: for people born on or after 2022-01-01, a nama over 60 characters or of one word (Permendagri "
    "73/2022, secondary).",
    hint_id="Nama hanya boleh berisi huruf, spasi, titik, koma, tanda kutip satu dan tanda hubung; samakan dengan "
    "akta/KK.",
    hint_en="Names may contain only letters, spaces, full stops, commas, apostrophes and hyphens; match the "
    "certificate/KK.",
    source=f"{_PENDUDUK}; Permendagri 73/2022 (secondary)",
)
def per_name_chars(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    match = _NAME.fullmatch
    suspects = set(_naming_suspects(ctx))
    for column in ("nama", "nama_ayah", "nama_ibu"):
        if not _names_clean(joined_text(ctx, column)):
            names = ctx.column(column, hidup=True)
            suspects.update(i for i, name in enumerate(names) if name and not match(name))
    for i in sorted(suspects):
        key, p = ctx.hidup[i]
        bad = [c for c in ("nama", "nama_ayah", "nama_ibu") if getattr(p, c) and not match(getattr(p, c))]
        if bad:
            cols = ", ".join(bad)
            yield r.finding(key, f"Karakter tidak sah pada: {cols}.", f"Invalid characters in: {cols}.", record=p)
        elif p.nama and p.tanggallahir and p.tanggallahir >= _NAMING_RULES_FROM and (
            len(p.nama) > 60 or len(p.nama.split()) < 2
        ):
            yield r.finding(key, "Nama lebih dari 60 karakter atau hanya satu kata (Permendagri 73/2022).",
                            "Name longer than 60 characters or a single word (Permendagri 73/2022).", record=p,
                            severity=INFO)


def _naming_suspects(ctx: RuleContext) -> list[int]:
    """HIDUP rows born on or after 2022-01-01 whose nama is over 60 characters or a single word."""
    born_ord, names = born_ordinals(ctx), ctx.column("nama", hidup=True)
    young = indices(map(born_by(_NAMING_RULES_FROM, 0).__le__, born_ord))
    young_names = list(filter(None, map(names.__getitem__, young)))
    try:  # the usual case, judged with C-level maps: every young name is short and has two words
        if max(map(len, young_names), default=0) <= 60 and min(map(len, map(str.split, young_names)), default=2) > 1:
            return []
    except TypeError:  # not text: the per-row check decides
        pass
    return [
        i for i in young
        if (name := names[i]) and (not isinstance(name, str) or len(name) > 60 or len(name.split()) < 2)
    ]


_NAME_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz '.,-"


def _names_clean(text: JoinedText) -> bool:
    """Every non-empty value matches ``_NAME``: the joined column holds nothing but name characters."""
    if text.joined is None or not text.joined.isascii():
        return False  # let the per-row check decide
    rest = text.joined.encode("ascii").translate(None, _NAME_BYTES)  # deletes every allowed character at C speed
    return rest.count(b"\n") == len(rest) == max(text.filled - 1, 0)


_UU_16_2019 = date(2019, 10, 15)


@rule(
    "PER-MINOR-MARRIED", WARNING, (KASI_PEM,),
    title="Kawin di bawah umur minimal",
    description="status_kawin 2/3/4 and age at marriage below the minimum: 19 for both sexes for marriages on or "
    "after 2019-10-15 and for the ref_date fallback; before that 16 for women, 19 for men. Age at "
    "tanggalperkawinan when set, else at ref_date. Never blocks (court dispensation).",
    hint_id="Tercatat kawin di bawah umur minimal; periksa tanggal lahir/tanggal kawin atau dokumen dispensasi "
    "pengadilan.",
    hint_en="Recorded as married below the minimum age; check the birth/marriage dates or the court dispensation.",
    source="UU 16/2019 Pasal 7(1)-(2) (secondary)",
)
def per_minor_married(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, p in _maybe_married_young(ctx):
        if p.status_kawin not in (2, 3, 4) or p.tanggallahir is None:
            continue
        when = p.tanggalperkawinan or ctx.ref_date
        minimum = 16 if (p.tanggalperkawinan and when < _UU_16_2019 and p.sex == 2) else 19
        age = age_on(p.tanggallahir, when)
        if 0 <= age < minimum:
            yield r.finding(key, f"Umur saat kawin {age} tahun (minimal {minimum}).",
                            f"Age at marriage {age} (minimum {minimum}).", record=p)


_AGE_19_DAYS = 19 * 366  # an age below 19 years is always fewer days than this


def _maybe_married_young(ctx: RuleContext) -> list[tuple[str, Any]]:
    """Married HIDUP rows whose marriage date (else ref_date) is less than 19 * 366 days after their birth."""
    married = indices(map(_MARRIED.__contains__, ctx.column("status_kawin", hidup=True)))
    if not married:
        return []
    born_ord, wed = born_ordinals(ctx), ctx.column("tanggalperkawinan", hidup=True)
    ref = ctx.ref_date
    return [ctx.hidup[i] for i in married if (wed[i] or ref).toordinal() - born_ord[i] < _AGE_19_DAYS]


@rule(
    "PER-KAWIN-DOCS", ERROR, (KASI_PEM,),
    title="Data akta kawin/cerai tidak sesuai status",
    description="BELUM KAWIN with any marriage/divorce document or date; KAWIN with divorce data unless "
    "tanggalperceraian < tanggalperkawinan; CERAI HIDUP with tanggalperceraian < tanggalperkawinan.",
    hint_id="Data akta/tanggal kawin atau cerai tidak sesuai status perkawinan; sesuaikan status atau hapus data "
    "yang salah.",
    hint_en="Marriage/divorce certificate or date data contradict the marital status; adjust the status or delete "
    "the wrong data.",
    source=f"{_PENDUDUK}, switch on status_kawin",
)
def per_kawin_docs(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, p in _marriage_suspects(ctx, _docs_suspect):
        kawin, cerai = p.tanggalperkawinan, p.tanggalperceraian
        remarried = kawin is not None and cerai is not None and cerai < kawin
        if p.status_kawin == 1 and not (
            empty(p.akta_perkawinan) and kawin is None and empty(p.akta_perceraian) and cerai is None
        ):
            why_id, why_en = "BELUM KAWIN dengan data perkawinan/perceraian", "BELUM KAWIN with marriage/divorce data"
        elif p.status_kawin == 2 and (not empty(p.akta_perceraian) or cerai is not None) and not remarried:
            why_id, why_en = "KAWIN dengan data perceraian", "KAWIN with divorce data"
        elif p.status_kawin == 3 and remarried:
            why_id, why_en = "CERAI HIDUP dengan tanggal cerai sebelum tanggal kawin", \
                "CERAI HIDUP with divorce date before marriage date"
        else:
            continue
        yield r.finding(key, why_id + ".", why_en + ".", record=p)


def _marriage_suspects(ctx: RuleContext, judge: Callable[..., bool]) -> list[tuple[str, Any]]:
    """HIDUP rows whose status_kawin and emptiness of each marriage/divorce column ``judge`` flags.

    Read on the full columns with the HIDUP flag as one more column (no HIDUP copy of each column).
    """
    columns = ctx.memo("dukcapil.marriage_columns", lambda: [
        ctx.hidup_mask,
        ctx.column("status_kawin"),
        blank_flags(ctx, "akta_perkawinan", hidup=False),
        blank_flags(ctx, "tanggalperkawinan", hidup=False),
        blank_flags(ctx, "akta_perceraian", hidup=False),
        blank_flags(ctx, "tanggalperceraian", hidup=False),
    ])
    combos = ctx.memo("dukcapil.marriage_combos", lambda: set(zip(*columns, strict=True)))
    rows = suspect_rows(columns, lambda hidup, *combo: hidup and judge(*combo), combos=combos)
    return [ctx.residents[i] for i in rows]


def _docs_suspect(status: Any, no_akta_k: bool, no_kawin: bool, no_akta_c: bool, no_cerai: bool) -> bool:
    both_dates = not no_kawin and not no_cerai  # then the divorce may predate the marriage: read the row
    if status == 1:
        return not (no_akta_k and no_kawin and no_akta_c and no_cerai)
    if status == 2:
        return not (no_akta_c and no_cerai)
    return status == 3 and both_dates


def _belum_suspect(status: Any, no_akta_k: bool, no_kawin: bool, no_akta_c: bool, no_cerai: bool) -> bool:
    return (status == 2 and no_akta_k and no_kawin) or (status == 3 and no_akta_c and no_cerai)


@rule(
    "PER-KAWIN-BELUM-TERCATAT", INFO, (KASI_PEM,),
    title="Perkawinan/perceraian belum tercatat",
    description="KAWIN with both akta_perkawinan and tanggalperkawinan empty, or CERAI HIDUP with both "
    "akta_perceraian and tanggalperceraian empty (OpenSID v2601 \"BELUM TERCATAT\").",
    hint_id="Perkawinan/perceraian belum tercatat; bantu warga mengurus akta ke KUA/Pengadilan/Disdukcapil lalu "
    "isi nomornya.",
    hint_en="The marriage/divorce is not registered; help the resident obtain the certificate from "
    "KUA/court/Disdukcapil and fill in its number.",
    source="OpenSID umum v2601.0.0 app/Models/Penduduk.php / StatusKawinSpesifikEnum (third-party copy)",
)
def per_kawin_belum_tercatat(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, p in _marriage_suspects(ctx, _belum_suspect):
        if p.status_kawin == 2 and empty(p.akta_perkawinan) and p.tanggalperkawinan is None:
            yield r.finding(key, "Kawin belum tercatat.", "Marriage not registered.", record=p)
        elif p.status_kawin == 3 and empty(p.akta_perceraian) and p.tanggalperceraian is None:
            yield r.finding(key, "Cerai hidup belum tercatat.", "Divorce not registered.", record=p)


@rule(
    "PER-HAMIL-MALE", ERROR, (KASI_PEM,),
    title="Laki-laki tercatat hamil",
    description="hamil = 1 and sex = 1.",
    hint_id="Penduduk laki-laki tercatat hamil; kosongkan status hamil atau perbaiki jenis kelamin.",
    hint_en="A male resident is recorded as pregnant; clear the pregnancy status or correct the sex.",
    source=_PENDUDUK,
)
def per_hamil_male(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for key, p in rows_where(ctx, "hamil", (1,)):
        if p.hamil == 1 and p.sex == 1:
            yield r.finding(key, "Laki-laki tercatat hamil.", "Male recorded as pregnant.", record=p)


def _kb_sex() -> dict[int, int]:
    return {int(row["id"]): int(row["sex"]) for row in reference_tables()["tweb_cara_kb"]}


@rule(
    "PER-KB", WARNING, (KASI_PEM,),
    title="Cara KB tidak sesuai",
    description="cara_kb_id set and status_kawin ≠ 2, or tweb_cara_kb.sex of the method neither 3 nor the "
    "person's sex.",
    hint_id="Cara KB tidak sesuai status kawin atau jenis kelamin; perbaiki atau kosongkan.",
    hint_en="The contraceptive method does not fit the marital status or sex; correct or clear it.",
    source=f"{_PENDUDUK}; tweb_cara_kb.sex",
)
def per_kb(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    kb_sex = _kb_sex()
    for key, p in _kb_suspects(ctx, kb_sex):
        if p.cara_kb_id is None:
            continue
        method_sex = kb_sex.get(p.cara_kb_id, 3)
        if p.status_kawin != 2:
            yield r.finding(key, "Cara KB diisi untuk yang tidak berstatus KAWIN.",
                            "Contraceptive method set for someone not married.", record=p)
        elif method_sex != 3 and p.sex is not None and method_sex != p.sex:
            yield r.finding(key, "Cara KB tidak sesuai jenis kelamin.",
                            "Contraceptive method does not fit the sex.", record=p)


def _kb_suspects(ctx: RuleContext, kb_sex: dict[int, int]) -> list[tuple[str, Any]]:
    """HIDUP rows with a cara_kb_id whose (method, status_kawin, sex) combination can be a PER-KB finding."""
    methods = ctx.column("cara_kb_id", hidup=True)
    rows = indices(map(is_not, methods, repeat(None)))
    if not rows:
        return []
    columns = [methods, ctx.column("status_kawin", hidup=True), ctx.column("sex", hidup=True)]
    picked = [list(map(col.__getitem__, rows)) for col in columns]

    def judge(method: Any, status: Any, sex: Any) -> bool:
        method_sex = kb_sex.get(method, 3)
        return status != 2 or (method_sex != 3 and sex is not None and method_sex != sex)

    return [ctx.hidup[rows[k]] for k in suspect_rows(picked, judge)]


def wajib_ktp(p: Any, ref: date) -> bool | None:
    """Must hold a KTP-el: age ≥ 17 or ever married; None when it cannot be told."""
    if p.status_kawin in (2, 3, 4):
        return True
    if p.tanggallahir is None:
        return None
    return age_on(p.tanggallahir, ref) >= 17


def wajib_column(ctx: RuleContext) -> list[bool | None]:
    """:func:`wajib_ktp` of every HIDUP resident, aligned with ``ctx.hidup``, computed at C speed."""

    def build() -> list[bool | None]:
        married = list(map(_MARRIED.__contains__, ctx.column("status_kawin", hidup=True)))
        born_ord = born_ordinals(ctx)
        wajib: list[bool | None] = list(map(or_, married, map(born_by(ctx.ref_date, 17).__ge__, born_ord)))
        for i in indices(map(is_, ctx.column("tanggallahir", hidup=True), repeat(None))):
            wajib[i] = True if married[i] else None
        return wajib

    return ctx.memo("dukcapil.wajib_ktp", build)


@rule(
    "PER-WAJIB-KTP", INFO, (KASI_PEM, KADUS),
    title="Wajib KTP-el tetapi belum rekam",
    description="HIDUP WNI who is wajib KTP (age ≥ 17 or status_kawin 2/3/4) with status_rekam 2 (BELUM REKAM) or "
    "NULL: follow-up list for biometric recording.",
    hint_id="Penduduk sudah wajib KTP-el tetapi belum rekam; ajak ke Disdukcapil/kecamatan untuk perekaman.",
    hint_en="The resident must hold a KTP-el but has not been recorded; bring them to Disdukcapil/the kecamatan "
    "for recording.",
    source="OpenSID/OpenSID app/Models/Penduduk.php getWajibKTPAttribute() (v2410.1.0); UU 24/2013 Pasal 63 "
    "(secondary)",
)
def per_wajib_ktp(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    rekam = ctx.column("status_rekam", hidup=True)
    if 2 not in rekam and None not in rekam:
        return
    columns = [ctx.column("warganegara_id", hidup=True), rekam, wajib_column(ctx)]
    for i in suspect_rows(columns, lambda wn, rk, wajib: wn == 1 and rk in (2, None) and bool(wajib)):
        key, p = ctx.hidup[i]
        if p.warganegara_id == 1 and p.status_rekam in (2, None) and wajib_ktp(p, ctx.ref_date):
            yield r.finding(key, "Wajib KTP-el, belum rekam.", "Must hold a KTP-el, not yet recorded.", record=p)


@rule(
    "PER-KTP-STATUS", WARNING, (KASI_PEM,),
    title="Status KTP-el tidak konsisten",
    description="Wajib KTP with status_rekam 1 (BELUM WAJIB); not wajib with status_rekam ≥ 3; ktp_el and "
    "status_rekam disagreeing with tweb_status_ktp (1-2 → ktp_el 1, 3-8 → ktp_el 2); ktp_el 3 (KIA) for a "
    "wajib-KTP person.",
    hint_id="Status KTP-el/rekam tidak konsisten dengan umur atau status kawin; perbarui status rekam.",
    hint_en="The KTP-el/recording status is inconsistent with age or marital status; update the recording status.",
    source="OpenSID/OpenSID donjo-app/models/seeders/Data_awal_seeder.php (tweb_status_ktp) and "
    "app/Models/Penduduk.php getWajibKTPAttribute() (v2410.1.0)",
)
def per_ktp_status(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    columns = [wajib_column(ctx), ctx.column("status_rekam", hidup=True), ctx.column("ktp_el", hidup=True)]
    for i in suspect_rows(columns, lambda *combo: bool(_ktp_problems(*combo))):
        key, p = ctx.hidup[i]
        problems = _ktp_problems(wajib_ktp(p, ctx.ref_date), p.status_rekam, p.ktp_el)
        if problems:
            yield r.finding(key, "; ".join(a for a, _ in problems) + ".", "; ".join(b for _, b in problems) + ".",
                            record=p)


def _ktp_problems(wajib: bool | None, rekam: Any, ktp: Any) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if wajib and rekam == 1:
        problems.append(("wajib KTP tetapi BELUM WAJIB", "must hold a KTP but BELUM WAJIB"))
    if wajib is False and rekam is not None and rekam >= 3:
        problems.append(("belum wajib KTP tetapi sudah rekam", "not yet required but recorded"))
    if rekam is not None and ktp in (1, 2) and 1 <= rekam <= 8 and ktp != (1 if rekam <= 2 else 2):
        problems.append(("ktp_el tidak sesuai status rekam", "ktp_el disagrees with status_rekam"))
    if wajib and ktp == 3:
        problems.append(("wajib KTP tetapi tercatat KIA", "must hold a KTP but recorded as KIA"))
    return problems


@rule(
    "PER-KTP-DATE-FUTURE", ERROR, (KASI_PEM,),
    title="Tanggal cetak KTP di masa depan",
    description="tanggal_cetak_ktp is after ref_date.",
    hint_id="Tanggal cetak KTP berada di masa depan; perbaiki tanggalnya.",
    hint_en="The KTP print date is in the future; correct the date.",
    source="OpenSID/OpenSID donjo-app/models/Penduduk_model.php validasi_data_penduduk() (v2410.0.0)",
)
def per_ktp_date_future(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    printed = ctx.column("tanggal_cetak_ktp")  # all residents: a superset of the HIDUP ones
    if max(filter(None, printed), default=ctx.ref_date) <= ctx.ref_date:
        return
    for key, p in rows_with(ctx, "tanggal_cetak_ktp"):
        if p.tanggal_cetak_ktp is not None and p.tanggal_cetak_ktp > ctx.ref_date:
            yield r.finding(key, "Tanggal cetak KTP di masa depan.", "KTP print date in the future.", record=p)


@rule(
    "PER-DPT-ELIGIBLE", INFO, (SEKDES,),
    title="Daftar calon pemilih (DPT)",
    description="A report on request (option election_date): HIDUP, status TETAP, WNI, age ≥ 17 on the election "
    "date or ever married, pekerjaan not TNI (6) / POLRI (7). Nothing is produced without an election date.",
    hint_id="Daftar calon pemilih (DPT) untuk dicocokkan dengan data KPU.",
    hint_en="Provisional voter list (DPT) to be matched with the KPU's data.",
    source="OpenSID/OpenSID donjo-app/models/Dpt_model.php (v2410.1.0)",
)
def per_dpt_eligible(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    election = ctx.options.get("election_date")
    if election is None:
        return
    election = date.fromisoformat(election) if isinstance(election, str) else election
    for key, p in ctx.hidup:
        if p.status != 1 or p.warganegara_id != 1 or p.pekerjaan_id in (6, 7):
            continue
        if p.status_kawin in (2, 3, 4) or (p.tanggallahir and age_on(p.tanggallahir, election) >= 17):
            yield r.finding(key, "Calon pemilih.", "Eligible voter.", record=p)


@rule(
    "PER-UNIQUE-CONTACT", WARNING, (KASI_PEM,),
    title="Email/Telegram/ID kartu dipakai bersama",
    description="Two or more residents share the same non-empty email (case-insensitive), telegram or "
    "tag_id_card.",
    hint_id="Email/Telegram/ID kartu dipakai lebih dari satu penduduk; perbaiki agar unik.",
    hint_en="The e-mail/Telegram/card ID is used by more than one resident; make them unique.",
    source=f"{_PENDUDUK}; unique keys email_config, telegram_config, tag_id_card_config (v2410.0.0)",
)
def per_unique_contact(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for column in ("email", "telegram", "tag_id_card"):
        groups: dict[str, list[tuple[str, Any]]] = {}
        values = ctx.column(column)
        if values.count(None) == len(values):
            continue
        for i in indices(map(is_not, values, repeat(None))):
            key, p = ctx.residents[i]
            value = getattr(p, column)
            if not empty(value):
                groups.setdefault(value.lower() if column == "email" else value, []).append((key, p))
        for rows in groups.values():
            if len(rows) > 1:
                for key, p in rows:
                    yield r.finding(f"{key}:{column}", f"{column} dipakai {len(rows)} penduduk.",
                                    f"{column} is used by {len(rows)} residents.", record=p)


RULES = [
    per_status_log_sync, per_log_null, per_log_unknown, per_log_missing, per_dob_missing, per_required_null,
    per_age_range, per_enum, per_name_chars, per_minor_married, per_kawin_docs, per_kawin_belum_tercatat,
    per_hamil_male, per_kb, per_wajib_ktp, per_ktp_status, per_ktp_date_future, per_dpt_eligible,
    per_unique_contact,
]
