"""Regenerate ``src/sid_connector/models/data/ref_codes.json`` from OpenSID's ``ref_tables.sql``.

Run from the project root: ``python scripts/gen_ref_codes.py ../shared/opensid/ref_tables.sql``.
The product never reads the SQL dump at run time; it ships the JSON this script writes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

INSERT = re.compile(r"INSERT INTO `(?P<table>\w+)` \((?P<cols>[^)]*)\) VALUES \((?P<vals>.*)\);$")
VALUE = re.compile(r"'((?:[^'\\]|\\.)*)'|(NULL)|(-?\d+(?:\.\d+)?)")


def parse_values(text: str) -> list[object]:
    values: list[object] = []
    for quoted, null, number in VALUE.findall(text):
        if null:
            values.append(None)
        elif number:
            values.append(int(number) if "." not in number else float(number))
        else:
            values.append(quoted.replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\"))
    return values


def main(dump: Path, out: Path) -> None:
    tables: dict[str, list[dict[str, object]]] = {}
    for line in dump.read_text(encoding="utf-8").splitlines():
        match = INSERT.match(line.strip())
        if not match:
            continue
        columns = [c.strip(" `") for c in match["cols"].split(",")]
        values = parse_values(match["vals"])
        if len(values) != len(columns):
            raise SystemExit(f"cannot parse row of {match['table']}: {line[:120]}")
        tables.setdefault(match["table"], []).append(dict(zip(columns, values, strict=True)))
    out.write_text(json.dumps(tables, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{sum(len(r) for r in tables.values())} rows in {len(tables)} tables -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path("src/sid_connector/models/data/ref_codes.json"))
