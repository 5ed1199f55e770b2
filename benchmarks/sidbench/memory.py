"""P5: peak RSS of a full pull, measured in a child process so nothing else counts towards it.

Run as ``python -m sidbench.memory RESIDENTS SEED STORE_DIR``; prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def _vm_hwm_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def child(residents: int, seed: int, store_dir: str) -> dict[str, float]:
    """Pull into a fresh store and report time and peak memory (MiB)."""
    from sid_connector.store import Store
    from sidbench.pull import pull_once
    from sidbench.workload import Workload

    baseline = _vm_hwm_kib()
    with Store.open(Path(store_dir) / "store.db") as store:
        seconds, rows, _ = pull_once(store, Workload(residents, seed))
    return {
        "seconds": seconds,
        "rows": rows,
        "vm_hwm_mib": _vm_hwm_kib() / 1024,
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "after_imports_mib": baseline / 1024,
    }


def measure(residents: int, seed: int, store_dir: Path, timeout: float = 1200) -> dict[str, float]:
    """Run :func:`child` in a fresh interpreter and return its report."""
    bench_root = Path(__file__).resolve().parents[1]
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "sidbench.memory", str(residents), str(seed), str(store_dir)],
        cwd=bench_root, capture_output=True, text=True, timeout=timeout, check=True,
    )  # fmt: skip
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall_s"] = time.perf_counter() - started
    return report


if __name__ == "__main__":
    print(json.dumps(child(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])))
