"""Fuzzing the parsers of untrusted uploads: whatever the bytes, the only exception is ``PushRejected`` (4xx)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sid_connector_receiver.errors import PushRejected
from sid_connector_receiver.receiver import Receiver
from sid_connector_receiver.settings import MB, Limits, ReceiverSettings
from sid_connector_receiver.tables import check_table_zip
from tests.receiver.conftest import TOKEN
from tests.receiver.pushes import XLSX_NAME, resident_zip, table_csv, village_rows, workbook, zip_of

LIMITS = Limits(max_body=2 * MB, max_unzipped=4 * MB, max_entries=50, max_rows=500)
VALID_XLSX = workbook(village_rows(5))
VALID_ZIP = resident_zip(village_rows(5))
VALID_CSV_ZIP = zip_of({"bantuan.csv": table_csv("program-bantuan")})
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with tempfile.TemporaryDirectory() as folder:
        settings_ = ReceiverSettings(inbox=Path(folder), token=TOKEN, villages=frozenset({"5306132001"}), limits=LIMITS)
        yield Receiver(settings_)


def mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        buffer[position % len(buffer)] = value
    return bytes(buffer[:cut] if cut else buffer)


edits = st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=12)
cuts = st.none() | st.integers(min_value=1, max_value=4000)


def only_rejections(call: object, *args: object) -> None:
    try:
        call(*args)  # type: ignore[operator]
    except PushRejected as refused:
        status, message = refused.status, refused.message
    else:
        return
    assert 400 <= status < 500 and message


@FUZZ
@given(edits, cuts)
def test_mutated_resident_zip(receiver, changes, cut):
    only_rejections(receiver.storedata, f"Bearer {TOKEN}", mutate(VALID_ZIP, changes, cut))


@FUZZ
@given(edits, cuts)
def test_mutated_workbook_inside_a_sound_zip(receiver, changes, cut):
    only_rejections(receiver.storedata, f"Bearer {TOKEN}", zip_of({XLSX_NAME: mutate(VALID_XLSX, changes, cut)}))


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(receiver, data):
    only_rejections(receiver.storedata, None, data)
    only_rejections(check_table_zip, data, "5306132001", LIMITS)


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_csv_in_a_sound_zip(data):
    only_rejections(check_table_zip, zip_of({"data.csv": data}), "5306132001", LIMITS)


@FUZZ
@given(edits, cuts)
def test_mutated_csv_zip(changes, cut):
    only_rejections(check_table_zip, mutate(VALID_CSV_ZIP, changes, cut), "5306132001", LIMITS)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=15), inner, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(json_values)
def test_arbitrary_json_bodies(receiver, payload):
    only_rejections(receiver.hapus, None, payload)
    only_rejections(receiver.laporan, None, "laporan-penduduk", payload)
    if isinstance(payload, dict):
        only_rejections(receiver.identitas, None, payload)


@pytest.mark.parametrize("changes", [[(179, 0)], [(139, 0x40)]])  # found by fuzzing: empty entry name, zip version 6.4
def test_regressions_found_by_fuzzing(changes):
    data = mutate(VALID_CSV_ZIP, changes, None)
    with pytest.raises(PushRejected):
        check_table_zip(data, "5306132001", LIMITS)
