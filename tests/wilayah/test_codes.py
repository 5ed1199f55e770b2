"""Code syntax: dotted/undotted forms, errors an operator can act on, and the round-trip property."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sid_connector.wilayah import desa_type, level_of, normalise_code, undotted


@pytest.mark.parametrize(
    ("raw", "dotted", "level"),
    [
        ("52", "52", "provinsi"),
        ("5201", "52.01", "kabupaten"),
        ("52.01", "52.01", "kabupaten"),
        ("520114", "52.01.14", "kecamatan"),
        ("52.01.14", "52.01.14", "kecamatan"),
        ("5201142005", "52.01.14.2005", "desa"),
        ("52.01.14.2005", "52.01.14.2005", "desa"),
        (" 3301022001\n", "33.01.02.2001", "desa"),
    ],
)
def test_normalise_every_level(raw, dotted, level):
    assert normalise_code(raw) == dotted
    assert undotted(raw) == dotted.replace(".", "")
    assert level_of(raw) == level


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "5",
        "520",
        "52011",
        "52011420",
        "520114200",
        "52011420051",
        "52.0114",
        "52.01.14.205",
        "52-01-14-2005",
        "5201 142005",
        "52.01.14.2005.",
        "AB",
        "٥٢",
    ],
)
def test_normalise_rejects_malformed(bad):
    with pytest.raises(ValueError, match="tidak valid"):
        normalise_code(bad)


def test_seven_digits_are_named_as_bps():
    with pytest.raises(ValueError, match="kode kecamatan BPS"):
        normalise_code("3301020")


def test_non_text_is_a_type_error():
    with pytest.raises(TypeError):
        normalise_code(5201142005)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("3301022001", "desa"),
        ("33.76.03.1002", "kelurahan"),
        ("9103012001", "desa"),
        ("9103013001", "desa adat"),
        ("3301024001", None),
        ("3301020001", None),
    ],
)
def test_desa_type_from_code(code, kind):
    assert desa_type(code) == kind


def test_desa_type_needs_a_desa_code():
    with pytest.raises(ValueError, match="bukan kode desa"):
        desa_type("330102")


digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def code_forms(draw):
    parts = [draw(st.text("0123456789", min_size=n, max_size=n)) for n in (2, 2, 2, 4)]
    depth = draw(st.integers(1, 4))
    chosen = parts[:depth]
    dotted = ".".join(chosen)
    return draw(st.sampled_from([dotted, "".join(chosen)])), dotted


@given(code_forms())
def test_round_trip_for_every_valid_form(form):
    raw, dotted = form
    assert normalise_code(undotted(raw)) == dotted
    assert normalise_code(raw) == dotted
    assert undotted(normalise_code(raw)) == dotted.replace(".", "")
