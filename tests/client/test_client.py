"""The clients' arguments: checked by the spec before sending, written as the API reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kapso_contacts_api import AuthenticatedClient
from kapso_contacts_api.api.contacts import list_contacts as raw_list_contacts
from kapso_contacts_api.filters import ContactFilters as GeneratedFilters
from kapso_contacts_api.models import ContactList

from kapso_contacts import (
    AsyncKapsoContacts,
    AuthenticationError,
    ContactFilters,
    InvalidParameterError,
    KapsoContacts,
)
from kapso_contacts.contract import Contract, assess, default_contract

from .conftest import BASE_URL, KEY, Stub, contract_with, cursor_body

CONTRACT = default_contract()
CURSOR_SCHEMA = CONTRACT.parameters["after"].schema


def _client(stub: Stub, contract: Contract | None = None) -> KapsoContacts:
    return KapsoContacts(
        api_key=KEY, base_url=BASE_URL, transport=stub.transport(), contract=contract
    )


@pytest.mark.parametrize("limit", [0, -1, 101, 1.5, True, "20"])
def test_a_limit_the_spec_refuses_is_refused_before_sending(stub: Stub, limit: Any) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError) as caught:
        kapso.list_contacts(limit=limit)
    assert caught.value.parameter == "limit"
    assert "limit must be an integer from 1 to 100" in str(caught.value)
    assert stub.requests == []


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_the_client_refuses_a_limit_exactly_when_the_contract_does(limit: int) -> None:
    stub = Stub(total=0)
    refused = assess(CONTRACT, {"limit": str(limit)}).refused
    with _client(stub) as kapso:
        if refused:
            with pytest.raises(InvalidParameterError, match="limit"):
                kapso.list_contacts(limit=limit)
        else:
            kapso.list_contacts(limit=limit)
    assert len(stub.requests) == (0 if refused else 1)


def _schema_refuses(value: str) -> bool:
    try:
        jsonschema.validate(value, CURSOR_SCHEMA)
    except jsonschema.ValidationError:
        return True
    return False


@given(
    st.one_of(st.text(max_size=12), st.from_regex(r"[A-Za-z0-9+/_-]{1,12}={0,3}", fullmatch=True))
)
def test_the_client_refuses_a_cursor_exactly_when_the_specs_schema_does(cursor: str) -> None:
    """Issue 19: what the client refuses before sending is the schema's refusal, no more."""
    stub = Stub(total=0, script=[httpx.Response(200, json=cursor_body([], None))])
    with _client(stub) as kapso:
        if _schema_refuses(cursor):
            refused = r"after must (be a cursor|not be empty)"
            with pytest.raises(InvalidParameterError, match=refused):
                kapso.list_contacts(after=cursor)
        else:
            kapso.list_contacts(after=cursor)
    assert len(stub.requests) == (0 if _schema_refuses(cursor) else 1)


def test_before_with_after_is_refused_though_a_server_would_drop_one(stub: Stub) -> None:
    """Issue 19: the spec's server reading drops ``before``; the client says so instead."""
    with _client(stub) as kapso, pytest.raises(InvalidParameterError) as caught:
        kapso.list_contacts(after="YWJj", before="ZGVm")
    assert str(caught.value) == "before and after cannot be used together: pass one of them."
    assert stub.requests == []


def test_iterators_check_their_arguments_when_called_not_when_advanced(stub: Stub) -> None:
    with _client(stub) as kapso:
        for call in (kapso.iter_contacts, kapso.iter_pages):
            with pytest.raises(InvalidParameterError, match="limit"):
                call(limit=500)
    assert stub.requests == []


@pytest.mark.anyio
async def test_async_calls_check_their_arguments_too(stub: Stub) -> None:
    async with AsyncKapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as k:
        with pytest.raises(InvalidParameterError, match="limit"):
            k.iter_contacts(limit=500)
        with pytest.raises(InvalidParameterError, match="limit"):
            await k.list_contacts(limit=0)
    assert stub.requests == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"phone": "1555"}, "unknown filter 'phone'; the filters are: customer_id, "),
        ({"page": 2}, "unknown filter 'page'"),  # the client never pages the legacy way
        ({"has_customer": "yes"}, "has_customer must be True or False, got 'yes'"),
        ({"customer_id": 42}, "customer_id must be a string, got 42"),
        ({"created_after": "last tuesday"}, "created_after must be an ISO 8601 timestamp"),
        ({"created_after": 20250101}, "created_after must be a datetime or an ISO 8601 string"),
    ],
)
def test_a_wrong_argument_names_itself(stub: Stub, arguments: dict[str, Any], message: str) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError, match=message) as caught:
        kapso.list_contacts(**arguments)
    assert caught.value.parameter == next(iter(arguments))
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("given_value", "sent"),
    [
        ("2025-03-26T15:00:00Z", "2025-03-26T15:00:00+00:00"),
        ("2025-03-26", "2025-03-26T00:00:00+00:00"),
        (datetime(2025, 3, 26, 15, 0), "2025-03-26T15:00:00+00:00"),
        (
            datetime(2025, 3, 26, 15, tzinfo=timezone(timedelta(hours=2))),
            "2025-03-26T15:00:00+02:00",
        ),
        (datetime(2025, 3, 26, 15, 0, 0, 123456, tzinfo=UTC), "2025-03-26T15:00:00.123456+00:00"),
    ],
)
def test_timestamps_are_sent_with_an_offset_a_naive_one_taken_as_utc(
    stub: Stub, given_value: datetime | str, sent: str
) -> None:
    with _client(stub) as kapso:
        kapso.list_contacts(created_before=given_value)
    assert stub.requests[0].url.params["created_before"] == sent


def test_every_filter_is_sent_as_the_api_reads_it(stub: Stub) -> None:
    with _client(stub) as kapso:
        kapso.list_contacts(
            limit=7,
            customer_id="c1",
            customer_external_id="crm-1",
            has_customer=False,
            profile_name_contains="mar%",
            wa_id_contains="+1555",
            business_scoped_user_id="bsu_1",
            created_after="2025-01-01T00:00:00Z",
        )
    assert dict(stub.requests[0].url.params) == {
        "limit": "7",
        "customer_id": "c1",
        "customer_external_id": "crm-1",
        "has_customer": "false",
        "profile_name_contains": "mar%",
        "wa_id_contains": "+1555",
        "business_scoped_user_id": "bsu_1",
        "created_after": "2025-01-01T00:00:00+00:00",
    }


def test_the_filters_typeddict_is_the_generated_one() -> None:
    assert ContactFilters is GeneratedFilters
    assert set(ContactFilters.__annotations__) == set(CONTRACT.filters)


def _limit_maximum(maximum: int) -> Contract:
    def edit(spec: dict[str, Any]) -> None:
        for parameter in spec["paths"]["/whatsapp/contacts"]["get"]["parameters"]:
            if parameter["name"] == "limit":
                parameter["schema"]["maximum"] = maximum

    return contract_with(edit)


def test_a_spec_whose_limit_maximum_is_250_lets_the_client_send_250(stub: Stub) -> None:
    stub.total = 600
    with _client(stub, _limit_maximum(250)) as kapso:
        kapso.list_contacts(limit=250)
        with pytest.raises(InvalidParameterError, match="from 1 to 250, got '251'"):
            kapso.list_contacts(limit=251)
        assert len(list(kapso.iter_contacts())) == 600
    assert [r.url.params["limit"] for r in stub.requests] == ["250"] * 4


def test_a_filter_added_to_the_spec_is_accepted(stub: Stub) -> None:
    def add(spec: dict[str, Any]) -> None:
        spec["paths"]["/whatsapp/contacts"]["get"]["parameters"].append(
            {
                "name": "username_contains",
                "in": "query",
                "schema": {"type": "string"},
                "x-kapso-filter": {"field": "username", "kind": "contains", "assumed": "a test's"},
            }
        )

    with _client(stub, contract_with(add)) as kapso:
        kapso.list_contacts(username_contains="maria")  # type: ignore[call-arg]
    assert stub.requests[0].url.params["username_contains"] == "maria"


def test_api_is_the_generated_client_with_the_key_and_typed_errors(stub: Stub) -> None:
    stub.script.append(httpx.Response(401, json={"error": "Invalid API key"}))
    with _client(stub) as kapso:
        assert isinstance(kapso.api, AuthenticatedClient)
        with pytest.raises(AuthenticationError):
            raw_list_contacts.sync_detailed(client=kapso.api, limit=2)
        assert isinstance(raw_list_contacts.sync(client=kapso.api, limit=2), ContactList)
    assert [r.headers["X-API-Key"] for r in stub.requests] == [KEY, KEY]
    assert kapso.api.get_httpx_client().is_closed


@pytest.mark.anyio
async def test_the_async_client_reads_the_environment_and_closes(
    monkeypatch: pytest.MonkeyPatch, stub: Stub
) -> None:
    monkeypatch.setenv("KAPSO_API_KEY", "env-key")
    async with AsyncKapsoContacts(base_url=BASE_URL, transport=stub.transport()) as kapso:
        assert len((await kapso.list_contacts(limit=2)).data) == 2
        listing = await raw_list_contacts.asyncio(client=kapso.api, limit=1)
    assert isinstance(listing, ContactList)
    assert stub.requests[0].headers["X-API-Key"] == "env-key"
    assert kapso.api.get_async_httpx_client().is_closed
