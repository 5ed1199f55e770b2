"""WhatsApp number normalisation (Indonesian ``08…`` → ``628…``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sid_connector_channels.phone import InvalidPhoneNumber, describe, normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("081234567890", "6281234567890"),
        ("0812-3456-7890", "6281234567890"),
        ("0812 3456 7890", "6281234567890"),
        ("(0812) 3456.7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("+62 812-3456-7890", "6281234567890"),
        ("+62 0812 3456 7890", "6281234567890"),
        ("62081234567890", "6281234567890"),
        ("81234567890", "6281234567890"),
        ("006281234567890", "6281234567890"),
        ("+60123456789", "60123456789"),
        ("021-5551234", "62215551234"),
    ],
)
def test_normalises_common_spellings(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "abc", "0812-ABCD-7890", "12345", "1234567890", "08" + "1" * 20, "٠٨١٢٣٤٥٦٧٨٩٠"]
)
def test_rejects_what_cannot_be_a_number(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalise_phone(raw)


def test_error_shows_only_the_last_digits() -> None:
    with pytest.raises(InvalidPhoneNumber) as info:
        normalise_phone("0812345678901234567")
    assert "0812345678901234567" not in str(info.value)
    assert "4567" in str(info.value)
    assert describe("") == "(kosong)"


@given(st.text(alphabet="0123456789", min_size=8, max_size=12))
def test_normalised_numbers_are_fixed_points(rest: str) -> None:
    number = normalise_phone("08" + rest)
    assert number.startswith("628")
    assert number.isdigit()
    assert normalise_phone(number) == number
    assert normalise_phone("+" + number) == number
