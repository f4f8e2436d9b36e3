"""Documented ranges are checked before anything is sent, with messages that say what is allowed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from kapso_contacts import AsyncKapsoContacts, InvalidParameterError, KapsoContacts

from .conftest import BASE_URL, KEY, Stub


def _client(stub: Stub) -> KapsoContacts:
    return KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport())


@pytest.mark.parametrize("limit", [0, -1, 101, 200, 1.5, True, "20"])
def test_limit_out_of_range_is_refused_before_sending(stub: Stub, limit: Any) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError) as caught:
        kapso.list_contacts(limit=limit)
    assert caught.value.parameter == "limit"
    assert "limit must be an integer from 1 to 100" in str(caught.value)
    assert stub.requests == []


@pytest.mark.parametrize("limit", [1, 100])
def test_limit_bounds_are_accepted(stub: Stub, limit: int) -> None:
    with _client(stub) as kapso:
        kapso.list_contacts(limit=limit)
    assert stub.requests[0].url.params["limit"] == str(limit)


def test_iterators_check_their_arguments_when_called_not_when_first_advanced(stub: Stub) -> None:
    with _client(stub) as kapso:
        with pytest.raises(InvalidParameterError, match="limit"):
            kapso.iter_contacts(limit=500)
        with pytest.raises(InvalidParameterError, match="limit"):
            kapso.iter_pages(limit=0)
    assert stub.requests == []


@pytest.mark.anyio
async def test_async_iterators_check_their_arguments_when_called(stub: Stub) -> None:
    async with AsyncKapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as k:
        with pytest.raises(InvalidParameterError, match="limit"):
            k.iter_contacts(limit=500)
        with pytest.raises(InvalidParameterError, match="limit"):
            await k.list_contacts(limit=0)
    assert stub.requests == []


@pytest.mark.parametrize("cursor", ["", "not a cursor!", "abc===="])
def test_a_malformed_after_cursor_is_refused(stub: Stub, cursor: str) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError, match="after must be"):
        kapso.list_contacts(after=cursor)
    assert stub.requests == []


def test_an_unknown_filter_names_the_known_ones(stub: Stub) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError) as caught:
        kapso.list_contacts(phone="1555")  # type: ignore[call-arg]
    assert caught.value.parameter == "phone"
    assert "customer_id" in str(caught.value)


def test_has_customer_must_be_a_boolean(stub: Stub) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError, match="True or False"):
        kapso.list_contacts(has_customer="yes")  # type: ignore[arg-type]


def test_text_filters_must_be_strings(stub: Stub) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError, match="must be a string"):
        kapso.list_contacts(customer_id=42)  # type: ignore[arg-type]


def test_a_timestamp_that_is_not_iso_8601_names_the_parameter(stub: Stub) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError) as caught:
        kapso.list_contacts(created_after="last tuesday")
    assert caught.value.parameter == "created_after"
    assert "ISO 8601" in str(caught.value)


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("2025-03-26T15:00:00Z", "2025-03-26T15:00:00+00:00"),
        ("2025-03-26", "2025-03-26T00:00:00+00:00"),
        (datetime(2025, 3, 26, 15, 0), "2025-03-26T15:00:00+00:00"),
        (
            datetime(2025, 3, 26, 15, 0, tzinfo=timezone(timedelta(hours=2))),
            "2025-03-26T15:00:00+02:00",
        ),
        (datetime(2025, 3, 26, 15, 0, 0, 123456, tzinfo=UTC), "2025-03-26T15:00:00.123456+00:00"),
    ],
)
def test_timestamps_are_sent_as_iso_8601_with_an_offset_naive_taken_as_utc(
    stub: Stub, given: datetime | str, sent: str
) -> None:
    with _client(stub) as kapso:
        kapso.list_contacts(created_before=given)
    assert stub.requests[0].url.params["created_before"] == sent


def test_every_filter_is_sent_and_nothing_from_legacy_mode(stub: Stub) -> None:
    with _client(stub) as kapso:
        kapso.list_contacts(
            limit=7,
            customer_id="c1",
            customer_external_id="crm-1",
            has_customer=False,
            profile_name_contains="mar%",
            wa_id_contains="1555",
            business_scoped_user_id="bsu_1",
            created_after="2025-01-01T00:00:00Z",
        )
    params = dict(stub.requests[0].url.params)
    assert params == {
        "limit": "7",
        "customer_id": "c1",
        "customer_external_id": "crm-1",
        "has_customer": "false",
        "profile_name_contains": "mar%",
        "wa_id_contains": "1555",
        "business_scoped_user_id": "bsu_1",
        "created_after": "2025-01-01T00:00:00+00:00",
    }


def test_invalid_parameter_error_is_also_a_value_error() -> None:
    assert issubclass(InvalidParameterError, ValueError)
