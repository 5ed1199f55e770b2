"""Pure unit tests: URL parsing, row shaping, grant parsing (no server needed)."""

from __future__ import annotations

import pytest

from sid_connector.sources import Rejected, SourceError
from sid_connector_opensid_db.checks import _target_covers
from sid_connector_opensid_db.dsn import parse_url
from sid_connector_opensid_db.rows import shape, split
from sid_connector_opensid_db.villages import normalise_code, wanted_codes
from sid_connector_opensid_db.watermark import since


def test_url_options_and_secret() -> None:
    settings = parse_url("mysql://sid:p%40ss@db.example:3307/opensid?ssl=true&read_timeout=60")
    assert (settings.host, settings.port, settings.user, settings.database) == ("db.example", 3307, "sid", "opensid")
    assert settings.password == "p@ss"
    assert settings.ssl
    assert settings.read_timeout == 60
    assert "p@ss" not in repr(settings)
    assert "p@ss" not in settings.describe()
    with pytest.raises(SourceError):
        parse_url("postgres://x@y/z")
    with pytest.raises(SourceError):
        parse_url("mysql://x@y/z?password=oops")


def test_codes() -> None:
    assert normalise_code("52.01.14.2005") == "5201142005"
    assert wanted_codes("*") is None
    assert wanted_codes(["5201142005", "52.01.14.2006"]) == ["5201142005", "5201142006"]
    with pytest.raises(SourceError, match="123"):
        normalise_code("123")


def test_shape_rejects_only_unreadable_rows() -> None:
    row = shape("penduduk", {"id": 7, "config_id": 1, "nama": "A", "nik": "0"})
    assert row.key == "7"
    assert row.ref == "id 7"
    assert "config_id" not in row.data
    bad = shape("penduduk", {"id": 8, "nama": b"\xff\xfe"})
    assert isinstance(bad, Rejected)
    assert (bad.ref, bad.field) == ("id 8", "nama")


def test_split_takes_decoded_pages_whole_and_checks_pages_with_bytes() -> None:
    decoded = [{"id": 1, "config_id": 1, "nama": "A"}, {"id": None, "nama": "B"}, {"id": 3, "nama": None}]
    good, bad = split("penduduk", decoded)
    assert [(r.key, r.ref, dict(r.data)) for r in good] == [("1", "id 1", {"id": 1, "nama": "A"}),
                                                           ("3", "id 3", {"id": 3, "nama": None})]
    assert [(b.ref, b.field) for b in bad] == [("id None", "id")]
    # One undecodable value anywhere in the page: every row of it goes through the per-value path.
    mixed = [{"id": 4, "config_id": 1, "nama": "C"}, {"id": 5, "nama": b"D"}, {"id": 6, "nama": bytearray(b"\xff")}]
    good, bad = split("penduduk", mixed)
    assert [(r.key, dict(r.data)) for r in good] == [("4", {"id": 4, "nama": "C"}), ("5", {"id": 5, "nama": "D"})]
    assert [(b.ref, b.field) for b in bad] == [("id 6", "nama")]


def test_watermark_overlap_and_grants() -> None:
    assert since("2026-01-01 00:00:01", 2) == "2025-12-31 23:59:59"
    assert since(None, 2) is None
    assert _target_covers("*.*", "opensid")
    assert _target_covers("`opensid`.*", "opensid")
    assert _target_covers("`opensid`.`tweb_penduduk`", "opensid")
    assert not _target_covers("`lain`.*", "opensid")
    assert _target_covers("`opensid\\_%`.*", "opensid_desa")
