"""Loading the packaged region list: lazily, once, and fast enough to do on first use.

The file is a gzip'd ``kode<TAB>nama`` table sorted by dotted code (scripts/gen_wilayah.py). Sorting makes
every region's descendants one contiguous slice, so children are found by bisection, not by an index built at
load time.
"""

from __future__ import annotations

import gzip
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import resources

DATA_FILE = "wilayah.tsv.gz"  # in the data/ folder beside this module
_HEADER = ("kode", "nama")


@dataclass(frozen=True, slots=True)
class Table:
    """All regions: dotted code → name, plus the codes in sorted order."""

    names: dict[str, str]
    codes: list[str]

    def descendants(self, code: str) -> list[str]:
        """Codes strictly below ``code`` (all levels), in code order."""
        start = bisect_left(self.codes, code + ".")
        stop = bisect_left(self.codes, code + "/", start)  # "/" sorts right after "."
        return self.codes[start:stop]


def parse(blob: bytes) -> Table:
    """Build a Table from the compressed file; ValueError if it is not what the generator writes."""
    text = gzip.decompress(blob).decode("utf-8")
    if not text.endswith("\n"):
        raise ValueError("data wilayah terpotong (tidak diakhiri baris baru)")
    cells = text[:-1].replace("\n", "\t").split("\t")
    if len(cells) % 2 or tuple(cells[:2]) != _HEADER:
        raise ValueError("format data wilayah tidak dikenal")
    pairs = iter(cells[2:])
    names = dict(zip(pairs, pairs, strict=True))
    codes = list(names)
    if len(codes) * 2 != len(cells) - 2:
        raise ValueError("data wilayah berisi kode ganda")
    return Table(names=names, codes=codes)


@cache
def table() -> Table:
    """The packaged table, read on first use and cached for the life of the process."""
    blob = (resources.files("sid_connector.wilayah") / "data" / DATA_FILE).read_bytes()
    return parse(blob)
