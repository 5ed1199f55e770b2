"""Name normalisation (REG-KODE-DESA-NAME) and searching regions by name."""

import pytest

from sid_connector.wilayah import find_by_name, name_key, names_match


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Batu Layar", "Batulayar"),
        ("BATU LAYAR", "batu-layar"),
        ("Desa Menganti", "MENGANTI"),
        ("Ds. Menganti", "Menganti"),
        ("Kelurahan Bandung", "Bandung"),
        ("Kec. Kesugihan", "Kesugihan"),
        ("Kecamatan Batu Layar", "Batulayar"),
        ("Kab. Cilacap", "Kabupaten Cilacap"),
        ("Kab Lombok Barat", "Lombok Barat"),
        ("Kota Administrasi Jakarta Utara", "Jakarta Utara"),
        ("Provinsi Nusa Tenggara Barat", "Nusa Tenggara Barat"),
        ("Propinsi Jawa Tengah", "JAWA TENGAH"),
        ("Desa Adat Yoboi", "Yoboi"),
        ("Regapu'u", "Regapu’u"),
        ("Kesugihan", "Kesugiham"),  # one-letter typo: similarity ≥ 0.85
    ],
)
def test_names_that_match(a, b):
    assert names_match(a, b)
    assert names_match(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Senggigi", "Senteluk"), ("Baru", "Batu"), ("Menganti", "Slarang"), ("", ""), ("Menganti", "  ")],
)
def test_names_that_do_not_match(a, b):
    assert not names_match(a, b)


def test_prefix_is_a_word_not_a_substring():
    assert name_key("Desakolot") == "desakolot"
    assert name_key("Kecapi") == "kecapi"
    assert name_key("Kelurahan") == "kelurahan"  # a desa really has this name


def test_find_by_name_within_a_parent():
    found = find_by_name("menganti", within="3301")
    assert [r.code for r in found] == ["33.01.02.2001"]
    assert [r.code for r in find_by_name("Desa  MENGANTI", within="33.01.02")] == ["33.01.02.2001"]
    assert find_by_name("Menganti", within="33.01.03") == []
    assert find_by_name("Menganti", within="33.01.99") == []


def test_find_by_name_nationwide_and_by_level():
    everywhere = find_by_name("Menganti")
    assert "33.01.02.2001" in {r.code for r in everywhere}
    assert len(everywhere) > 1
    assert [r.code for r in find_by_name("Kesugihan", level="kecamatan")] == ["33.01.02"]
    assert [r.code for r in find_by_name("Kec. Kesugihan")] == ["33.01.02"]
    assert [r.code for r in find_by_name("Senggigi", within="52.01.14")] == ["52.01.14.2006"]


def test_find_by_name_uses_kota_and_kabupaten_sensibly():
    assert [r.code for r in find_by_name("Kota Bandung")] == ["32.73"]
    assert [r.code for r in find_by_name("Kabupaten Bandung")] == ["32.04"]
    assert [r.code for r in find_by_name("Kab. Bandung")] == ["32.04"]
    both = find_by_name("Bandung", level="kabupaten")
    assert [r.code for r in both] == ["32.04", "32.73"]
    assert [r.code for r in find_by_name("Jakarta Utara", level="kabupaten")] == ["31.72"]


def test_find_by_name_falls_back_when_the_type_word_fits_nothing():
    # There is no kota called Menganti: the word is ignored rather than hiding the desa.
    assert "33.01.02.2001" in {r.code for r in find_by_name("Kota Menganti")}


def test_find_by_name_rejects_unknown_level():
    with pytest.raises(ValueError, match="Tingkat wilayah"):
        find_by_name("Menganti", level="dusun")  # type: ignore[arg-type]
    assert find_by_name("  ") == []
