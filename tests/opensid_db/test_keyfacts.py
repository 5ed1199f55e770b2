"""The id facts that stand in for a KeySet, and the family pass's block runs (no server needed)."""

from __future__ import annotations

from decimal import Decimal

from sid_connector_opensid_db.passes import _consecutive
from sid_connector_opensid_db.watermark import covers, id_facts, unchanged

NOW = "2026-01-02 00:00:00"


def test_facts_of_an_id_list() -> None:
    assert id_facts([3, 5, 9], NOW) == {"count": 3, "sum": 17, "max": 9, "at": NOW}
    assert id_facts([], NOW) == {"count": 0, "sum": 0, "max": 0, "at": NOW}


def test_facts_cover_a_pass_only_when_fresh_complete_and_nothing_above_their_max_was_read() -> None:
    facts = id_facts([1, 2, 9], "2026-01-01 12:00:00")
    assert covers(facts, 9, NOW, 24)
    assert covers(facts, 0, NOW, 24)
    assert not covers(facts, 10, NOW, 24)  # a row above the max was read: its key is not in the facts
    assert not covers(facts, 0, NOW, 12)  # older than the refresh interval
    assert not covers(facts, 0, NOW, 0)
    assert not covers(None, 0, NOW, 24)  # the first pull, or a cursor from before facts existed
    assert not covers({"count": 3, "max": 9, "at": NOW}, 0, NOW, 24)


def test_unchanged_needs_both_count_and_sum() -> None:
    facts = id_facts([1, 2, 9], NOW)
    assert unchanged(facts, 3, 12)
    assert not unchanged(facts, 2, 3)  # a deletion
    assert not unchanged(facts, 3, 11)  # a deletion (9) and a late row below the max (8): same count
    assert unchanged(facts, 3, Decimal("12"))  # the server returns SUM as a DECIMAL


def test_block_runs() -> None:
    assert list(_consecutive([])) == []
    assert list(_consecutive([4])) == [(4, 4)]
    assert list(_consecutive([0, 1, 2, 5, 7, 8])) == [(0, 2), (5, 5), (7, 8)]
