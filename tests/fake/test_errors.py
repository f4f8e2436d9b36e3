"""Every refusal: 400 naming the parameter, 401, 404, 405; never a 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapso_fake import FakeApp, create_app, encode_cursor

from .conftest import CONTRACT, KEY, PATH, client_for, contract_with, operation, parameter

ID = "123e4567-e89b-42d3-a456-426614174000"


def _keyset(*values: object) -> str:
    return _b64({"values": list(values), "columns": ["created_at", "id"]})


NOT_UTF8 = base64.urlsafe_b64encode(bytes([0xFF, 0xFE])).decode()
GOOD = encode_cursor("2025-03-26T15:05:00.000000Z", "123e4567-e89b-42d3-a456-426614174000")


def _b64(payload: object) -> str:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return base64.urlsafe_b64encode(text.encode()).decode()


BAD_REQUESTS = [
    # integers: type and range
    ("limit=0", "limit"),
    ("limit=101", "limit"),
    ("limit=200", "limit"),
    ("limit=-1", "limit"),
    ("limit=abc", "limit"),
    ("limit=1.5", "limit"),
    ("limit=1e2", "limit"),
    ("limit=%205", "limit"),
    ("limit=+5", "limit"),
    ("limit=", "limit"),
    ("limit=%D9%A5", "limit"),  # an Arabic-Indic digit: int() would take it
    ("limit=99999999999999999999999999", "limit"),
    ("page=0", "page"),
    ("page=-3", "page"),
    ("page=x", "page"),
    ("page=", "page"),
    ("per_page=0", "per_page"),
    ("per_page=101", "per_page"),
    ("per_page=1_0", "per_page"),
    # booleans
    ("has_customer=yes", "has_customer"),
    ("has_customer=1", "has_customer"),
    ("has_customer=True", "has_customer"),
    # date-times
    ("created_after=2025-01-01", "created_after"),
    ("created_after=2025-01-01T00:00:00", "created_after"),  # no offset
    ("created_after=yesterday", "created_after"),
    ("created_after=2025-02-30T00:00:00Z", "created_after"),
    ("created_after=2025-01-01T24:00:00Z", "created_after"),
    ("created_after=2025-01-01T00:00:00%2B24:00", "created_after"),
    ("created_after=2025-01-01T00:00:00+01:00", "created_after"),  # '+' became a space
    ("created_after=0000-01-01T00:00:00Z", "created_after"),
    ("created_before=9999-12-31T23:59:59-01:00", "created_before"),  # overflows in UTC
    ("created_before=0001-01-01T00:00:00%2B00:01", "created_before"),  # underflows in UTC
    ("created_before=99999-01-01T00:00:00Z", "created_before"),
    # cursors
    ("after=", "after"),
    ("after=%21%21%21", "after"),  # not Base64
    ("after=abcde", "after"),  # impossible length
    (f"after={_b64('not json')}", "after"),
    (f"after={NOT_UTF8}", "after"),
    (f"after={_b64([1, 2])}", "after"),
    (f"after={_b64({'values': ['x', 'y'], 'columns': ['id', 'created_at']})}", "after"),
    (f"after={_keyset('2025-01-01T00:00:00Z', ID)}", "after"),  # not our timestamp format
    (f"after={_keyset('2025-01-01T00:00:00.000000Z', 'nope')}", "after"),
    (f"before={_keyset('2025-01-01T00:00:00.000000Z', ID.upper())}", "before"),
    (f"before={_keyset(1, 2)}", "before"),
    (f"before={_keyset('2025-13-01T00:00:00.000000Z', ID)}", "before"),
    (f"before={_keyset()}", "before"),
    (f"before={_b64({'values': ['a', 'b'], 'columns': ['created_at', 'id'], 'x': 1})}", "before"),
    # combinations (the spec's reader names the last group's parameter)
    (f"before={GOOD}&after={GOOD}", "after"),
    ("page=1&limit=10", "limit"),
    (f"per_page=10&after={GOOD}", "after"),
    (f"page=2&before={GOOD}", "before"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "parameter"), BAD_REQUESTS)
def test_bad_input_gets_a_400_naming_the_parameter(
    client: httpx.Client, query: str, parameter: str
) -> None:
    response = client.get(f"{PATH}?{query}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["parameter"] == parameter
    assert parameter in body["error"]


def test_page_51_gets_the_spec_s_own_example_body(client: httpx.Client) -> None:
    responses = operation(CONTRACT.spec)["responses"]
    example = responses["400"]["content"]["application/json"]["examples"]["legacy_limit_exceeded"]
    page, per_page = example["value"]["requested_page"], example["value"]["requested_per_page"]
    response = client.get(PATH, params={"page": page, "per_page": per_page})
    assert response.status_code == CONTRACT.pagination.legacy.limit_error_status
    assert response.json() == example["value"]


@pytest.mark.parametrize(
    ("query", "page", "per_page"),
    [("page=51", 51, 20), ("page=51&per_page=100", 51, 100), ("page=1000000", 1000000, 20)],
)
def test_legacy_limit_body_has_every_field(
    client: httpx.Client, query: str, page: int, per_page: int
) -> None:
    legacy = CONTRACT.pagination.legacy
    response = client.get(f"{PATH}?{query}")
    assert response.status_code == 400
    assert response.json() == {
        "message": legacy.limit_error_code,
        "detail": f"Page {page} exceeds the maximum supported legacy offset page "
        f"({legacy.max_page}). Use cursor pagination with limit, after, and before.",
        "requested_page": page,
        "requested_per_page": per_page,
        "requested_window": page * per_page,
        "max_page": legacy.max_page,
        "max_window": legacy.max_window,
        "cursor_example": f"{CONTRACT.path}?limit={per_page}",
    }


def test_the_window_limit_has_its_own_detail() -> None:
    # Unreachable under the shipped spec (50 x 100 = 5,000): a spec with larger pages reaches it.
    bigger = contract_with(lambda spec: parameter(spec, "per_page")["schema"].update(maximum=200))
    app = create_app(api_keys=[KEY], contacts=5, contract=bigger)
    with client_for(app) as client:
        response = client.get(PATH, params={"page": 30, "per_page": 200})
        allowed = client.get(PATH, params={"page": 25, "per_page": 200})
    body = response.json()
    assert response.status_code == 400
    assert body["requested_window"] == 6000
    assert body["cursor_example"] == f"{CONTRACT.path}?limit=100"  # limit's own maximum
    assert str(body["detail"]).startswith("Window 6000 (page 30 x per_page 200) exceeds")
    assert allowed.status_code == 200


def test_an_empty_filter_is_ignored_as_the_spec_says(client: httpx.Client) -> None:
    assert CONTRACT.query.empty_filter == "ignore"
    everything = client.get(PATH, params={"limit": 100}).json()["data"]
    for name in CONTRACT.filters:
        response = client.get(PATH, params={name: "", "limit": 100})
        assert response.status_code == 200, (name, response.text)
        assert response.json()["data"] == everything, name


def test_created_before_the_last_instant_keeps_every_contact(client: httpx.Client) -> None:
    # Its ceiling is past the last microsecond a timestamp holds: no contact is at or after it.
    everything = client.get(PATH, params={"limit": 100}).json()["data"]
    late: dict[str, str | int] = {"created_before": "9999-12-31T23:59:59.9999991Z", "limit": 100}
    response = client.get(PATH, params=late)
    assert response.status_code == 200, response.text
    assert response.json()["data"] == everything


def test_page_50_at_100_per_page_is_the_last_allowed_window(client: httpx.Client) -> None:
    assert client.get(PATH, params={"page": 50, "per_page": 100}).status_code == 200


def test_a_type_error_wins_over_the_legacy_limit(client: httpx.Client) -> None:
    response = client.get(f"{PATH}?page=51&per_page=abc")
    assert response.json()["parameter"] == "per_page"


def test_the_last_of_repeated_parameters_counts(client: httpx.Client) -> None:
    assert client.get(f"{PATH}?limit=abc&limit=5").status_code == 200
    assert client.get(f"{PATH}?limit=5&limit=abc").status_code == 400


@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, "Missing X-API-Key header"), ({"X-API-Key": ""}, "Missing X-API-Key header"),
     ({"X-API-Key": "wrong"}, "Invalid API key"),
     ({"X-API-Key": "test-key-for-the-fakeX"}, "Invalid API key"),
     ({"X-API-Key": "ключ".encode()}, "Invalid API key")],
)  # fmt: skip
def test_missing_or_wrong_key_gets_401(
    shared_app: FakeApp, headers: dict[str, Any], message: str
) -> None:
    with client_for(shared_app, key=None) as keyless:
        response = keyless.get(PATH, headers=headers, params={"limit": "bad"})  # auth comes first
    assert response.status_code == 401
    assert response.json() == {"error": message}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_get_405_with_allow(client: httpx.Client, method: str) -> None:
    response = client.request(method, PATH)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert response.json() == {"error": f"Method {method} not allowed"}


@pytest.mark.parametrize(
    "path", ["/", "/platform/v1/whatsapp/contact", f"{PATH}/", f"{PATH}/x", "/whatsapp/contacts"]
)
def test_unknown_paths_get_404_json(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


_NAMES = st.sampled_from(
    ["page", "per_page", "limit", "after", "before", "has_customer", "created_after",
     "created_before", "profile_name_contains", "wa_id_contains", "customer_id",
     "customer_external_id", "business_scoped_user_id", "other"]
)  # fmt: skip
_VALUES = st.one_of(
    st.text(max_size=40),
    st.integers().map(str),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.binary(max_size=60).map(lambda b: base64.b64encode(b).decode()),
)


@settings(deadline=None)
@given(query=st.lists(st.tuples(_NAMES, _VALUES), max_size=5))
def test_no_query_string_gets_a_500(client: httpx.Client, query: list[tuple[str, str]]) -> None:
    response = client.get(PATH, params=tuple(query))
    assert response.status_code in (200, 400), response.text
    body = response.json()
    if response.status_code == 400:
        assert "parameter" in body or body["message"] == "legacy_offset_pagination_limit_exceeded"
