"""Look-ups by code at every level, hierarchy, and the prefix checks NIK/KK rules use."""

import pytest

from sid_connector.wilayah import (
    Region,
    children,
    kabupaten_exists,
    kecamatan_exists,
    lookup,
    parents,
    provinsi_exists,
)


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("11", "Aceh", "provinsi"),
        ("1101", "Kabupaten Aceh Selatan", "kabupaten"),
        ("11.01", "Kabupaten Aceh Selatan", "kabupaten"),
        ("110101", "Bakongan", "kecamatan"),
        ("11.01.01", "Bakongan", "kecamatan"),
        ("1101012001", "Keude Bakongan", "desa"),
        ("11.01.01.2001", "Keude Bakongan", "desa"),
        ("33", "Jawa Tengah", "provinsi"),
        ("3301", "Kabupaten Cilacap", "kabupaten"),
        ("330102", "Kesugihan", "kecamatan"),
        ("3301022001", "Menganti", "desa"),
        ("33.01.02.2001", "Menganti", "desa"),
    ],
)
def test_lookup_dotted_and_undotted(code, name, level):
    region = lookup(code)
    assert region is not None
    assert (region.name, region.level) == (name, level)
    assert region.undotted == code.replace(".", "")


def test_menganti_is_in_kesugihan_cilacap():
    menganti = lookup("33.01.02.2001")
    assert menganti == Region("33.01.02.2001", "Menganti", "desa")
    assert menganti.parent_code == "33.01.02"
    assert [r.name for r in parents("3301022001")] == ["Jawa Tengah", "Kabupaten Cilacap", "Kesugihan"]
    assert not menganti.is_kelurahan
    assert menganti.desa_type == "desa"


def test_unknown_codes_are_none_and_malformed_raise():
    assert lookup("3301020001") is None
    assert lookup("40") is None
    with pytest.raises(ValueError):
        lookup("330102200")


def test_parent_code_and_parents_per_level():
    assert lookup("33").parent_code is None
    assert parents("33") == []
    assert [r.code for r in parents("33.01")] == ["33"]
    assert [r.code for r in parents("330102")] == ["33", "33.01"]
    # An unlisted desa still shows its listed ancestors (useful for messages about stale codes).
    assert [r.code for r in parents("3301020001")] == ["33", "33.01", "33.01.02"]


def test_children():
    provinces = children()
    assert len(provinces) == 38
    assert all(r.level == "provinsi" for r in provinces)
    kab = children("33")
    assert [r.level for r in kab] == ["kabupaten"] * len(kab)
    assert "Kabupaten Cilacap" in {r.name for r in kab}
    kesugihan = children("33.01.02")
    assert kesugihan[0] == Region("33.01.02.2001", "Menganti", "desa")
    assert all(r.parent_code == "33.01.02" for r in kesugihan)
    assert [r.code for r in kesugihan] == sorted(r.code for r in kesugihan)
    assert children("33.01.02.2001") == []
    assert children("33.01.99") == []


def test_kelurahan_kota_and_desa_adat():
    kelurahan = lookup("33.76.03.1002")
    assert kelurahan is not None
    assert kelurahan.is_kelurahan
    assert lookup("32.73").is_kota
    assert not lookup("32.04").is_kota
    adat = [r for kec in children("91.03") for r in children(kec.code) if r.desa_type == "desa adat"]
    assert len(adat) == 14  # RULES.md §3.1: all 14 desa adat are in Kabupaten Jayapura
    assert all(r.name.startswith("Desa Adat ") and not r.is_kelurahan for r in adat)


def test_kota_flag_agrees_with_names():
    for prov in children():
        for kab in children(prov.code):
            assert kab.is_kota == kab.name.startswith("Kota "), kab


@pytest.mark.parametrize(
    ("check", "prefix", "expected"),
    [
        (provinsi_exists, "33", True),
        (provinsi_exists, "96", True),
        (provinsi_exists, "40", False),  # NIK-PROV fixture
        (provinsi_exists, "00", False),
        (kabupaten_exists, "3301", True),
        (kabupaten_exists, "3300", False),  # NIK-REGION-ZERO
        (kecamatan_exists, "330102", True),
        (kecamatan_exists, "33.01.02", True),
        (kecamatan_exists, "330199", False),  # NIK-REGION-KNOWN fixture
        (kecamatan_exists, "330100", False),
        (kecamatan_exists, "330201", True),  # KK-REGION fixture: another, but real, kecamatan
    ],
)
def test_prefix_checks(check, prefix, expected):
    assert check(prefix) is expected


def test_prefix_checks_want_the_right_length():
    with pytest.raises(ValueError, match="bukan kode kecamatan"):
        kecamatan_exists("3301")
    with pytest.raises(ValueError):
        provinsi_exists("3")
