"""Every refusal: 400 naming the parameter, 401, 404, 405; never a 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from kapso_fake import encode_cursor
from kapso_fake._params import LegacyLimitError

from .conftest import PATH, client_for

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
    ("has_customer=", "has_customer"),
    # date-times
    ("created_after=2025-01-01", "created_after"),
    ("created_after=2025-01-01T00:00:00", "created_after"),  # no offset
    ("created_after=yesterday", "created_after"),
    ("created_after=", "created_after"),
    ("created_after=2025-02-30T00:00:00Z", "created_after"),
    ("created_after=2025-01-01T24:00:00Z", "created_after"),
    ("created_after=2025-01-01T00:00:00%2B24:00", "created_after"),
    ("created_after=2025-01-01T00:00:00+01:00", "created_after"),  # '+' became a space
    ("created_after=0000-01-01T00:00:00Z", "created_after"),
    ("created_before=9999-12-31T23:59:59-01:00", "created_before"),  # overflows in UTC
    ("created_before=0001-01-01T00:00:00%2B00:01", "created_before"),  # underflows in UTC
    ("created_before=9999-12-31T23:59:59.9999991Z", "created_before"),  # ceiling overflows
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
    # combinations
    (f"before={GOOD}&after={GOOD}", "before"),
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


@pytest.mark.parametrize(
    ("query", "page", "per_page"),
    [("page=51", 51, 20), ("page=51&per_page=100", 51, 100), ("page=1000000", 1000000, 20)],
)
def test_legacy_limit_body_has_every_field(
    client: httpx.Client, query: str, page: int, per_page: int
) -> None:
    response = client.get(f"{PATH}?{query}")
    assert response.status_code == 400
    assert response.json() == {
        "message": "legacy_offset_pagination_limit_exceeded",
        "detail": f"Page {page} exceeds the maximum supported legacy offset page (50). "
        "Use cursor pagination with limit, after, and before.",
        "requested_page": page,
        "requested_per_page": per_page,
        "requested_window": page * per_page,
        "max_page": 50,
        "max_window": 5000,
        "cursor_example": f"/platform/v1/whatsapp/contacts?limit={per_page}",
    }


def test_the_window_limit_has_its_own_detail() -> None:
    # Unreachable over HTTP while per_page <= 100; kept should the ranges change.
    body = LegacyLimitError(50, 101).body()
    assert body["requested_window"] == 5050
    assert str(body["detail"]).startswith("Window 5050 (page 50 x per_page 101) exceeds")


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
    shared_app: Starlette, headers: dict[str, Any], message: str
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
