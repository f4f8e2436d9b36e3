"""Cursors, the timestamps the fake reads (through the contract) and the public names."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

import kapso_fake
from kapso_contacts.contract import format_timestamp, parse_rfc3339
from kapso_fake import CursorError, decode_cursor, encode_cursor

STAMP, ID = "2025-03-26T15:05:00.000000Z", "123e4567-e89b-12d3-a456-426614174000"


def test_every_public_name_is_importable_from_the_package() -> None:
    for name in kapso_fake.__all__:
        assert getattr(kapso_fake, name) is not None


def test_the_cursor_is_the_documented_keyset() -> None:
    cursor = encode_cursor(STAMP, ID)
    assert base64.urlsafe_b64decode(cursor) == (
        b'{"values":["2025-03-26T15:05:00.000000Z","123e4567-e89b-12d3-a456-426614174000"],'
        b'"columns":["created_at","id"]}'
    )
    assert decode_cursor(cursor) == (STAMP, ID)


def test_the_spec_example_cursor_decodes() -> None:
    example = (
        "eyJ2YWx1ZXMiOlsiMjAyNS0wMy0yNlQxNTowNTowMC4wMDAwMDBaIiwiMTIzZTQ1NjctZTg5Yi0xMmQzLWE0NTYt"
        "NDI2NjE0MTc0MDAwIl0sImNvbHVtbnMiOlsiY3JlYXRlZF9hdCIsImlkIl19"
    )
    assert decode_cursor(example) == (STAMP, ID)


def test_cursors_decode_with_either_alphabet_and_without_padding() -> None:
    raw = (
        b'{"values":["2025-03-26T15:05:00.000000Z","'
        + ID.encode()
        + b'"],"columns":["created_at","id"]}'
    )
    raw += b" " * 2  # whitespace is fine in JSON and forces characters outside A-Za-z0-9
    for text in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        assert decode_cursor(text) == (STAMP, ID)
        assert decode_cursor(text.rstrip("=")) == (STAMP, ID)


@pytest.mark.parametrize("text", ["", "a", "ab=c", "a b", "e30=", "bnVsbA", "W10"])
def test_foreign_cursors_are_refused(text: str) -> None:
    with pytest.raises(CursorError):
        decode_cursor(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-26T15:05:00Z", "2025-03-26T15:05:00.000000Z"),
        ("2025-03-26t15:05:00z", "2025-03-26T15:05:00.000000Z"),
        ("2025-03-26T15:05:00.5+01:00", "2025-03-26T14:05:00.500000Z"),
        ("2025-03-26T15:05:00-00:00", "2025-03-26T15:05:00.000000Z"),
        ("2025-03-26T23:30:00-05:00", "2025-03-27T04:30:00.000000Z"),
        ("2025-03-26T15:05:00.1234569Z", "2025-03-26T15:05:00.123456Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999999Z"),
    ],
)
def test_rfc3339_parsing(text: str, expected: str) -> None:
    assert format_timestamp(parse_rfc3339(text).floor) == expected


def test_the_ceiling_rounds_lost_digits_up() -> None:
    assert format_timestamp(parse_rfc3339("2025-01-01T00:00:00.0000001Z").ceiling()) == (
        "2025-01-01T00:00:00.000001Z"
    )
    assert parse_rfc3339("2025-01-01T00:00:00.1000000Z").inexact is False


@pytest.mark.parametrize(
    "text",
    ["2025-03-26", "2025-03-26T15:05:00", "2025-03-26 15:05:00Z", "2025-03-26T15:05Z",
     "2025-03-26T15:05:00+0100", "2025-03-26T15:05:00+01", "２０２５-03-26T15:05:00Z",  # noqa: RUF001
     "2025-03-26T15:05:00.Z", "0000-01-01T00:00:00Z", "2025-03-26T15:05:00+01:60"],
)  # fmt: skip
def test_rfc3339_refusals(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (the message varies with the fault)
        parse_rfc3339(text)


def test_format_timestamp_needs_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_timestamp(datetime(2025, 1, 1))
    assert format_timestamp(datetime(7, 1, 1, tzinfo=UTC)) == "0007-01-01T00:00:00.000000Z"
