import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sid_connector.models import Desa, Keluarga, Penduduk, Wilayah, label_for, labels


def test_zero_dates_and_blank_integers_read_as_missing():
    person = Penduduk.model_validate({"tanggallahir": "0000-00-00", "kk_level": "", "berat_lahir": " "})
    assert person.tanggallahir is None
    assert person.kk_level is None
    assert person.berat_lahir is None


def test_nik_that_lost_its_leading_zero_is_padded_but_never_repaired_otherwise():
    assert Penduduk.model_validate({"nik": Decimal("330102200100001")}).nik == "0330102200100001"
    assert Penduduk.model_validate({"nik": 3301021507900001}).nik == "3301021507900001"
    assert Penduduk.model_validate({"nik": "'3301 0215.0790-0001"}).nik == "3301021507900001"
    # Scientific notation has lost digits: kept as text so NIK-FORMAT reports it.
    # norm_id (RULES.md §0.4) drops the dot but keeps the exponent, so it can never pass as 16 digits.
    assert Penduduk.model_validate({"nik": "3.3010245019e+15"}).nik == "33010245019e+15"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("sex", "LK", 1),
        ("sex", "Pr", 2),
        ("sex", "perempuan", 2),
        ("agama_id", "islam", 1),
        ("status_kawin", "K", 2),
        ("golongan_darah_id", "Tdk Th", 13),
        ("status_dasar", "PINDAH DALAM NEGERI", 3),
        ("pendidikan_sedang_id", "sedang d-1/sederajat", 8),
        ("kk_level", "4", 4),
        ("pekerjaan_id", 89.0, 89),
    ],
)
def test_labels_and_aliases_where_ids_are_expected(field, value, expected):
    assert getattr(Penduduk.model_validate({field: value}), field) == expected


def test_unreadable_values_are_rejected_naming_the_field():
    with pytest.raises(ValidationError) as caught:
        Penduduk.model_validate({"agama_id": "bukan agama", "tanggallahir": "31-31-2000", "nama": "ADI"})
    fields = {error["loc"][0] for error in caught.value.errors()}
    assert fields == {"agama_id", "tanggallahir"}


def test_dates_in_the_forms_workbooks_use():
    assert Penduduk.model_validate({"tanggallahir": "15-07-1990"}).tanggallahir == dt.date(1990, 7, 15)
    assert Penduduk.model_validate({"tanggallahir": "15/07/1990"}).tanggallahir == dt.date(1990, 7, 15)
    assert Penduduk.model_validate({"tanggallahir": "1990-07-15 00:00:00"}).tanggallahir == dt.date(1990, 7, 15)


def test_unknown_numeric_code_is_kept_for_the_rules_to_report():
    assert Penduduk.model_validate({"agama_id": 42}).agama_id == 42


def test_wilayah_levels_follow_opensid_encoding():
    assert Wilayah(dusun="KRAJAN", rw="0", rt="0").level == "dusun"
    assert Wilayah(dusun="KRAJAN", rw="-", rt="0").level == "rw"
    assert Wilayah(dusun="KRAJAN", rw="-", rt="001").level == "rt"


def test_reference_codes_ship_inside_the_package():
    assert labels("agama_id")[1] == "ISLAM"
    assert len(labels("pekerjaan_id")) == 89
    # status_rekam holds tweb_status_ktp.status_rekam, not its id.
    assert label_for("status_rekam", 1) == "BELUM WAJIB"
    assert label_for("status_dasar", 5) is None


def test_real_sample_rows_parse(shared_dir):
    import json

    for row in json.loads((shared_dir / "opensid/samples/tweb_penduduk_first10.json").read_text()):
        person = Penduduk.model_validate(row)
        assert person.id == row["id"]
        assert person.nik == row["nik"]
    for row in json.loads((shared_dir / "opensid/samples/tweb_keluarga_first10.json").read_text()):
        assert Keluarga.model_validate(row).nik_kepala == row["nik_kepala"]
    config = json.loads((shared_dir / "opensid/samples/config.json").read_text())[0]
    assert Desa.model_validate(config).kode_desa == "5201142005"


def test_secrets_are_never_carried():
    person = Penduduk.model_validate({"email_token": "secret", "telegram_token": "secret"})
    assert "secret" not in person.model_dump_json()
