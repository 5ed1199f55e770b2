"""The conformance kit, run on every first-party file source and on a deliberately broken one."""

from collections.abc import Iterator

from sid_connector.sources import Batch, RawRow, Snapshot
from sid_connector.testing import assert_source_conforms, check_events, source_problems

from .fakes import MemorySource, residents


def test_the_memory_source_conforms(tmp_path):
    rows = {"wilayah": [{"id": 1, "dusun": "KRAJAN", "rw": "0", "rt": "0"}], "penduduk": residents(7)}
    assert_source_conforms(lambda: MemorySource({"rows": rows}), tmp_path)
    assert_source_conforms(lambda: MemorySource({"rows": rows, "mode": "keyset"}), tmp_path / "keyset")


def test_the_workbook_source_conforms(tmp_path, shared_dir):
    from sid_connector_opensid_xlsx.source import OpenSIDWorkbookSource

    path = shared_dir / "opensid" / "penduduk_ekspor.xlsx"
    assert_source_conforms(lambda: OpenSIDWorkbookSource({"path": str(path), "kode_desa": "5201142006"}), tmp_path)


class Broken(MemorySource):
    """Sends a key twice and never ends its pass, and forgets where it was (no cursor)."""

    def pull(self, village, state) -> Iterator:
        yield Snapshot("penduduk", "g")
        row = residents(1)[0]
        yield Batch("penduduk", [RawRow("1", "id 1", row), RawRow("1", "id 1", row)])


def test_a_broken_source_is_told_what_is_wrong(tmp_path):
    problems = check_events(lambda: Broken({"rows": {}}))
    assert "penduduk: key '1' sent twice in one pull" in problems
    assert "Snapshot(penduduk) never ended" in problems
    assert source_problems(lambda: Broken({"rows": {}}), tmp_path)
