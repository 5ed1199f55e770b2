import logging

from hypothesis import given
from hypothesis import strategies as st

from sid_connector.privacy import ScrubbingFilter, mask_id, scrub


def test_mask_examples_from_the_rules():
    assert mask_id("3301021507900001") == "3301********0001"
    assert mask_id("0330102200100001") == "0330********0001"
    assert mask_id("3301 0215.0790-0001") == "3301********0001"
    for bad in (None, "", "0", "330102150790001", "12345", "3.3010245019e+15"):
        assert mask_id(bad) == "*" * 16


@given(st.text())
def test_mask_is_always_16_characters(value):
    assert len(mask_id(value)) == 16


@given(st.from_regex(r"\A[0-9]{16}\Z"))
def test_mask_never_shows_digits_5_to_12(nik):
    masked = mask_id(nik)
    assert masked[4:12] == "********"
    assert masked[:4] == nik[:4]
    assert masked[12:] == nik[12:]


@given(st.from_regex(r"\A[0-9]{15,16}\Z"), st.text(alphabet="abc ,:-"), st.text(alphabet="xyz ,:-"))
def test_scrub_leaves_no_long_number(number, before, after):
    cleaned = scrub(f"{before}{number}{after}")
    assert number not in cleaned
    assert "********" in cleaned


def test_log_filter_masks_numbers_in_messages_and_arguments(caplog):
    logger = logging.getLogger("sid_connector.test.privacy")
    logger.addFilter(ScrubbingFilter())
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("warga %s ditolak", "3301021507900001")
    assert "3301021507900001" not in caplog.text
    assert "3301********0001" in caplog.text
