"""Property tests: NIK/KK parsing and classification, and masking."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sid_connector.privacy import mask_id
from sid_connector_rules_dukcapil import ids

prefixes = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
serials = st.integers(min_value=1, max_value=9999)


@given(prefixes, births, st.booleans(), serials)
def test_generated_nik_is_real_and_round_trips_birth_and_sex(prefix, born, female, serial):
    nik = ids.make_nik(prefix, born, female, serial)
    assert ids.classify_nik(nik) == ids.REAL
    assert ids.nik_birth(nik) == (born.day, born.month, born.year % 100, female)


@given(st.text(min_size=16, max_size=16))
def test_any_16_char_string_classifies_without_crashing(text):
    cls = ids.classify_nik(text)
    assert cls in {ids.MISSING, ids.TEMP, ids.REAL, ids.MALFORMED}
    if cls == ids.REAL:
        ids.nik_birth(text)
        ids.kk_date(text, date(2026, 6, 30))
    assert ids.classify_kk(text) in {ids.TEMP, ids.REAL, ids.MALFORMED}


@given(st.from_regex(r"[0-9]{16}", fullmatch=True))
def test_every_16_digit_value_is_temp_or_real_and_parses(value):
    assert ids.classify_nik(value) in {ids.TEMP, ids.REAL}
    assert ids.classify_kk(value) in {ids.TEMP, ids.REAL}
    if ids.classify_nik(value) == ids.REAL:
        parts = ids.nik_birth(value)
        assert parts is None or (1 <= parts[0] <= 31 and 1 <= parts[1] <= 12)
        recorded = ids.kk_date(value, date(2026, 6, 30))
        assert recorded is None or recorded.year <= 2026


@given(st.text(max_size=40))
def test_classification_never_crashes_on_any_text(text):
    ids.classify_nik(text)
    ids.classify_kk(text)
    ids.norm_id(text)


@given(st.sampled_from(["", "0", None]))
def test_empty_values_are_missing_nik_and_malformed_kk(value):
    assert ids.classify_nik(value) == ids.MISSING
    assert ids.classify_kk(value) == ids.MALFORMED


@given(st.from_regex(r"[0-9]{16}", fullmatch=True))
def test_mask_of_16_digits_is_16_chars_and_hides_the_middle(value):
    masked = mask_id(value)
    assert len(masked) == 16
    assert value[4:12] not in masked
    assert masked == value[:4] + "*" * 8 + value[12:]


@given(st.text(min_size=1, max_size=30).filter(lambda t: t.strip()))
def test_mask_of_any_non_blank_text_is_16_chars(value):
    assert len(mask_id(value)) == 16
