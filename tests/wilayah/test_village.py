"""check_village: the stale-code cases of OPENSID_DB.md §10 and RULES.md §12 (villages A, B, C)."""

import pytest

from sid_connector.wilayah import check_village


def test_senggigi_code_is_senteluk():
    result = check_village("5201142005", "Senggigi")
    assert result.code == "52.01.14.2005"
    assert result.known
    assert not result.name_matches
    assert not result.ok
    assert result.region.name == "Senteluk"
    assert [r.code for r in result.name_codes] == ["52.01.14.2006"]
    assert result.name_codes[0].name == "Senggigi"
    assert result.kecamatan.name == "Batu Layar"
    assert "Senteluk" in result.message
    assert "52.01.14.2006" in result.message


def test_village_a_passes():
    result = check_village("3301022001", "Desa Menganti")
    assert result.ok
    assert result.region.name == "Menganti"
    assert result.name_codes == ()
    assert "cocok" in result.message


def test_dotted_code_and_spelling_variants_are_accepted():
    assert check_village("52.01.14.2006", "SENGGIGI").ok
    assert check_village("5201142006", "Desa Senggigi").ok


def test_unknown_code_still_points_to_the_name_in_its_kecamatan():
    result = check_village("3301020001", "Menganti")  # village B
    assert not result.known
    assert not result.ok
    assert [r.code for r in result.name_codes] == ["33.01.02.2001"]
    assert "tidak ada dalam daftar" in result.message


def test_unknown_name_and_unknown_kecamatan():
    result = check_village("5201142005", "Desa Tidak Ada")
    assert result.known
    assert result.name_codes == ()
    assert "tidak ditemukan di Kecamatan Batu Layar" in result.message
    lost = check_village("3301992001", "Menganti")
    assert lost.kecamatan is None
    assert lost.name_codes == ()
    assert "Kecamatan 33.01.99 juga tidak ada" in lost.message


@pytest.mark.parametrize("bad", ["330102", "33010220011", "kode"])
def test_only_desa_codes(bad):
    with pytest.raises(ValueError):
        check_village(bad, "Menganti")
