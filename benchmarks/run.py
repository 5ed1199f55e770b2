"""Run every sid-connector performance measure of issue 7 and write ``benchmarks/results/latest.json``.

Usage (from the project root, venv active)::

    python benchmarks/run.py            # full: 100,000 residents (P1–P4) and 1,000,000 (P5)
    python benchmarks/run.py --quick    # smoke: 10,000 residents, P5 not run
    python benchmarks/run.py --repeat 5 --no-dlt --no-profile

Workloads are synthetic villages written into MariaDB (127.0.0.1:3306, root) with OpenSID's schema, one
database per (residents, seed), built once and reused. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sidbench import choices, dltload, machine, measures, pull, report, workload  # noqa: E402
from sidbench.profiling import profile  # noqa: E402

RESULTS = HERE / "results"
SCRATCH = HERE / "work"


def _log(message: str) -> None:
    print(message, flush=True)


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (10,000 residents), P5 not run")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions per measure (default 3, quick 2)")
    parser.add_argument("--residents", type=int, default=None, help="override the P1–P4 size")
    parser.add_argument("--p5-residents", type=int, default=None, help="override the P5 size (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-p5", action="store_true", help="skip the memory measure")
    parser.add_argument("--no-dlt", action="store_true", help="skip the dlt comparison")
    parser.add_argument("--no-profile", action="store_true", help="do not profile missed targets")
    parser.add_argument("--no-choices", action="store_true", help="skip the driver and xlsx comparisons")
    parser.add_argument("--p5-timeout", type=float, default=1200, help="seconds before the P5 child is killed")
    parser.add_argument(
        "--only", default="", help="comma list of P1,P2,P3,P4,P5,choices; merges into an existing --out file"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    return parser.parse_args(argv)


def _profile_misses(
    rows: list[report.Measure], work: workload.Workload, village: object, out_dir: Path
) -> dict[str, str]:
    """One pyinstrument profile per missed time target into ``out_dir`` (P5 is memory: see its note)."""
    from sidbench import village_ops

    from sid_connector.store import Store

    missed = {m.id for m in rows if m.met is False}
    saved: dict[str, str] = {}

    def pull_pair(which: str) -> None:
        import tempfile

        kept = measures.kept_store(work, SCRATCH)
        with tempfile.TemporaryDirectory(dir=SCRATCH) as tmp:
            if which == "P2" and kept.exists():  # the P1 store: full + no-op done, another no-op is the same
                with Store.open(kept) as store:
                    target = profile("P2_noop_resync", lambda: pull.pull_once(store, work), out_dir)
            elif which == "P2":
                with Store.open(Path(tmp) / "s.db") as store:
                    pull.pull_once(store, work)
                    target = profile("P2_noop_resync", lambda: pull.pull_once(store, work), out_dir)
            else:
                with Store.open(Path(tmp) / "s.db") as store:
                    target = profile("P1_full_pull", lambda: pull.pull_once(store, work), out_dir)
            if target:
                saved[which] = str(target)

    if missed & {"P1a", "P1b"}:
        pull_pair("P1")
    if "P2" in missed:
        pull_pair("P2")
    if "P3" in missed and village is not None:
        target = profile("P3_rules", lambda: village_ops.rules_once(village, work), out_dir)  # type: ignore[arg-type]
        saved["P3"] = str(target or "")
    if missed & {"P4", "P4z"} and village is not None:
        target = profile("P4_packaging", lambda: village_ops.package_once(village, work), out_dir)  # type: ignore[arg-type]
        saved["P4"] = str(target or "")
    return saved


GROUPS = {"P1": "pull", "P2": "pull", "P3": "village", "P4": "village", "P5": "memory", "CHOICES": "choices"}


def _group(measure_id: str) -> str:
    """Which run group produced a measure (P1a → pull, D/X → choices)."""
    return GROUPS.get(measure_id[:2].upper(), "choices")


def _selected(args: argparse.Namespace) -> set[str]:
    if not args.only:
        groups = {"pull", "village", "memory", "choices"}
    else:
        groups = {GROUPS[name.strip().upper()] for name in args.only.split(",") if name.strip()}
    if args.no_choices:
        groups.discard("choices")
    return groups


def _merge(path: Path, groups: set[str], rows: list[report.Measure]) -> list[report.Measure]:
    """With ``--only``: keep the earlier file's measures of the groups not run now."""
    if not path.exists():
        return rows
    kept = [report.Measure(**m) for m in json.loads(path.read_text())["measures"] if _group(m["id"]) not in groups]
    order = ["pull", "village", "choices", "memory"]
    return sorted(kept + rows, key=lambda m: order.index(_group(m.id)))


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    groups = _selected(args)
    repeat = args.repeat or (2 if args.quick else 3)
    residents = args.residents or (10_000 if args.quick else 100_000)
    p5_size = args.p5_residents or 1_000_000
    run_p5 = "memory" in groups and not args.no_p5 and (not args.quick or args.p5_residents is not None)
    with_dlt = not args.no_dlt and dltload.available()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = machine.describe()
    _log(f"sid-connector benchmark — {info['cpu_model']}, {info['cores']} cores, MariaDB {info['mariadb']}")

    work = workload.Workload(residents, args.seed)
    p5_work = workload.Workload(p5_size, args.seed) if run_p5 else None
    build = {w.database: workload.ensure(w) for w in (work, p5_work) if w is not None}

    rows: list[report.Measure] = []
    village = None
    pulled = None
    if "pull" in groups:
        _log(f"P1/P2: {residents:,} residents, {repeat} repetitions (bare, engine + no-op, dlt interleaved)")
        samples = measures.collect_pulls(work, repeat, SCRATCH, with_dlt, _log)
        rows += measures.pull_measures(work, samples)
        pulled = measures.kept_store(work, SCRATCH)
    if "village" in groups or "choices" in groups:
        _log("P3/P4: rules and packaging over the stored village")
        village_rows, village = measures.village_measures(work, repeat, SCRATCH, _log, pulled)
        rows += village_rows if "village" in groups else []
    if "choices" in groups:
        _log("choices: MySQL drivers (bare read) and xlsx writers/readers")
        small = workload.Workload(min(residents, 20_000), args.seed)
        workload.ensure(small)
        rows += choices.drivers(small, repeat)
        rows += choices.xlsx_io(village, small, small.residents, repeat, SCRATCH)
    if "memory" in groups:
        if p5_work is not None:
            _log(f"P5: {p5_size:,}-resident pull in a child process")
        rows.append(measures.memory_measure(p5_work, SCRATCH, args.p5_timeout))

    profiles = {} if args.no_profile else _profile_misses(rows, work, village, args.out.resolve().parent / "profiles")
    if args.only:
        rows = _merge(args.out, groups, rows)
    print()
    print(report.table(rows))
    config = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "groups_run": sorted(groups),
        "quick": args.quick,
        "repeat": repeat,
        "residents": residents,
        "p5_residents": p5_size if run_p5 else None,
        "seed": args.seed,
        "workload_build_s": build,
        "workload_rows": workload.row_counts(work),
        "profiles": profiles,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    if args.only and args.out.exists():  # keep how the merged-in measures were made
        earlier = json.loads(args.out.read_text())["config"]
        config["earlier_runs"] = [*earlier.pop("earlier_runs", []), earlier]
    report.write(args.out, info, config, rows)
    args.out.with_suffix(".md").write_text(report.markdown(rows), encoding="utf-8")
    _log(f"\nwrote {args.out} in {config['elapsed_s']}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
