"""Both pagination modes, both ways, with their envelopes, totals and headers."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from kapso_fake import FakeApp, create_app

from .conftest import CONTRACT, KEY, PATH, Item, client_for, cursor_pages, ids, items_of, walk

CURSOR = CONTRACT.pagination.cursor
LEGACY = CONTRACT.pagination.legacy
META = LEGACY.meta
LIMITS = [1, 7, 20, CURSOR.limit.maximum or 100]


def _links(response: httpx.Response) -> dict[str, str]:
    links = {}
    for part in response.headers["link"].split(", "):
        url, rel = part.split("; ")
        links[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return links


def _meta(body: dict[str, Any]) -> dict[str, Any]:
    return {role: path.get(body) for role, path in META.items()}


def _legacy_headers(response: httpx.Response) -> dict[str, str]:
    return {
        role: response.headers[name] for name, role in LEGACY.headers.items() if role != "links"
    }


def test_a_bare_request_gets_the_first_legacy_page(
    client: httpx.Client, everything: list[Item]
) -> None:
    assert CONTRACT.pagination.bare_mode == "legacy"
    response = client.get(PATH)
    size = int(LEGACY.per_page.default)
    pages = math.ceil(len(everything) / size)
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"data", "meta"}
    expected = {"page": 1, "per-page": size, "total-pages": pages, "total-count": len(everything)}
    assert _meta(response.json()) == expected
    assert _legacy_headers(response) == {k: str(v) for k, v in expected.items()}
    assert items_of(CONTRACT, response) == everything[:size]


@pytest.mark.parametrize("limit", LIMITS)
def test_a_cursor_walk_returns_every_item_once_in_order(
    client: httpx.Client, everything: list[Item], limit: int
) -> None:
    assert walk(client, {}, limit) == everything


def test_the_order_is_the_spec_s_with_ties(everything: list[Item]) -> None:
    keys = [(c["created_at"], c["id"]) for c in everything]
    assert keys == sorted(keys, reverse=True)  # created_at, then id, both descending
    assert len({c["created_at"] for c in everything}) < len(everything)  # ties exist


def test_a_cursor_page_carries_the_cursors_of_its_ends(
    shared_app: FakeApp, client: httpx.Client, everything: list[Item]
) -> None:
    body = client.get(PATH, params={"limit": 5}).json()
    cursors = shared_app.store.cursors
    first, last = body["data"][0], body["data"][-1]
    assert set(body) == {"data", "paging"}
    assert cursors.decode(CURSOR.first.get(body)) == cursors.key_of(first)
    assert cursors.decode(CURSOR.last.get(body)) == cursors.key_of(last)
    assert CURSOR.next.get(body) == CURSOR.last.get(body)
    assert CURSOR.previous.get(body) is None
    assert body["data"] == everything[:5]


def test_without_a_limit_a_cursor_page_has_the_default_size(
    client: httpx.Client, everything: list[Item]
) -> None:
    first = client.get(PATH, params={"limit": 2}).json()
    page = client.get(PATH, params={"after": CURSOR.next.get(first)}).json()
    assert page["data"] == everything[2 : 2 + int(CURSOR.limit.default)]


@pytest.mark.parametrize("limit", [1, 3, 40])
@pytest.mark.parametrize("shape", ["mixed", "dense"])
def test_walking_back_with_previous_returns_the_same_pages(limit: int, shape: str) -> None:
    app = create_app(api_keys=[KEY], contacts=120, seed=3, shape=shape)  # type: ignore[arg-type]
    with client_for(app) as client:
        forward = cursor_pages(client, {}, limit)
        body = forward[-1]
        backward = [body]
        while CURSOR.previous.get(body):
            params = {"limit": limit, "before": CURSOR.previous.get(body)}
            body = client.get(PATH, params=params).json()
            backward.append(body)
    assert [page["data"] for page in backward[::-1]] == [page["data"] for page in forward]
    walked = [c for page in forward for c in page["data"]]
    assert walked == app.store.listing()
    assert len(set(ids(walked))) == len(walked) == 120


def test_before_returns_the_items_just_before_the_cursor(
    shared_app: FakeApp, client: httpx.Client, everything: list[Item]
) -> None:
    before = shared_app.store.cursors.encode(shared_app.store.cursors.key_of(everything[50]))
    body = client.get(PATH, params={"limit": 10, "before": before}).json()
    assert body["data"] == everything[40:50]
    assert CURSOR.next.get(body) is not None
    assert CURSOR.previous.get(body) is not None


def test_an_empty_cursor_page_has_null_cursors(client: httpx.Client) -> None:
    body = client.get(PATH, params={"limit": 5, "profile_name_contains": "no such name"}).json()
    assert body == {
        "data": [],
        "paging": {"cursors": {"before": None, "after": None}, "next": None, "previous": None},
    }


def test_legacy_pages_cover_the_listing(client: httpx.Client, everything: list[Item]) -> None:
    pages = math.ceil(len(everything) / 30)
    seen: list[Item] = []
    for page in range(1, pages + 1):
        body = client.get(PATH, params={"page": page, "per_page": 30}).json()
        assert _meta(body) == {
            "page": page,
            "per-page": 30,
            "total-pages": pages,
            "total-count": len(everything),
        }
        seen.extend(body["data"])
    assert seen == everything


def test_a_legacy_page_past_the_end_is_empty(client: httpx.Client, everything: list[Item]) -> None:
    response = client.get(PATH, params={"page": 40, "per_page": 20})
    assert items_of(CONTRACT, response) == []
    assert _meta(response.json())["total-pages"] == math.ceil(len(everything) / 20)


def test_a_legacy_answer_with_no_match_has_zero_pages(client: httpx.Client) -> None:
    response = client.get(PATH, params={"page": 1, "wa_id_contains": "no"})
    assert _meta(response.json()) == {
        "page": 1,
        "per-page": 20,
        "total-pages": 0,
        "total-count": 0,
    }
    assert set(_links(response)) == {"first"}


def test_the_link_of_a_middle_page_keeps_the_other_parameters(client: httpx.Client) -> None:
    response = client.get(PATH, params={"page": 3, "per_page": 20, "has_customer": "true"})
    last = int(response.headers["x-total-pages"])
    base = "http://testserver" + PATH + "?has_customer=true"
    assert _links(response) == {
        "first": f"{base}&page=1&per_page=20",
        "prev": f"{base}&page=2&per_page=20",
        "next": f"{base}&page=4&per_page=20",
        "last": f"{base}&page={last}&per_page=20",
    }


def test_the_links_of_the_first_and_last_pages(
    client: httpx.Client, everything: list[Item]
) -> None:
    last = math.ceil(len(everything) / 20)
    assert set(_links(client.get(PATH, params={"page": 1}))) == {"first", "next", "last"}
    assert set(_links(client.get(PATH, params={"page": last}))) == {"first", "prev", "last"}


def test_links_never_point_past_the_legacy_limits(client: httpx.Client) -> None:
    assert LEGACY.max_page is not None
    response = client.get(PATH, params={"page": LEGACY.max_page, "per_page": 1})
    assert response.headers["x-total-pages"] == "300"
    links = _links(response)
    assert "next" not in links
    assert links["last"].endswith(f"page={LEGACY.max_page}&per_page=1")


def test_legacy_and_cursor_pages_agree(client: httpx.Client) -> None:
    legacy = client.get(PATH, params={"page": 2, "per_page": 25}).json()["data"]
    first = client.get(PATH, params={"limit": 25}).json()
    second = client.get(PATH, params={"limit": 25, "after": CURSOR.next.get(first)}).json()
    assert second["data"] == legacy


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_a_walk_sees_every_original_item_once_while_items_are_added(limit: int) -> None:
    app = create_app(api_keys=[KEY], contacts=60, seed=11)
    original = set(ids(app.store.listing()))
    seen: list[Item] = []
    with client_for(app) as client:
        query: dict[str, Any] = {"limit": limit}
        for _ in range(1000):
            body = client.get(PATH, params=query).json()
            seen.extend(body["data"])
            app.add_generated(2)  # spread over the span: before and after the walk's position
            if CURSOR.next.get(body) is None:
                break
            query["after"] = CURSOR.next.get(body)
    assert len(ids(seen)) == len(set(ids(seen)))
    assert original <= set(ids(seen))
    keys = [(c["created_at"], c["id"]) for c in seen]
    assert keys == sorted(keys, reverse=True)
    assert len(app.store.listing()) > len(seen)  # some landed behind the walk


def test_head_is_answered_like_get_without_a_body(client: httpx.Client) -> None:
    response = client.head(PATH)
    assert response.status_code == 200
    assert response.headers["x-total"] == "300"
    assert response.content == b""
