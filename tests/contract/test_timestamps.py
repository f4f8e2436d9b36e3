"""RFC 3339 date-times: every spelling of one instant reads as that instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapso_contacts.contract import format_timestamp, parse_rfc3339

INSTANT = datetime(2025, 3, 26, 15, 5, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-26T15:05:00.123456Z",
        "2025-03-26T15:05:00.123456z",
        "2025-03-26t15:05:00.123456Z",
        "2025-03-26T15:05:00.123456+00:00",
        "2025-03-26T15:05:00.123456-00:00",
        "2025-03-26T17:35:00.123456+02:30",
        "2025-03-26T10:05:00.123456-05:00",
        "2025-03-26T15:05:00.123456000Z",
    ],
)
def test_every_spelling_of_an_instant_reads_as_that_instant(text: str) -> None:
    parsed = parse_rfc3339(text)
    assert parsed.floor == INSTANT and not parsed.inexact


def test_digits_past_the_microsecond_make_the_instant_inexact() -> None:
    parsed = parse_rfc3339("2025-03-26T15:05:00.1234561Z")
    assert parsed.floor == INSTANT and parsed.inexact
    assert parsed.ceiling() == INSTANT + timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2025-03-26T15:05:00", "offset"),
        ("2025-03-26 15:05:00Z", "RFC 3339"),
        ("2025-13-26T15:05:00Z", "valid"),
        ("2025-03-26T15:05:00+24:00", "offset out of range"),
        ("0001-01-01T00:00:00+01:00", "years"),
        ("yesterday", "RFC 3339"),
    ],
)
def test_what_is_not_rfc_3339_or_outside_the_years_is_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_rfc3339(text)


def test_a_leap_second_is_after_every_microsecond_of_second_59() -> None:
    parsed = parse_rfc3339("2016-12-31T23:59:60Z")
    assert parsed.floor == datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert parsed.inexact


@given(
    st.datetimes(
        min_value=datetime(1000, 1, 1),
        max_value=datetime(9000, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
    )
)
def test_the_api_s_own_form_reads_back_as_the_same_instant(value: datetime) -> None:
    written = format_timestamp(value)
    assert written.endswith("Z") and len(written) == len("2025-03-26T15:05:00.000000Z")
    assert parse_rfc3339(written).floor == value.astimezone(UTC)
