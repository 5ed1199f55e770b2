"""Regenerate the packaged Kemendagri region list in ``src/sid_connector/wilayah/data/``.

Run from the project root: ``python scripts/gen_wilayah.py [../shared/wilayah]``.
The product never reads the shared CSV at run time; it ships the gzip file this script writes, plus the
upstream MIT notice and the source/decree note, which the licence requires us to carry along.

The output is UTF-8 and tab-separated (header ``kode<TAB>nama``, dotted codes, sorted by code),
gzip-compressed with a zero timestamp, so regenerating unchanged data gives byte-identical output. The level
is not stored: it is the number of dot-separated parts of the code.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import shutil
from collections import Counter
from pathlib import Path

OUT_DIR = Path("src/sid_connector/wilayah/data")
DATA_NAME = "wilayah.tsv.gz"

# RULES.md §3.2: the loader must assert these totals (provinsi, kab/kota, kecamatan, desa/kelurahan).
# Edit them deliberately when a new decree changes the list.
EXPECTED = {1: 38, 2: 514, 3: 7_285, 4: 83_762}

CODE = re.compile(r"^[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?$")

PACKAGED_NOTE = """
## This packaged copy (sid-connector)

`wilayah.tsv.gz` is generated from the `wilayah.csv` described above by `scripts/gen_wilayah.py`:

- same rows and codes; names only have surrounding and repeated whitespace collapsed;
- tab-separated (`kode<TAB>nama`, dotted codes, sorted by code), gzip-compressed;
- the level is the number of dot-separated parts of `kode`
  (1 provinsi, 2 kab/kota, 3 kecamatan, 4 desa/kelurahan).

The upstream MIT licence is `LICENSE-wilayah` beside this file. Source: cahyadsn/wilayah (`db/wilayah.sql`),
codes per Kepmendagri No. 300.2.2-2138 Tahun 2025 (updated by No. 300.2.2-2430 Tahun 2025).
"""


def read_rows(csv_path: Path) -> list[tuple[str, str]]:
    """Read and validate the source CSV; fail loudly rather than ship a damaged table."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        if header != ["kode", "nama"]:
            raise SystemExit(f"unexpected header {header!r} in {csv_path}")
        rows: dict[str, str] = {}
        for line_no, record in enumerate(reader, start=2):
            if len(record) != 2:
                raise SystemExit(f"{csv_path}:{line_no}: expected 2 columns, got {record!r}")
            code, name = record[0].strip(), " ".join(record[1].split())
            if not CODE.match(code) or not name:
                raise SystemExit(f"{csv_path}:{line_no}: bad row {record!r}")
            if code in rows:
                raise SystemExit(f"{csv_path}:{line_no}: duplicate code {code}")
            rows[code] = name
    for code in rows:
        parent = code.rpartition(".")[0]
        if parent and parent not in rows:
            raise SystemExit(f"{code} has no parent {parent} in the list")
    return sorted(rows.items())


def write_table(rows: list[tuple[str, str]], out: Path) -> None:
    text = "kode\tnama\n" + "".join(f"{code}\t{name}\n" for code, name in rows)
    with (
        out.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(text.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=Path("../shared/wilayah"))
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()

    rows = read_rows(args.source / "wilayah.csv")
    counts = Counter(code.count(".") + 1 for code, _ in rows)
    if dict(counts) != EXPECTED:
        raise SystemExit(f"level counts {dict(counts)} differ from the expected {EXPECTED}")

    args.out.mkdir(parents=True, exist_ok=True)
    write_table(rows, args.out / DATA_NAME)
    shutil.copyfile(args.source / "LICENSE", args.out / "LICENSE-wilayah")
    note = (args.source / "SOURCE.md").read_text(encoding="utf-8").rstrip("\n") + "\n" + PACKAGED_NOTE
    (args.out / "SOURCE.md").write_text(note, encoding="utf-8")
    size = (args.out / DATA_NAME).stat().st_size
    print(f"{len(rows)} regions {dict(sorted(counts.items()))} -> {args.out / DATA_NAME} ({size:,} bytes)")


if __name__ == "__main__":
    main()
