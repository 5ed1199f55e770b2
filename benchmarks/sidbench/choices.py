"""Numbers behind two dependency choices: the MySQL driver and the xlsx reader/writer.

Each alternative is optional: one that is not installed is reported as not run. Timings are medians of
``repeat`` side-by-side runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sidbench import bare
from sidbench.report import Measure
from sidbench.timing import median
from sidbench.workload import HOST, PORT, USER, Workload


def _mysql_connector_read(work: Workload, *, pure: bool, dict_rows: bool) -> tuple[float, int]:
    """The bare read with mysql-connector-python (its C extension unless ``pure``)."""
    import mysql.connector

    config_id, plans = bare.plan(work)
    started = time.perf_counter()
    conn = mysql.connector.connect(
        host=HOST, port=PORT, user=USER, database=work.database, use_pure=pure, charset="utf8mb4"
    )
    total = 0
    try:
        cur = conn.cursor(dictionary=dict_rows)
        for entity in bare.ENTITIES:
            last = 0
            while True:
                cur.execute(plans[entity].page(), (config_id, last, 2000))
                rows = cur.fetchall()
                total += len(rows)
                if len(rows) < 2000:
                    break
                last = int(rows[-1]["id"] if dict_rows else rows[-1][0])
            if entity in bare.KEYSET:
                cur.execute(plans[entity].ids(), (config_id,))
                cur.fetchall()
        cur.close()
    finally:
        conn.close()
    return time.perf_counter() - started, total


def _connectorx_read(work: Workload, *, python_rows: bool) -> tuple[float, int]:
    """The bare read with connectorx (Rust): same pages into Arrow tables, optionally turned into dicts.

    connectorx takes no query parameters; the values spliced in are integers this function made itself.
    """
    import connectorx

    config_id, plans = bare.plan(work)
    url = f"mysql://{USER}@{HOST}:{PORT}/{work.database}"
    started = time.perf_counter()
    total = 0
    for entity in bare.ENTITIES:
        last = 0
        while True:
            sql = plans[entity].page().replace("%s", "{}").format(int(config_id), int(last), 2000)
            table = connectorx.read_sql(url, sql, return_type="arrow")
            rows = table.to_pylist() if python_rows else None
            total += table.num_rows
            if table.num_rows < 2000:
                break
            last = int(rows[-1]["id"] if rows is not None else table.column("id")[-1].as_py())
        if entity in bare.KEYSET:
            ids = connectorx.read_sql(url, plans[entity].ids().replace("%s", str(int(config_id))), return_type="arrow")
            if python_rows:
                ids.column(0).to_pylist()
    return time.perf_counter() - started, total


def _vendor_dir() -> Path | None:
    """mysql-connector-python's bundled OpenSSL (its C extension needs a newer one than the system's)."""
    try:
        spec = importlib.util.find_spec("mysql.connector")
    except ImportError:
        return None
    if spec is None or spec.origin is None:
        return None
    vendor = Path(spec.origin).parents[1] / "vendor"
    return vendor if vendor.is_dir() else None


def _in_child(work: Workload, pure: bool, dict_rows: bool) -> Callable[[], tuple[float, int]]:
    """Run one mysql-connector read in a child whose loader finds the bundled OpenSSL first."""

    def run() -> tuple[float, int]:
        env = {**os.environ, "LD_LIBRARY_PATH": str(_vendor_dir())}
        args = [str(work.residents), str(work.seed), str(int(pure)), str(int(dict_rows))]
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
            [sys.executable, "-m", "sidbench.choices", *args],
            cwd=Path(__file__).resolve().parents[1],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, rows = json.loads(done.stdout.strip().splitlines()[-1])
        return float(seconds), int(rows)

    return run


def drivers(work: Workload, repeat: int) -> list[Measure]:
    """Bare-read records/s per driver and row type (same queries, same pages)."""
    variants: dict[str, Callable[[], tuple[float, int]]] = {
        "PyMySQL 1.x, dict rows (in use)": lambda: bare.read_all(work),
        "PyMySQL, tuple rows": lambda: bare.read_all(work, dict_rows=False),
    }
    if _vendor_dir() is not None:
        for label, pure, dict_rows in (
            ("C ext, dict rows", False, True),
            ("C ext, tuple rows", False, False),
            ("pure Python, dict rows", True, True),
        ):
            variants[f"mysql-connector-python {label}"] = _in_child(work, pure, dict_rows)
    if importlib.util.find_spec("connectorx") is not None:
        variants["connectorx (Rust) → Arrow tables"] = lambda: _connectorx_read(work, python_rows=False)
        variants["connectorx (Rust) → Arrow → dict rows"] = lambda: _connectorx_read(work, python_rows=True)
    samples: dict[str, list[float]] = {name: [] for name in variants}
    rows = 0
    for _ in range(repeat):
        for name, read in variants.items():
            seconds, rows = read()
            samples[name].append(rows / seconds)
    base = median(samples["PyMySQL 1.x, dict rows (in use)"])
    return [
        Measure(
            "D",
            f"driver: {name}",
            median(values),
            "records/s",
            values,
            ratio=median(values) / base,
            ratio_of="vs PyMySQL dict",
        )
        for name, values in samples.items()
    ]


def _writers(rows: list[list[str]], header: tuple[str, ...], folder: Path) -> dict[str, Callable[[], Any]]:
    """Writers of the same cells: the project's streaming writer, openpyxl write-only, XlsxWriter."""
    from sid_connector_opendk import xlsx

    def ours() -> None:
        sheet = xlsx.SheetStream()
        sheet.feed(xlsx.render_row(1, header))
        for number, values in enumerate(rows, start=2):
            sheet.feed(xlsx.render_row(number, values))
        (folder / "ours.xlsx").write_bytes(xlsx.xlsx_bytes(sheet.finish()))

    def openpyxl_wo() -> None:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(list(header))
        for values in rows:
            sheet.append(values)
        book.save(folder / "openpyxl.xlsx")

    out: dict[str, Callable[[], Any]] = {
        "writer: sid_connector_opendk.xlsx streaming (in use)": ours,
        "writer: openpyxl write_only": openpyxl_wo,
    }
    try:
        import xlsxwriter

        def xlsxwriter_cm() -> None:
            book = xlsxwriter.Workbook(str(folder / "xw.xlsx"), {"constant_memory": True})
            sheet = book.add_worksheet()
            sheet.write_row(0, 0, header)
            for number, values in enumerate(rows, start=1):
                sheet.write_row(number, 0, values)
            book.close()

        out["writer: XlsxWriter constant_memory"] = xlsxwriter_cm
    except ImportError:
        pass
    return out


def _readers(path: Path) -> dict[str, Callable[[], int]]:
    """Readers of one OpenSID-format workbook: the project's, openpyxl read-only, python-calamine."""
    from sid_connector_opensid_xlsx.reader import WorkbookReader

    def ours() -> int:
        with WorkbookReader(path) as reader:
            return sum(1 for _ in reader.rows())

    def openpyxl_ro() -> int:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
        finally:
            book.close()

    out: dict[str, Callable[[], int]] = {
        "reader: sid_connector_opensid_xlsx (in use)": ours,
        "reader: openpyxl read_only": openpyxl_ro,
    }
    try:
        import python_calamine

        def calamine() -> int:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            return len(book.get_sheet_by_index(0).to_python()) - 1

        out["reader: python-calamine"] = calamine
    except ImportError:
        pass
    return out


def xlsx_io(village: Any, work: Workload, residents: int, repeat: int, scratch: Path) -> list[Measure]:
    """Rows/s writing the OpenDK sheet and reading an OpenSID export workbook of ``residents`` rows."""
    from sid_connector.synth import VillageSpec, generate
    from sid_connector_opendk.packaging import COLUMNS, row_values
    from sid_connector_opensid_xlsx.writer import export_rows, write_workbook

    people = list(village.penduduk.values())[:residents]
    cells = [row_values(p, "33.01.02.2001") for p in people]
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        folder = Path(tmp)
        workbook = folder / "export.xlsx"
        write_workbook(export_rows(generate(VillageSpec(residents=residents, seed=work.seed))), workbook)
        jobs: dict[str, tuple[Callable[[], Any], int]] = {
            name: (job, len(cells)) for name, job in _writers(cells, COLUMNS, folder).items()
        }
        jobs.update({name: (job, residents) for name, job in _readers(workbook).items()})
        for _ in range(repeat):
            for name, (job, count) in jobs.items():
                started = time.perf_counter()
                job()
                samples.setdefault(name, []).append(count / (time.perf_counter() - started))
    out = []
    for kind in ("writer", "reader"):
        names = [n for n in samples if n.startswith(kind)]
        base = median(samples[names[0]])
        out += [
            Measure(
                "X",
                name,
                median(samples[name]),
                "rows/s",
                samples[name],
                ratio=median(samples[name]) / base,
                ratio_of="vs in use",
            )
            for name in names
        ]
    return out


if __name__ == "__main__":
    _work = Workload(int(sys.argv[1]), int(sys.argv[2]))
    print(json.dumps(_mysql_connector_read(_work, pure=sys.argv[3] == "1", dict_rows=sys.argv[4] == "1")))
