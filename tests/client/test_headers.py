"""Response headers: read in one place, and readable on every page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from kapso_contacts import AsyncKapsoContacts, KapsoContacts, RateLimitInfo
from kapso_contacts._headers import int_header, parse_retry_after
from kapso_contacts.contract import default_contract

from .conftest import BASE_URL, KEY, FakeTime, Stub

RATE = default_contract().rate_limit
NOW = datetime(2025, 3, 26, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("60", 60.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        (format_datetime(NOW + timedelta(seconds=20), usegmt=True), 20.0),
        (format_datetime(NOW - timedelta(seconds=20), usegmt=True), 0.0),
        ("Wed, 26 Mar 2025 15:00:20", None),  # an HTTP-date without its zone
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_seconds_or_an_http_date(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=lambda: NOW) == seconds


@pytest.mark.parametrize(
    ("value", "number"),
    [("100", 100), (" 7 ", 7), ("0", 0), ("-1", None), ("1.5", None), ("٣", None), ("", None)],
)
def test_integer_headers_are_decimal_ascii_digits_only(value: str, number: int | None) -> None:
    assert int_header({"x-n": value}, "x-n") == number


def test_rate_limit_info_reads_the_headers_the_contract_names() -> None:
    headers = httpx.Headers(
        {RATE.limit_header: "100", RATE.remaining_header: "42", "Retry-After": "7"}
    )
    assert RateLimitInfo.read(headers, RATE) == RateLimitInfo(
        limit=100, remaining=42, retry_after=7
    )
    assert RateLimitInfo.read(httpx.Headers(), RATE) == RateLimitInfo(None, None, None)


def test_a_page_carries_its_answers_headers_and_rate_limit(fake_time: FakeTime) -> None:
    stub = Stub(headers={RATE.limit_header: "500", RATE.remaining_header: "499", "X-Trace": "t1"})
    with KapsoContacts(
        api_key=KEY, base_url=BASE_URL, transport=stub.transport(), retry_policy=fake_time.policy()
    ) as kapso:
        page = kapso.list_contacts(limit=2)
    assert page.headers["x-trace"] == "t1"
    assert (page.rate_limit.limit, page.rate_limit.remaining) == (500, 499)
    assert page.rate_limit.retry_after is None


@pytest.mark.anyio
async def test_an_async_page_carries_them_too() -> None:
    stub = Stub(headers={RATE.remaining_header: "3", "X-Trace": "t2"})
    async with AsyncKapsoContacts(
        api_key=KEY, base_url=BASE_URL, transport=stub.transport()
    ) as kapso:
        page = await kapso.list_contacts(limit=2)
    assert page.headers["X-Trace"] == "t2"
    assert page.rate_limit == RateLimitInfo(limit=None, remaining=3, retry_after=None)
