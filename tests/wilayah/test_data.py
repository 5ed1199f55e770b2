"""Packaged data: same rows as the shared list, licence and source note shipped, no run-time dependency."""

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest

import sid_connector.wilayah as wilayah
from sid_connector.wilayah import _table, level_counts, lookup

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DATA = Path(wilayah.__file__).parent / "data"
LEVEL_NAMES = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}


def shared_rows() -> list[tuple[str, str]]:
    source = SHARED / "wilayah" / "wilayah.csv"
    assert source.is_file(), f"reference list missing: {source}"  # fail, never skip
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["kode", "nama"]
        return [(code, name) for code, name in reader]


def test_row_counts_per_level_match_the_shared_list():
    expected = Counter(LEVEL_NAMES[code.count(".") + 1] for code, _ in shared_rows())
    assert level_counts() == dict(expected)
    assert level_counts() == {"provinsi": 38, "kabupaten": 514, "kecamatan": 7285, "desa": 83762}


def test_every_shared_row_is_packaged_with_its_name():
    for code, name in shared_rows():
        region = lookup(code)
        assert region is not None, code
        assert region.name == " ".join(name.split()), code


def test_packaged_codes_are_sorted_and_unique():
    codes = _table.table().codes
    assert codes == sorted(set(codes))


def test_licence_and_source_note_are_shipped():
    licence = (DATA / "LICENSE-wilayah").read_text(encoding="utf-8")
    assert "MIT License" in licence
    assert "Cahya DSN" in licence
    note = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    assert "300.2.2-2138" in note
    assert "cahyadsn/wilayah" in note


def test_package_never_reads_the_shared_folder():
    for source in Path(wilayah.__file__).parent.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "../shared" not in text, source
        assert "shared/wilayah" not in text, source


def test_parse_rejects_damaged_data():
    good = gzip.decompress((DATA / _table.DATA_FILE).read_bytes())
    with pytest.raises(ValueError):
        _table.parse(gzip.compress(good[:-1]))
    with pytest.raises(ValueError):
        _table.parse(gzip.compress(b"code\tname\n11\tAceh\n"))
    with pytest.raises(ValueError):
        _table.parse(gzip.compress(b"kode\tnama\n11\tAceh\n11\tAceh\n"))
