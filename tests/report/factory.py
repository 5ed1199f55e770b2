"""Sample ReportData for the report tests: two dusun, several RTs, every severity, hostile text included."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sid_connector.report import ReportData, ReportFinding, ReportRule, RunPoint

RULES: dict[str, ReportRule] = {
    "NIK-FORMAT": ReportRule("NIK-FORMAT", "NIK tidak 16 angka", "ERROR", "Perbaiki NIK sesuai KTP-el/KK."),
    "FAM-NO-HEAD": ReportRule(
        "FAM-NO-HEAD", "Keluarga tanpa kepala keluarga", "ERROR", "Tetapkan kepala keluarga di menu Keluarga."
    ),
    "PER-AKTA-LAHIR": ReportRule(
        "PER-AKTA-LAHIR", "Akta kelahiran belum tercatat", "WARNING", "Isi nomor akta kelahiran."
    ),
    "PER-KAWIN-BELUM-TERCATAT": ReportRule(
        "PER-KAWIN-BELUM-TERCATAT", "Perkawinan belum tercatat", "INFO", "Bantu warga mengurus akta ke KUA."
    ),
}


def finding(**overrides: Any) -> ReportFinding:
    """A plausible finding; override any field."""
    base = ReportFinding(
        rule="NIK-FORMAT",
        severity="ERROR",
        entity="penduduk",
        record_key="penduduk:1",
        record_id=1,
        nama="Siti Aminah",
        nik_masked="3301********0001",
        dusun="Krajan",
        rw="001",
        rt="002",
        message="NIK berisi 15 angka.",
        hint="Perbaiki NIK sesuai KTP-el/KK.",
        first_seen="2026-11-01",
        is_new=False,
    )
    return replace(base, **overrides)


def sample_findings() -> list[ReportFinding]:
    """Findings across two dusun and three RTs, with one new finding and one without a dusun."""
    return [
        finding(),
        finding(
            rule="PER-AKTA-LAHIR", severity="WARNING", record_key="penduduk:2", record_id=2, nama="Budi Santoso",
            nik_masked="3301********0002", message="Akta kelahiran kosong.", hint="Isi nomor akta kelahiran.",
            is_new=True, first_seen="2026-11-27",
        ),
        finding(
            rule="FAM-NO-HEAD", entity="keluarga", record_key="keluarga:7", record_id=7, nama=None,
            nik_masked=None, dusun="Sukamaju", rw="002", rt="010", message="Keluarga tanpa kepala keluarga.",
            hint="Tetapkan kepala keluarga di menu Keluarga.",
        ),
        finding(
            rule="PER-KAWIN-BELUM-TERCATAT", severity="INFO", record_key="penduduk:3", record_id=3,
            nama="O'Neil & Putra", nik_masked="3301********0003", dusun="Sukamaju", rw="002", rt="3",
            message="Status kawin belum tercatat.", hint="Bantu warga mengurus akta ke KUA.",
        ),
        finding(
            record_key="penduduk:4", record_id=4, nama="Tanpa Wilayah", dusun=None, rw=None, rt=None,
            message="NIK kosong.",
        ),
    ]  # fmt: skip


def sample_data(**overrides: Any) -> ReportData:
    """A complete report input; override any field."""
    base = ReportData(
        village_name="Desa Sukamakmur",
        kode_desa="3301022001",
        generated_at="2026-11-27 08:00",
        ref_date="2026-11-27",
        totals={"penduduk": 1234, "keluarga": 398, "wilayah": 17},
        findings=sample_findings(),
        rules=dict(RULES),
        trend=[
            RunPoint(run_id=41, at="2026-11-13 08:00", errors=9, warnings=5, infos=2),
            RunPoint(run_id=42, at="2026-11-20 08:00", errors=6, warnings=3, infos=2),
        ],
        resolved_since_last=4,
    )
    return replace(base, **overrides)
