"""Every refusal and its body: 400 naming the parameter, the legacy limits, 401, 404, 405.

Never a 500: a property sends any query string at all.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapso_fake import FakeApp, create_app

from .conftest import CONTRACT, KEY, PATH, client_for, edited, operation

ID = "123e4567-e89b-42d3-a456-426614174000"
LEGACY = CONTRACT.pagination.legacy


def _b64(payload: object) -> str:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return base64.urlsafe_b64encode(text.encode()).decode()


def _keyset(*values: object) -> str:
    return _b64({"values": list(values), "columns": ["created_at", "id"]})


GOOD = _keyset("2025-03-26T15:05:00.000000Z", ID)

REFUSED = [
    # integers: type and range
    ("limit=0", "limit"), ("limit=101", "limit"), ("limit=-1", "limit"), ("limit=abc", "limit"),
    ("limit=1.5", "limit"), ("limit=1e2", "limit"), ("limit=%205", "limit"),
    ("limit=%2B5", "limit"), ("limit=", "limit"), ("limit=%D9%A5", "limit"),  # an Arabic digit
    ("limit=99999999999999999999999999", "limit"), ("page=0", "page"), ("page=-3", "page"),
    ("page=x", "page"), ("page=", "page"), ("per_page=0", "per_page"),
    ("per_page=101", "per_page"), ("per_page=1_0", "per_page"),
    # booleans
    ("has_customer=yes", "has_customer"), ("has_customer=1", "has_customer"),
    ("has_customer=True", "has_customer"), ("has_customer=", "has_customer"),
    # date-times
    ("created_after=2025-01-01", "created_after"),
    ("created_after=2025-01-01T00:00:00", "created_after"),  # no offset
    ("created_after=yesterday", "created_after"),
    ("created_after=2025-02-30T00:00:00Z", "created_after"),
    ("created_after=2025-01-01T24:00:00Z", "created_after"),
    ("created_after=2025-01-01T00:00:00%2B24:00", "created_after"),
    ("created_after=2025-01-01T00:00:00+01:00", "created_after"),  # '+' became a space
    ("created_before=99999-01-01T00:00:00Z", "created_before"),
    ("created_before=", "created_before"),
    # cursors outside the cursor alphabet
    ("after=", "after"), ("after=%21%21%21", "after"), ("before=a%20b", "before"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "parameter"), REFUSED)
def test_a_refused_value_gets_a_400_naming_the_parameter(
    client: httpx.Client, query: str, parameter: str
) -> None:
    response = client.get(f"{PATH}?{query}")
    assert response.status_code == CONTRACT.refusal_status.value == 400, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["parameter"] == parameter
    assert parameter in body["error"]


NOT_OURS = [
    "abcde",  # no Base64 of anything
    _b64("not json"),
    base64.urlsafe_b64encode(bytes([0xFF, 0xFE])).decode(),  # not UTF-8
    _b64([1, 2]),
    _b64({"values": ["x", "y"], "columns": ["id", "created_at"]}),
    _keyset("2025-01-01T00:00:00Z", ID),  # not the API's own timestamp form
    _keyset("2025-01-01T00:00:00.000000Z", "nope"),
    _keyset("2025-01-01T00:00:00.000000Z", ID.upper()),
    _keyset(1, 2),
    _keyset(),
]


@pytest.mark.parametrize("name", ["after", "before"])
@pytest.mark.parametrize("cursor", NOT_OURS)
def test_a_cursor_the_fake_cannot_read_is_not_found(
    client: httpx.Client, name: str, cursor: str
) -> None:
    response = client.get(PATH, params={name: cursor})
    assert response.status_code == CONTRACT.pagination.cursor.unreadable.value == 404
    assert response.json() == {
        "error": f"{name} is not a cursor this server issued",
        "parameter": name,
    }


def test_a_cursor_of_an_item_that_does_not_exist_is_served(client: httpx.Client) -> None:
    response = client.get(PATH, params={"after": GOOD, "limit": 5})  # keysets need no row
    assert response.status_code == 200
    assert all(c["created_at"] < "2025-03-26T15:05" for c in response.json()["data"])


def test_past_the_largest_page_is_the_spec_s_own_example(client: httpx.Client) -> None:
    examples = operation(CONTRACT.spec)["responses"]["400"]["content"]["application/json"]
    example = examples["examples"]["legacy_limit_exceeded"]["value"]
    page, per_page = example["requested_page"], example["requested_per_page"]
    response = client.get(PATH, params={"page": page, "per_page": per_page})
    assert response.status_code == LEGACY.limit_error_status
    assert response.json() == example


@pytest.mark.parametrize(
    ("query", "page", "per_page"),
    [("page=51", 51, 20), ("page=51&per_page=100", 51, 100), ("page=1000000", 1000000, 20)],
)
def test_the_legacy_limit_body_has_every_field(
    client: httpx.Client, query: str, page: int, per_page: int
) -> None:
    response = client.get(f"{PATH}?{query}")
    assert response.status_code == 400
    assert response.json() == {
        "message": LEGACY.limit_error_code,
        "detail": f"Page {page} exceeds the maximum supported legacy offset page "
        f"({LEGACY.max_page}). Use cursor pagination with limit, after, and before.",
        "requested_page": page,
        "requested_per_page": per_page,
        "requested_window": page * per_page,
        "max_page": LEGACY.max_page,
        "max_window": LEGACY.max_window.value,
        "cursor_example": f"{CONTRACT.path}?limit={per_page}",
    }


def test_the_window_limit_has_its_own_detail() -> None:
    # Unreachable under the shipped spec (50 x 100 = 5,000): a spec with larger pages reaches it.
    def larger_pages(spec: dict[str, Any]) -> None:
        per_page = next(p for p in operation(spec)["parameters"] if p["name"] == "per_page")
        per_page["schema"]["maximum"] = 200

    app = create_app(api_keys=[KEY], contacts=5, contract=edited(larger_pages))
    with client_for(app) as client:
        response = client.get(PATH, params={"page": 30, "per_page": 200})
        allowed = client.get(PATH, params={"page": 25, "per_page": 200})
    body = response.json()
    assert response.status_code == 400
    assert body["requested_window"] == 6000
    assert body["cursor_example"] == f"{CONTRACT.path}?limit=100"  # limit's own maximum
    assert str(body["detail"]).startswith("Window 6000 (page 30 x per_page 200) exceeds")
    assert allowed.status_code == 200


def test_the_largest_page_at_the_largest_size_is_served(client: httpx.Client) -> None:
    query = {"page": LEGACY.max_page, "per_page": LEGACY.per_page.maximum}
    assert client.get(PATH, params=query).status_code == 200


def test_a_page_past_the_limit_with_a_malformed_size_is_refused_not_a_500(
    client: httpx.Client,
) -> None:
    response = client.get(f"{PATH}?page=51&per_page=abc")
    assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, "Missing X-API-Key header"), ({"X-API-Key": ""}, "Missing X-API-Key header"),
     ({"X-API-Key": "wrong"}, "Invalid API key"), ({"X-API-Key": KEY + "X"}, "Invalid API key"),
     ({"X-API-Key": KEY[:-1]}, "Invalid API key"),
     ({"X-API-Key": "ключ".encode()}, "Invalid API key")],
)  # fmt: skip
def test_a_missing_or_wrong_key_gets_401_before_the_query_is_read(
    shared_app: FakeApp, headers: dict[str, Any], message: str
) -> None:
    with client_for(shared_app, key=None) as keyless:
        response = keyless.get(PATH, headers=headers, params={"limit": "bad"})
    assert response.status_code == 401
    assert response.json() == {"error": message}


def test_every_key_given_is_accepted() -> None:
    app = create_app(api_keys=["first", "second"], contacts=3)
    for key in ("first", "second"):
        with client_for(app, key=key) as client:
            assert client.get(PATH).status_code == 200


@pytest.mark.parametrize("keys", [[], [""]])
def test_an_app_needs_a_key(keys: list[str]) -> None:
    with pytest.raises(ValueError, match="API key"):
        create_app(api_keys=keys, contacts=1)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_get_405_with_allow(client: httpx.Client, method: str) -> None:
    response = client.request(method, PATH)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert response.json() == {"error": f"Method {method} not allowed"}


@pytest.mark.parametrize(
    "path", ["/", "/platform/v1/whatsapp/contact", f"{PATH}/", f"{PATH}/x", "/whatsapp/contacts"]
)
def test_unknown_paths_get_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


_NAMES = st.sampled_from([*CONTRACT.parameters, "other"])
_VALUES = st.one_of(
    st.text(max_size=40),
    st.integers().map(str),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.binary(max_size=60).map(lambda b: base64.b64encode(b).decode()),
    st.just(GOOD),
)


@settings(deadline=None)
@given(query=st.lists(st.tuples(_NAMES, _VALUES), max_size=5))
def test_no_query_string_gets_a_500(client: httpx.Client, query: list[tuple[str, str]]) -> None:
    response = client.get(PATH, params=tuple(query))
    assert response.status_code in (200, 400, 404), response.text
    body = response.json()
    if response.status_code != 200:
        assert "parameter" in body or body["message"] == LEGACY.limit_error_code
