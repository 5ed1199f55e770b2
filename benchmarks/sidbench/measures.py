"""Every measure of issue 7 (P1–P5), each returning :class:`Measure` rows with medians and ratios."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sidbench import bare, dltload, memory, pull, village_ops
from sidbench.report import Measure
from sidbench.timing import median
from sidbench.workload import Workload


@dataclass(slots=True)
class PullSamples:
    """Side-by-side samples of one repetition loop (bare, engine, no-op, dlt)."""

    bare: list[float] = field(default_factory=list)
    bare_tuple: list[float] = field(default_factory=list)
    full: list[float] = field(default_factory=list)
    noop: list[float] = field(default_factory=list)
    dlt: list[float] = field(default_factory=list)
    dlt_pyarrow: list[float] = field(default_factory=list)
    dlt_backend: str = ""
    rows: int = 0
    noop_rows: int = 0
    noop_changes: int = 0
    dlt_rows: int = 0


def kept_store(work: Workload, scratch: Path) -> Path:
    """Where the last repetition's store stays, for P3/P4 to load instead of pulling again."""
    return scratch / f"store_{work.database}.db"


def collect_pulls(work: Workload, repeat: int, scratch: Path, with_dlt: bool, log: Any) -> PullSamples:
    """Interleave the four reads ``repeat`` times so machine noise hits them alike."""
    samples = PullSamples()
    for index in range(repeat):
        seconds, rows = bare.read_all(work)
        samples.bare.append(seconds)
        samples.bare_tuple.append(bare.read_all(work, dict_rows=False)[0])
        timing = pull.full_then_noop(work, scratch, keep=kept_store(work, scratch))
        samples.full.append(timing.full_s)
        samples.noop.append(timing.noop_s)
        samples.rows, samples.noop_rows, samples.noop_changes = timing.full_rows, timing.noop_rows, timing.noop_changes
        if timing.full_rows != rows:
            log(f"  warning: engine read {timing.full_rows} rows, bare read {rows}")
        if with_dlt:
            samples.dlt_backend = dltload.fastest_backend()
            seconds, samples.dlt_rows = dltload.load(work, scratch, backend=samples.dlt_backend)
            samples.dlt.append(seconds)
            if samples.dlt_backend != "pyarrow":
                samples.dlt_pyarrow.append(dltload.load(work, scratch, backend="pyarrow")[0])
        log(
            f"  rep {index + 1}/{repeat}: bare {samples.bare[-1]:.2f}s, engine {timing.full_s:.2f}s, "
            f"no-op {timing.noop_s:.2f}s"
            + (f", dlt ({samples.dlt_backend}) {samples.dlt[-1]:.2f}s" if with_dlt else "")
        )
    return samples


def _rate(rows: int, seconds: list[float]) -> list[float]:
    return [rows / s for s in seconds]


def pull_measures(work: Workload, s: PullSamples) -> list[Measure]:
    """P1 (with its two ratios), the bare reads and dlt, and P2."""
    p1 = median(_rate(s.rows, s.full))
    bare_rate = median(_rate(s.rows, s.bare))
    out = [
        Measure("P1", f"full pull {work.residents:,} residents → store", p1, "records/s", _rate(s.rows, s.full),
                notes=f"{s.rows:,} records (wilayah, keluarga, penduduk, both logs); median {median(s.full):.2f}s"),
        Measure("P1a", "bare PyMySQL read, same queries (dict rows)", bare_rate, "records/s", _rate(s.rows, s.bare),
                ratio=p1 / bare_rate, ratio_of="P1/bare", target="P1/bare ≥ 0.5", met=p1 / bare_rate >= 0.5),
        Measure("P1a'", "bare PyMySQL read, tuple rows (info)", median(_rate(s.rows, s.bare_tuple)), "records/s",
                _rate(s.rows, s.bare_tuple)),
    ]  # fmt: skip
    if s.dlt:
        dlt_rate = median(_rate(s.dlt_rows, s.dlt))
        out.append(
            Measure(
                "P1b",
                f"dlt sql_database ({s.dlt_backend}, its fastest backend) → duckdb",
                dlt_rate,
                "records/s",
                _rate(s.dlt_rows, s.dlt),
                ratio=p1 / dlt_rate,
                ratio_of="P1/dlt",
                target="P1/dlt ≥ 4",
                met=p1 / dlt_rate >= 4,
                notes=f"{s.dlt_rows:,} rows, whole tables; median {median(s.dlt):.2f}s",
            )
        )
        if s.dlt_pyarrow:
            out.append(
                Measure(
                    "P1b'",
                    "dlt sql_database (pyarrow over PyMySQL) → duckdb (info)",
                    median(_rate(s.dlt_rows, s.dlt_pyarrow)),
                    "records/s",
                    _rate(s.dlt_rows, s.dlt_pyarrow),
                    ratio=p1 / median(_rate(s.dlt_rows, s.dlt_pyarrow)),
                    ratio_of="P1/dlt-pyarrow",
                )
            )
    else:
        out.append(Measure("P1b", "dlt sql_database → duckdb", None, "records/s", target="P1/dlt ≥ 4",
                           notes="not run (dlt not installed or --no-dlt)"))  # fmt: skip
    ratios = [n / f for n, f in zip(s.noop, s.full, strict=True)]
    noop = median(s.noop)
    out.append(
        Measure(
            "P2",
            "no-op resync (nothing changed)",
            noop,
            "s",
            s.noop,
            ratio=noop / median(s.full),
            ratio_of="no-op/full time",
            target="≤ 0.05",
            met=noop / median(s.full) <= 0.05,
            notes=f"re-read {s.noop_rows:,} rows, {s.noop_changes} changes; per-rep ratios "
            + ", ".join(f"{r:.3f}" for r in ratios),
        )
    )
    return out


def village_measures(
    work: Workload, repeat: int, scratch: Path, log: Any, pulled: Path | None = None
) -> tuple[list[Measure], Any]:
    """P3 (rules) and P4 (packaging) over the stored village; returns the village for profiling."""
    load_s, village = village_ops.stored_village(work, scratch, pulled)
    residents = len(village.penduduk)
    rule_s, pack_runs = [], []
    rules_run = findings = 0
    per_rule: dict[str, float] = {}
    for index in range(repeat):
        seconds, rules_run, findings, per_rule = village_ops.rules_once(village, work)
        rule_s.append(seconds)
        pack_runs.append(village_ops.package_once(village, work))
        log(f"  rep {index + 1}/{repeat}: rules {seconds:.2f}s, packaging {pack_runs[-1].seconds:.2f}s")
    single = village_ops.single_stream_bytes(village, work)
    rules_rate = median(_rate(residents, rule_s))
    pack = pack_runs[-1]
    pack_rate = median(_rate(pack.rows, [p.seconds for p in pack_runs]))
    lower = max(-(-pack.total_bytes // village_ops.LIMIT_BYTES), -(-single // village_ops.LIMIT_BYTES))
    out = [
        Measure("P3", f"all rules over {residents:,} residents", rules_rate, "residents/s", _rate(residents, rule_s),
                target="≥ 50,000/s", met=rules_rate >= 50_000,
                notes=f"{rules_run} rules, {findings} findings; load_village {load_s:.2f}s (once, not timed in P3)",
                extra={"slowest_rules_s": dict(sorted(per_rule.items(), key=lambda kv: -kv[1])[:15])}),
        Measure("P3l", "store.load_village (once)", load_s, "s", [load_s],
                notes=f"{residents / load_s:,.0f} residents/s incl. families and events"),
        Measure("P4", f"OpenDK packaging of {pack.rows:,} residents", pack_rate, "rows/s",
                _rate(pack.rows, [p.seconds for p in pack_runs]), target="≥ 30,000/s", met=pack_rate >= 30_000),
        Measure("P4z", "ZIPs produced vs minimum the 5120 KB limit allows", float(pack.zips), "zips",
                ratio=pack.zips / lower, ratio_of="zips/minimum", target="= minimum", met=pack.zips <= lower,
                notes=f"total {pack.total_bytes:,} B → ceil(total/limit) = {pack.min_by_total}; one unlimited "
                f"stream {single:,} B → {-(-single // village_ops.LIMIT_BYTES)}",
                extra={"total_bytes": pack.total_bytes, "single_stream_bytes": single, "min": lower}),
    ]  # fmt: skip
    return out, village


def memory_measure(work: Workload | None, scratch: Path, timeout: float) -> Measure:
    """P5: peak RSS of a whole pull in a child process."""
    if work is None:
        return Measure("P5", "peak RSS of a 1,000,000-resident pull", None, "MiB", target="≤ 250 MB",
                       notes="not run (--quick, or --no-p5)")  # fmt: skip
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        report = memory.measure(work.residents, work.seed, Path(tmp), timeout=timeout)
    peak = float(report["vm_hwm_mib"])
    return Measure(
        "P5", f"peak RSS of a {work.residents:,}-resident pull", peak, "MiB", [peak], target="≤ 250 MB",
        met=peak * 1024 * 1024 <= 250e6,
        notes=f"VmHWM; ru_maxrss {report['ru_maxrss_mib']:.0f} MiB; "
        f"after imports {report['after_imports_mib']:.0f} MiB;"
        f" pull {report['seconds']:.0f}s, {report['rows'] / report['seconds']:,.0f} records/s", extra=report,
    )  # fmt: skip
