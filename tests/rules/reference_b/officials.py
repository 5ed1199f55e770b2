"""Rules on officials and roles (RULES.md §6 PER-DEAD-ACTIVE, CFG-PERANGKAT, §9 ROUTE-ROLE-MISSING).

They read OpenSID tables that are not part of ``VillageData`` (``tweb_desa_pamong``, ``ref_jabatan``,
``program``, ``program_peserta``), passed to the run as ``tables``; a rule whose table was not supplied stays
silent rather than reporting a post as missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sid_connector.models.fields import parse_date, parse_int
from sid_connector.rules.model import Finding, Rule, RuleContext
from sid_connector.village import VillageData
from tests.rules.reference_b._base import KASI_PEM, SEKDES, WARNING, rule

_SCHEMA = "OpenSID/OpenSID database schema (struktur_tabel migrations)"
_SPACES = re.compile(r"\s+")


def _active_pamong(ctx: RuleContext) -> list[Mapping[str, Any]] | None:
    rows = ctx.tables.get("tweb_desa_pamong")
    if rows is None:
        return None
    return [row for row in rows if parse_int(row.get("pamong_status")) == 1]


def _jabatan(ctx: RuleContext) -> dict[int, Mapping[str, Any]] | None:
    rows: Sequence[Mapping[str, Any]] | None = ctx.tables.get("ref_jabatan")
    if rows is None:
        return None
    return {int(row["id"]): row for row in rows if parse_int(row.get("id")) is not None}


def _holders(ctx: RuleContext, jenis: int) -> list[Mapping[str, Any]] | None:
    pamong, jabatan = _active_pamong(ctx), _jabatan(ctx)
    if pamong is None or jabatan is None:
        return None
    return [
        row for row in pamong
        if parse_int(jabatan.get(parse_int(row.get("jabatan_id")) or -1, {}).get("jenis")) == jenis
    ]


@rule(
    "PER-DEAD-ACTIVE", WARNING, (SEKDES, KASI_PEM),
    title="Penduduk tidak hidup masih tercatat aktif",
    description="A resident with status_dasar ≠ 1 still referenced as active: id_kepala of a wilayah row, an "
    "active official (tweb_desa_pamong.pamong_status = 1), or a recipient of a programme running on ref_date. "
    "Officials and programmes are checked when those tables are supplied.",
    hint_id="Penduduk yang sudah meninggal/pindah masih tercatat sebagai ketua wilayah, perangkat atau penerima "
    "bantuan; perbarui datanya.",
    hint_en="A resident who has died/moved is still recorded as area head, village official or aid recipient; "
    "update the data.",
    source=f"{_SCHEMA}: tweb_wil_clusterdesa.id_kepala, tweb_desa_pamong, program_peserta, program (v2410.0.0)",
)
def per_dead_active(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.by_id:
        return
    roles: dict[int, list[str]] = {}
    for w in v.wilayah.values():
        if w.id_kepala is not None:
            roles.setdefault(w.id_kepala, []).append(f"kepala {w.level}")
    for row in _active_pamong(ctx) or ():
        pid = parse_int(row.get("id_pend"))
        if pid is not None:
            roles.setdefault(pid, []).append("perangkat desa")
    running = set()
    for row in ctx.tables.get("program") or ():
        start, end = parse_date(row.get("sdate")), parse_date(row.get("edate"))
        if start and end and start <= ctx.ref_date <= end:
            running.add(parse_int(row.get("id")))
    for row in ctx.tables.get("program_peserta") or ():
        pid = parse_int(row.get("kartu_id_pend"))
        if pid is not None and parse_int(row.get("program_id")) in running:
            roles.setdefault(pid, []).append("penerima bantuan")
    for pid, what in sorted(roles.items()):
        found = ctx.by_id.get(pid)
        if found is None or found[1].status_dasar in (1, None):
            continue
        text = ", ".join(sorted(set(what)))
        yield r.finding(found[0], f"Penduduk tidak hidup masih tercatat sebagai: {text}.",
                        f"Resident no longer alive/present is still recorded as: {text}.", record=found[1])


@rule(
    "CFG-PERANGKAT", WARNING, (SEKDES,),
    title="Jabatan Kepala Desa/Sekretaris belum diisi",
    description="No active official (pamong_status = 1) whose jabatan_id points to a ref_jabatan row of jenis 1 "
    "(Kepala Desa), or of jenis 2 (Sekretaris). Runs when tweb_desa_pamong and ref_jabatan are supplied.",
    hint_id="Jabatan Kepala Desa atau Sekretaris Desa belum diisi di menu Pemerintah Desa; lengkapi agar surat "
    "bisa ditandatangani.",
    hint_en="The Kepala Desa or Sekretaris Desa post is not filled in the Pemerintah Desa menu; complete it so "
    "letters can be signed.",
    source="OpenSID/OpenSID app/Libraries/Periksa.php deteksiJabatan(), check data_jabatan_tidak_ada "
    "(commit 00349a4d)",
    entity="desa",
)
def cfg_perangkat(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for jenis, post in ((1, "Kepala Desa"), (2, "Sekretaris Desa")):
        holders = _holders(ctx, jenis)
        if holders is not None and not holders:
            yield r.finding(f"jabatan:{jenis}", f"Jabatan {post} belum diisi.", f"No active {post}.")


def _kasi_pem(ctx: RuleContext) -> list[Mapping[str, Any]] | None:
    pamong, jabatan = _active_pamong(ctx), _jabatan(ctx)
    if pamong is None or jabatan is None:
        return None
    chosen = ctx.options.get("kasi_pem_pamong_id")
    if chosen is not None:
        return [row for row in pamong if parse_int(row.get("pamong_id")) == int(chosen)]
    found = []
    for row in pamong:
        name = _SPACES.sub(" ", str(jabatan.get(parse_int(row.get("jabatan_id")) or -1, {}).get("nama", "")))
        name = name.strip().lower()
        if "kasi pemerintahan" in name or "kepala seksi pemerintahan" in name:
            found.append(row)
    return found


@rule(
    "ROUTE-ROLE-MISSING", WARNING, (SEKDES,),
    title="Penerima notifikasi jabatan belum ditentukan",
    description="For KASI_PEM (setting kasi_pem_pamong_id, else an active official whose jabatan name contains "
    "\"kasi pemerintahan\"/\"kepala seksi pemerintahan\") or SEKDES (jenis 2), no active official can be "
    "resolved, or the resolved person is not HIDUP. Runs when tweb_desa_pamong and ref_jabatan are supplied.",
    hint_id="Penerima notifikasi untuk jabatan ini belum ditentukan; atur Kasi Pemerintahan/Sekdes di pengaturan "
    "sid-connector.",
    hint_en="No notification recipient is set for this post; configure the Kasi Pemerintahan/Sekdes in "
    "sid-connector's settings.",
    source=f"{_SCHEMA}: tweb_desa_pamong, ref_jabatan (v2410.0.0); app/Libraries/Periksa.php deteksiJabatan() "
    "(commit 00349a4d)",
    entity="desa",
)
def route_role_missing(r: Rule, v: VillageData, ctx: RuleContext) -> Iterator[Finding]:
    for role, holders in (("KASI_PEM", _kasi_pem(ctx)), ("SEKDES", _holders(ctx, 2))):
        if holders is None:
            continue
        alive = [row for row in holders if _alive_official(ctx, row)]
        if not alive:
            yield r.finding(f"role:{role}", f"Penerima untuk {role} tidak dapat ditentukan.",
                            f"No recipient can be resolved for {role}.")


def _alive_official(ctx: RuleContext, row: Mapping[str, Any]) -> bool:
    pid = parse_int(row.get("id_pend"))
    if pid is None or not ctx.by_id:
        return True
    found = ctx.by_id.get(pid)
    return found is not None and found[1].status_dasar in (1, None)


RULES = [per_dead_active, cfg_perangkat, route_role_missing]
