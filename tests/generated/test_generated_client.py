"""The generated client, as a user who vendors it sees it: what it sends and what it parses."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import httpx
import yaml
from kapso_contacts_api import AuthenticatedClient
from kapso_contacts_api.api.contacts import list_contacts
from kapso_contacts_api.models import (
    ContactList,
    CursorPaging,
    Error,
    LegacyMeta,
    LegacyPaginationLimitError,
)
from kapso_contacts_api.types import UNSET

REPO = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((REPO / "openapi" / "contacts.yaml").read_text())
RESPONSES = SPEC["paths"]["/whatsapp/contacts"]["get"]["responses"]
BASE_URL = "https://api.kapso.ai/platform/v1"


def _example(status: str, name: str) -> object:
    return RESPONSES[status]["content"]["application/json"]["examples"][name]["value"]


def _client(
    seen: list[httpx.Request], status: int = 200, body: object = None
) -> AuthenticatedClient:
    payload = _example("200", "docs_page") if body is None else body

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=payload)

    return AuthenticatedClient(
        base_url=BASE_URL,
        token="test-key",
        prefix="",
        auth_header_name="X-API-Key",
        httpx_args={"transport": httpx.MockTransport(handler)},
    )


def test_call_without_arguments_sends_no_query_parameters() -> None:
    seen: list[httpx.Request] = []
    list_contacts.sync_detailed(client=_client(seen))
    assert len(seen) == 1
    assert seen[0].url.query == b""
    assert str(seen[0].url) == f"{BASE_URL}/whatsapp/contacts"


def test_call_sends_the_api_key_header_and_no_authorization_header() -> None:
    seen: list[httpx.Request] = []
    list_contacts.sync_detailed(client=_client(seen))
    assert seen[0].headers["X-API-Key"] == "test-key"
    assert "authorization" not in seen[0].headers


def test_call_sends_exactly_the_parameters_given() -> None:
    seen: list[httpx.Request] = []
    after = datetime.datetime(2025, 3, 26, 15, 0, tzinfo=datetime.UTC)
    list_contacts.sync_detailed(
        client=_client(seen), limit=5, has_customer=False, created_after=after
    )
    assert dict(seen[0].url.params) == {
        "limit": "5",
        "has_customer": "false",
        "created_after": "2025-03-26T15:00:00+00:00",
    }


def test_docs_page_example_parses_into_models() -> None:
    parsed = list_contacts.sync(client=_client([]))
    assert isinstance(parsed, ContactList)
    assert [c.profile_name for c in parsed.data] == ["John Doe", "Jane Smith"]
    assert parsed.data[1].display_name is None
    assert parsed.data[0].created_at == datetime.datetime(2025, 3, 26, 15, 5, tzinfo=datetime.UTC)
    assert isinstance(parsed.meta, LegacyMeta)
    assert parsed.meta.total_count == 2


def test_unknown_response_fields_are_kept_not_rejected() -> None:
    body = json.loads(json.dumps(_example("200", "cursor_page")))
    body["data"][0]["favourite_colour"] = "teal"
    body["brand_new_envelope_field"] = {"x": 1}
    parsed = list_contacts.sync(client=_client([], body=body))
    assert isinstance(parsed, ContactList)
    assert parsed.data[0].additional_properties == {"favourite_colour": "teal"}
    assert isinstance(parsed.paging, CursorPaging)
    assert parsed.paging.previous is None


def test_legacy_limit_error_parses_into_its_own_model() -> None:
    parsed = list_contacts.sync(
        client=_client([], status=400, body=_example("400", "legacy_limit_exceeded"))
    )
    assert isinstance(parsed, LegacyPaginationLimitError)
    assert (parsed.requested_page, parsed.max_page, parsed.max_window) == (51, 50, 5000)


def test_generic_error_parses_into_the_error_model() -> None:
    parsed = list_contacts.sync(
        client=_client([], status=401, body=_example("401", "unauthorized"))
    )
    assert isinstance(parsed, Error)
    assert parsed.error == "Invalid API key"


def test_a_contact_with_its_null_fields_left_out_parses() -> None:
    # Kapso's own document marks nothing required: a server may leave a null field out.
    page: Any = _example("200", "docs_page")
    contact = page["data"][1]
    present = {name: value for name, value in contact.items() if value is not None}
    assert len(present) < len(contact)
    parsed = ContactList.from_dict({"data": [present], "meta": {"page": 1}})
    assert str(parsed.data[0].id) == contact["id"]
    assert parsed.data[0].display_name is UNSET
    assert parsed.data[0].customer_id is UNSET
    assert parsed.data[0].created_at == datetime.datetime(2025, 3, 26, 15, 0, tzinfo=datetime.UTC)


def test_a_cursor_page_that_also_carries_a_total_count_parses() -> None:
    # No rule forbids a cursor page to carry the legacy envelope too (reading one-envelope: false).
    body = json.loads(json.dumps(_example("200", "cursor_page")))
    body["meta"] = {"total_count": 3}
    parsed = ContactList.from_dict(body)
    assert isinstance(parsed.paging, CursorPaging)
    assert parsed.paging.next_ == body["paging"]["next"]
    assert isinstance(parsed.meta, LegacyMeta)
    assert parsed.meta.total_count == 3
    assert [str(c.id) for c in parsed.data] == [c["id"] for c in body["data"]]
