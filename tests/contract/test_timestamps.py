"""Date-times read as the instants they denote, compared exactly, at any year."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction
from math import ceil, floor

from hypothesis import example, given
from hypothesis import strategies as st

from kapso_contacts.contract import Instant, format_timestamp, parse_rfc3339, timestamp_of

OFFSETS = st.integers(-1439, 1439).map(lambda minutes: timezone(timedelta(minutes=minutes)))
MOMENTS = st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=OFFSETS)
FIRST, END = datetime(1, 1, 1, tzinfo=UTC), date(9999, 12, 31).toordinal() * 86400 * 10**6
GRAMMAR = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)"
)


def exact(text: str) -> Fraction:
    """Microseconds from 0001-01-01T00:00Z to what ``text`` denotes (proleptic Gregorian)."""
    y, mo, d, h, mi, s, digits, zone = GRAMMAR.fullmatch(text).groups()  # type: ignore[union-attr]
    # Year 0 is year 400, one 146,097-day Gregorian cycle earlier.
    day = date(int(y) or 400, int(mo), int(d)).toordinal() - 1 - (146097 if y == "0000" else 0)
    offset = 0 if zone in "Zz" else int(zone[:3]) * 60 + int(zone[0] + zone[4:])
    seconds = day * 86400 + int(h) * 3600 + (int(mi) - offset) * 60 + int(s)
    return (seconds + Fraction(int(digits or 0), 10 ** len(digits or ""))) * 10**6


@st.composite
def written(draw: st.DrawFn) -> str:
    """An RFC 3339 date-time at any year 0000-9999, with 0-9 fractional digits and any offset."""
    moment = draw(st.datetimes(max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=OFFSETS))
    year = draw(st.sampled_from([moment.year, moment.year, 0, 9999]))
    year = 0 if year == 9999 and f"{moment:%m%d}" == "0229" else year  # 0 is a leap year
    digits = draw(st.text("0123456789", max_size=9))
    zone = draw(st.sampled_from([moment.isoformat()[-6:], "Z", "z"]))
    return f"{year:04d}{moment:-%m-%dT%H:%M:%S}{'.' * bool(digits)}{digits}{zone}"


@given(written(), st.integers(-2, 2))
@example("0000-12-31T23:30:00-01:00", 0)  # 0001-01-01T00:30Z: inside the years
@example("0001-01-01T00:30:00+01:00", 0)  # 0000-12-31T23:30Z: before them
@example("9999-12-31T23:30:00-01:00", 0)  # 10000-01-01T00:30Z: after them
@example("9999-12-31T23:59:59.9999995Z", 0)  # after the last microsecond, inside the years
def test_comparisons_agree_with_exact_arithmetic_on_the_written_value(text: str, step: int) -> None:
    value, instant = exact(text), parse_rfc3339(text)
    assert instant.beyond == (-1 if value < 0 else 1 if value >= END else 0)
    micros = min(max(floor(value) + step, 0), END - 1)  # a microsecond moment near it
    moment = FIRST + timedelta(microseconds=micros)
    assert (instant.is_before(moment), instant.is_after(moment)) == (value < micros, value > micros)
    if not instant.beyond:
        assert (instant.floor, instant.inexact) == (
            FIRST + timedelta(microseconds=floor(value)),
            value != floor(value),
        )
        if ceil(value) < END:
            assert instant.ceiling() == FIRST + timedelta(microseconds=ceil(value))


@given(MOMENTS)
def test_every_spelling_of_an_instant_reads_as_that_instant_and_the_apis_form_round_trips(
    moment: datetime,
) -> None:
    spelled, utc = (
        moment.isoformat(timespec="microseconds"),
        moment.astimezone(UTC).isoformat()[:-6],
    )
    nanos = spelled[:26] + "000" + spelled[26:]
    for text in (
        moment.isoformat(),
        spelled,
        spelled.lower(),
        nanos,
        utc + "Z",
        utc + "z",
        utc + "-00:00",
    ):
        reference = datetime.fromisoformat(text.upper())  # Python's reader, where it applies
        assert parse_rfc3339(text) == Instant(reference.astimezone(UTC)), text
    own = format_timestamp(moment)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", own)
    assert timestamp_of(own) == moment == datetime.fromisoformat(own)
    assert format_timestamp(parse_rfc3339(own).floor) == own
