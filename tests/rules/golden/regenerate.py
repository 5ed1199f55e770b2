"""Write the golden findings of test_fast_paths_a/_b: every generated village's findings under the rules on the path.

Run from the project root with the rule pack of commit 9c9ff37 — the row-by-row originals — on the path, together
with the core (``sid_connector``, including ``sid_connector.rules``) of that commit::

    rm -rf /tmp/orig && mkdir /tmp/orig
    git archive 9c9ff37 plugins/sid_connector_rules_dukcapil src | tar -x -C /tmp/orig
    PYTHONPATH=/tmp/orig/plugins:/tmp/orig/src:. python tests/rules/golden/regenerate.py

The files of the imported rule and core modules are printed first, to show which code ran. ``--check`` compares
instead of writing (exit 1 on a difference), e.g. to confirm that the current code still gives the golden findings.

Every village is named and built by ``tests/rules/fast_path_villages.py`` (``RUNS_A``, ``RUNS_B``). Each golden file
maps a village name to ``{"errors": [rule ids], "findings": [[rule_id, severity, entity, record_key, message,
message_en, record_id, dusun, rw, rt], ...]}`` (rows sorted), as compact JSON, gzipped with mtime 0 so the same
findings give the same bytes. Regenerate only after a deliberate change of a rule's meaning, and say so in the commit.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[3]))  # the project root, for ``tests.rules``

from tests.rules.fast_path_villages import GOLDEN, RUNS_A, RUNS_B, encode_golden, outcome

from sid_connector.rules import engine
from sid_connector_rules_dukcapil import events, family, kk, nik, officials, person, region

RULES = {
    "fast_paths_a": (RUNS_A, [*kk.RULES, *family.RULES, *events.RULES]),
    "fast_paths_b": (RUNS_B, [*nik.RULES, *region.RULES, *person.RULES, *officials.RULES]),
}


def main(check: bool) -> int:
    for module in (engine, kk, family, events, nik, region, person, officials):
        print(f"{module.__name__}: {module.__file__}")
    failed = 0
    for name, (runs, rules) in RULES.items():
        data = encode_golden({village: outcome(run(rules)) for village, run in runs.items()})
        path = GOLDEN / f"{name}.json.gz"
        if not check:
            path.write_bytes(data)
        same = path.exists() and gzip.decompress(path.read_bytes()) == gzip.decompress(data)
        failed += not same
        print(f"{path.name}: {len(runs)} villages, {len(data)} bytes, {'same' if same else 'DIFFERENT'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(check=sys.argv[1:] == ["--check"]))
