"""A compact re-implementation of the RULES.md checks that can be evaluated on OpenSID rows.

Test-only: it lets the synth tests prove that a clean village raises nothing at ERROR/WARNING level and
that a planted one raises each planted rule. It is not the project's rule engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

from sid_connector.synth import SyntheticVillage

REAL_NIK = re.compile(
    r"^(1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[1-2]|9[1-6])(?!00)\d{2}(?!00)\d{2}"
    r"(0[1-9]|[12]\d|3[01]|4[1-9]|[56]\d|7[01])(0[1-9]|1[0-2])\d{2}(?!0000)\d{4}$"
)
KNOWN_KEC = {"330101", "330102", "330103", "330106", "330107", "330202", "330203", "330501", "320701",
             "332901", "317401", "330201"}  # fmt: skip
ENUMS = {
    "sex": {1, 2}, "agama_id": set(range(1, 8)), "pendidikan_kk_id": set(range(1, 11)),
    "pendidikan_sedang_id": set(range(1, 19)), "pekerjaan_id": set(range(1, 90)), "status_kawin": {1, 2, 3, 4},
    "kk_level": set(range(1, 12)), "warganegara_id": {1, 2, 3}, "golongan_darah_id": set(range(1, 14)),
    "cacat_id": set(range(1, 8)), "sakit_menahun_id": set(range(1, 15)), "cara_kb_id": {1, 2, 3, 4, 5, 6, 7, 99},
    "hamil": {1, 2}, "ktp_el": {1, 2, 3}, "status_rekam": set(range(1, 9)), "status": {1, 2},
    "status_dasar": {1, 2, 3, 4, 6, 9}, "id_asuransi": {1, 2, 3, 99},
}  # fmt: skip
KB_SEX = {1: 2, 2: 2, 3: 2, 4: 1, 5: 2, 6: 2, 7: 1, 99: 3}
STATUS_OF_EVENT = {1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 6}
REQUIRED = ("nama", "sex", "tempatlahir", "agama_id", "pendidikan_kk_id", "pekerjaan_id", "golongan_darah_id",
            "status_kawin", "warganegara_id", "nama_ayah", "nama_ibu")  # fmt: skip


def age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", "-"))


def _date(value: object) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


def nik_date_ok(nik: str) -> bool:
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    day = day - 40 if day > 40 else day
    if not 1 <= month <= 12:
        return False
    try:
        dt.date(2000 + year if year % 4 == 0 else 2001, month, day)
    except ValueError:
        return False
    return True


def check(village: SyntheticVillage) -> dict[str, list[object]]:
    """Rule id → subjects that fail it (ERROR/WARNING level only)."""
    spec, ref = village.spec, village.spec.ref_date
    prefix = spec.kode_desa[:6]
    found: dict[str, list[object]] = defaultdict(list)
    people = list(village.penduduk())
    families = list(village.keluarga())
    events = list(village.log_penduduk())
    fam_events = list(village.log_keluarga())
    by_id = {p["id"]: p for p in people}
    by_nik: dict[str, list[dict]] = defaultdict(list)
    for p in people:
        if p["nik"]:
            by_nik[p["nik"]].append(p)
    members: dict[int, list[dict]] = defaultdict(list)
    for p in people:
        if p["id_kk"] is not None:
            members[p["id_kk"]].append(p)
    person_events: dict[int, list[dict]] = defaultdict(list)
    for e in events:
        person_events[e["id_pend"]].append(e)
    clusters = {w["id"]: w for w in village.wilayah}
    latest_family_event: dict[int, dict] = {}
    for e in sorted(fam_events, key=lambda e: e["id"]):
        latest_family_event[e["id_kk"]] = e
    fam_ids = {f["id"] for f in families}

    for p in people:
        nik, alive = p["nik"] or "", p["status_dasar"] == 1
        if nik not in ("", "0") and not re.fullmatch(r"\d{16}", nik):
            found["NIK-FORMAT"].append(p["id"])
        if alive and nik in ("", "0"):
            found["NIK-ZERO"].append(p["id"])
        if alive and re.fullmatch(r"0\d{15}", nik):
            found["NIK-TEMP"].append(p["id"])
        if re.fullmatch(r"[1-9]\d{15}", nik):
            if not REAL_NIK.match(nik):
                if int(nik[:2]) not in {
                    11,
                    12,
                    13,
                    14,
                    15,
                    16,
                    17,
                    18,
                    19,
                    21,
                    31,
                    32,
                    33,
                    34,
                    35,
                    36,
                    51,
                    52,
                    53,
                    61,
                    62,
                    63,
                    64,
                    65,
                    71,
                    72,
                    73,
                    74,
                    75,
                    76,
                    81,
                    82,
                    91,
                    92,
                    93,
                    94,
                    95,
                    96,
                }:
                    found["NIK-PROV"].append(p["id"])
                elif nik[2:4] == "00" or nik[4:6] == "00":
                    found["NIK-REGION-ZERO"].append(p["id"])
                elif nik[12:] == "0000":
                    found["NIK-SERIAL"].append(p["id"])
            if not nik_date_ok(nik):
                found["NIK-DATE"].append(p["id"])
            elif REAL_NIK.match(nik) and nik[:6] not in KNOWN_KEC:
                found["NIK-REGION-KNOWN"].append(p["id"])
            if nik_date_ok(nik):
                dd = int(nik[6:8])
                if p["sex"] and (dd > 40) != (p["sex"] == 2):
                    found["NIK-SEX-MATCH"].append(p["id"])
                born = p["tanggallahir"]
                if born and (
                    (dd - 40 if dd > 40 else dd, int(nik[8:10]), int(nik[10:12]))
                    != (born.day, born.month, born.year % 100)
                ):
                    found["NIK-DOB-MATCH"].append(p["id"])
        if alive:
            for key in ("ayah_nik", "ibu_nik"):
                value = p[key]
                if not _empty(value) and ((value != "0" and not re.fullmatch(r"\d{16}", value)) or value == nik):
                    found["NIK-PARENT-FORMAT"].append(p["id"])
            if p["warganegara_id"] == 2 and _empty(p["dokumen_kitas"]) and _empty(p["dokumen_pasport"]):
                found["NIK-FOREIGNER"].append(p["id"])
            if p["status"] == 1 and p["id_kk"] is None:
                found["KK-PENDUDUK-LEPAS"].append(p["id"])
    for nik, group in by_nik.items():
        if len(group) > 1 and nik != "0":
            found["NIK-UNIQUE"].append(nik)
    temp_groups = Counter(
        (p["nama"], p["tanggallahir"], p["tempatlahir"], p["sex"])
        for p in people
        if p["status_dasar"] == 1 and (p["nik"] in (None, "", "0") or re.fullmatch(r"0\d{15}", p["nik"] or ""))
    )
    found["NIK-TEMP-DUP"].extend(key for key, n in temp_groups.items() if n > 1)

    kk_count = Counter(f["no_kk"] for f in families)
    for f in families:
        kk = f["no_kk"] or ""
        active = any(m["status_dasar"] == 1 for m in members[f["id"]])
        if not re.fullmatch(r"\d{16}", kk):
            found["KK-FORMAT"].append(f["id"])
        if active and re.fullmatch(r"0\d{15}", kk):
            found["KK-TEMP"].append(f["id"])
        if re.fullmatch(r"[1-9]\d{15}", kk):
            day, month, year = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
            try:
                issued = dt.date(2000 + year if 2000 + year <= ref.year else 1900 + year, month, day)
                if issued > ref:
                    found["KK-DATE"].append(f["id"])
            except ValueError:
                found["KK-DATE"].append(f["id"])
            if kk[:6] != prefix:
                found["KK-REGION"].append(f["id"])
        if kk_count[kk] > 1:
            found["KK-UNIQUE"].append(f["id"])

    # region
    rt_ids_by_dusun: dict[str, bool] = defaultdict(bool)
    for w in village.wilayah:
        if w["rt"] not in ("0", "-"):
            rt_ids_by_dusun[w["dusun"]] = True
    keys = Counter((w["dusun"], w["rw"], w["rt"]) for w in village.wilayah)
    found["REG-RT-UNIQUE"].extend(k for k, n in keys.items() if n > 1)
    names = defaultdict(set)
    for w in village.wilayah:
        names[w["dusun"].strip().lower()].add(w["dusun"])
    found["REG-DUSUN-DUP"].extend(k for k, v in names.items() if len(v) > 1)
    subjects = [p for p in people if p["status_dasar"] == 1] + [
        f for f in families if any(m["status_dasar"] == 1 for m in members[f["id"]])
    ]
    for s in subjects:
        row = clusters.get(s["id_cluster"])
        if row is None or row["rt"] == "0":
            found["REG-CLUSTER-EXISTS"].append(s["id"])
        elif row["rt"] == "-" and rt_ids_by_dusun[row["dusun"]]:
            found["REG-CLUSTER-NO-RT"].append(s["id"])

    # family
    head_use = Counter(f["nik_kepala"] for f in families if f["nik_kepala"] is not None)
    for f in families:
        ms = members[f["id"]]
        alive = [m for m in ms if m["status_dasar"] == 1]
        heads = [m for m in ms if m["kk_level"] == 1]
        if len(heads) > 1:
            found["FAM-MULTI-HEAD"].append(f["id"])
        if alive and (not heads or f["nik_kepala"] is None):
            found["FAM-NO-HEAD"].append(f["id"])
        if f["nik_kepala"] is not None:
            target = by_id.get(f["nik_kepala"])
            if target is None or target["kk_level"] != 1 or target["id_kk"] != f["id"]:
                found["FAM-HEAD-POINTER"].append(f["id"])
            if head_use[f["nik_kepala"]] > 1:
                found["FAM-HEAD-IN-2-KK"].append(f["id"])
        head = by_id.get(f["nik_kepala"]) or (heads[0] if heads else None)
        if head and head["status_dasar"] != 1 and any(m is not head for m in alive):
            found["FAM-HEAD-NOT-ALIVE"].append(f["id"])
        latest = latest_family_event.get(f["id"])
        if not ms or (not alive and latest and latest["id_peristiwa"] in (1, 5, 12, 14)):
            found["FAM-EMPTY"].append(f["id"])
        for m in alive:
            if (m["kk_level"] == 3 and m["sex"] != 2) or (m["kk_level"] == 2 and m["sex"] != 1):
                found["FAM-SPOUSE-SEX"].append(m["id"])
            if m["kk_level"] in (2, 3) and (m["status_kawin"] != 2 or (head and head["status_kawin"] != 2)):
                found["FAM-SPOUSE-MARRIED"].append(m["id"])
        if head and any(m["kk_level"] == 3 for m in alive) and head["sex"] != 1:
            found["FAM-SPOUSE-SEX"].append(f["id"])
        parents = [m for m in alive if m["kk_level"] in (1, 2, 3)]
        for child in (m for m in alive if m["kk_level"] == 4):
            linked = parents + [q for key in ("ayah_nik", "ibu_nik") for q in by_nik.get(child[key] or "", [])]
            for parent in linked:
                if (
                    child["tanggallahir"]
                    and parent["tanggallahir"]
                    and (
                        child["tanggallahir"] < parent["tanggallahir"]
                        or age(parent["tanggallahir"], child["tanggallahir"]) < 10
                    )
                ):
                    found["FAM-CHILD-BEFORE-PARENT"].append(child["id"])
        if head and head["tanggallahir"]:
            for m in alive:
                if m["tanggallahir"] and (
                    (m["kk_level"] in (7, 8) and m["tanggallahir"] >= head["tanggallahir"])
                    or (m["kk_level"] == 6 and m["tanggallahir"] <= head["tanggallahir"])
                ):
                    found["FAM-GENERATION-ORDER"].append(m["id"])
        if f["id"] not in latest_family_event:
            found["FAM-LOG-MISSING"].append(f["id"])
    for p in people:
        for key, bad_sex in (("ayah_nik", 2), ("ibu_nik", 1)):
            if any(q["sex"] == bad_sex for q in by_nik.get(p[key] or "", [])):
                found["FAM-PARENT-LINK"].append(p["id"])
        if p["id_kk"] is not None and p["id_kk"] not in fam_ids:
            found["FAM-ORPHAN-HEAD"].append(p["id"])
    dup = Counter((e["id_kk"], e["tgl_peristiwa"]) for e in fam_events)
    found["FAM-LOG-DUP"].extend(k for k, n in dup.items() if n > 1)
    rtm_heads = Counter(r["nik_kepala"] for r in village.rtm)
    found["RTM-MULTI-HEAD"].extend(k for k, n in rtm_heads.items() if n > 1)

    # person
    email = Counter((p["email"] or "").lower() for p in people if p["email"])
    found["PER-UNIQUE-CONTACT"].extend(k for k, n in email.items() if n > 1)
    for e in events:
        if e["kode_peristiwa"] is None:
            found["PER-LOG-NULL"].append(e["id"])
        elif e["kode_peristiwa"] not in STATUS_OF_EVENT:
            found["PER-LOG-UNKNOWN"].append(e["id"])
    for p in people:
        pid, alive, born = p["id"], p["status_dasar"] == 1, p["tanggallahir"]
        evs = sorted(person_events[pid], key=lambda e: e["id"])
        if not evs:
            found["PER-LOG-MISSING"].append(pid)
        else:
            latest = evs[-1]["kode_peristiwa"]
            if p["status_dasar"] != 9 and latest in STATUS_OF_EVENT and STATUS_OF_EVENT[latest] != p["status_dasar"]:
                found["PER-STATUS-LOG-SYNC"].append(pid)
        for column, allowed in ENUMS.items():
            if p[column] is not None and p[column] not in allowed:
                found["PER-ENUM"].append((pid, column))
        if p["hamil"] == 1 and p["sex"] == 1:
            found["PER-HAMIL-MALE"].append(pid)
        if p["tanggal_cetak_ktp"] and p["tanggal_cetak_ktp"] > ref:
            found["PER-KTP-DATE-FUTURE"].append(pid)
        for key in ("nama", "nama_ayah", "nama_ibu"):
            if not _empty(p[key]) and not re.fullmatch(r"[A-Za-z '.,-]+", p[key]):
                found["PER-NAME-CHARS"].append(pid)
        kawin = p["status_kawin"]
        if kawin == 1 and any(not _empty(p[k]) for k in ("akta_perkawinan", "tanggalperkawinan", "akta_perceraian",
                                                          "tanggalperceraian")):  # fmt: skip
            found["PER-KAWIN-DOCS"].append(pid)
        if (
            kawin == 2
            and (p["akta_perceraian"] or p["tanggalperceraian"])
            and not (
                p["tanggalperceraian"] and p["tanggalperkawinan"] and p["tanggalperceraian"] < p["tanggalperkawinan"]
            )
        ):
            found["PER-KAWIN-DOCS"].append(pid)
        divorce, marriage = p["tanggalperceraian"], p["tanggalperkawinan"]
        if kawin == 3 and divorce and marriage and divorce < marriage:
            found["PER-KAWIN-DOCS"].append(pid)
        if not alive:
            continue
        if born is None:
            found["PER-DOB-MISSING"].append(pid)
        missing = [k for k in REQUIRED if _empty(p[k])] + (["kk_level"] if p["id_kk"] and not p["kk_level"] else [])
        if missing:
            found["PER-REQUIRED-NULL"].append((pid, missing))
        if born and (born > ref or age(born, ref) > 120):
            found["PER-AGE-RANGE"].append(pid)
        if born and kawin in (2, 3, 4):
            married = p["tanggalperkawinan"]
            if married:
                minimum = 19 if married >= dt.date(2019, 10, 15) or p["sex"] == 1 else 16
                if age(born, married) < minimum:
                    found["PER-MINOR-MARRIED"].append(pid)
            elif age(born, ref) < 19:
                found["PER-MINOR-MARRIED"].append(pid)
        if p["cara_kb_id"] is not None and (kawin != 2 or KB_SEX.get(p["cara_kb_id"]) not in (3, p["sex"])):
            found["PER-KB"].append(pid)
        if born:
            wajib = age(born, ref) >= 17 or kawin in (2, 3, 4)
            rekam, ktp_el = p["status_rekam"], p["ktp_el"]
            if (
                (wajib and rekam == 1)
                or (not wajib and rekam is not None and rekam >= 3)
                or (rekam in (1, 2) and ktp_el not in (None, 1))
                or (rekam is not None and rekam >= 3 and ktp_el not in (None, 2))
                or (ktp_el == 3 and wajib)
            ):
                found["PER-KTP-STATUS"].append(pid)
    for w in village.wilayah:
        if w["id_kepala"] is not None and by_id.get(w["id_kepala"], {}).get("status_dasar") != 1:
            found["PER-DEAD-ACTIVE"].append(w["id"])
    for official in village.pamong:
        if official["pamong_status"] == 1 and by_id[official["id_pend"]]["status_dasar"] != 1:
            found["PER-DEAD-ACTIVE"].append(official["pamong_id"])

    # events
    for e in events:
        p = by_id[e["id_pend"]]
        when, reported, kode = _date(e["tgl_peristiwa"]), _date(e["tgl_lapor"]), e["kode_peristiwa"]
        born = p["tanggallahir"]
        if kode == 1:
            if (reported - when).days > 60 or (
                p["status_dasar"] == 1 and _empty(p["akta_lahir"]) and (ref - when).days > 60
            ):
                found["EVT-BIRTH-60D"].append(e["id"])
            if when != born or (p["status_dasar"] == 1 and p["id_kk"] is None and (ref - when).days > 60):
                found["EVT-BIRTH-DOB"].append(e["id"])
        if kode == 2 and ((reported - when).days > 30 or (_empty(e["akta_mati"]) and (ref - when).days > 30)):
            found["EVT-DEATH-30D"].append(e["id"])
        deaths = [_date(x["tgl_peristiwa"]) for x in person_events[p["id"]] if x["kode_peristiwa"] == 2]
        if (
            when > ref
            or (born and when < born)
            or any(when > d for d in deaths)
            or (kode in (1, 2, 4) and e["tgl_lapor"] < e["tgl_peristiwa"])
        ):
            found["EVT-DATES"].append(e["id"])
        if kode == 3 and (e["ref_pindah"] not in (1, 2, 3, 4) or _empty(e["alamat_tujuan"])):
            found["EVT-MOVE-OUT"].append(e["id"])
        if kode == 3 and p["kk_level"] == 1:
            for m in members[p["id_kk"]]:
                if m is not p and m["status_dasar"] == 1:
                    found["EVT-MOVE-OUT"].append(e["id"])
        if (
            kode == 5
            and p["status_dasar"] == 1
            and (
                not re.fullmatch(r"[1-9]\d{15}", p["nik"] or "") or _empty(p["alamat_sebelumnya"]) or p["id_kk"] is None
            )
        ):
            found["EVT-MOVE-IN"].append(e["id"])
    dup_events = Counter((e["id_pend"], e["kode_peristiwa"], e["tgl_peristiwa"]) for e in events)
    found["EVT-DUP-LOG"].extend(k for k, n in dup_events.items() if n > 1)
    return {rule: subjects for rule, subjects in found.items() if subjects}
