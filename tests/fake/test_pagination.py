"""Both pagination modes, both ways, with their envelopes and headers."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from kapso_fake import ContactStore, FakeApp, decode_cursor, encode_cursor

from .conftest import KEY, PATH, client_for, walk_cursor

LEGACY_HEADERS = ("x-total", "x-total-pages", "x-per-page", "x-page", "link")


def _links(response: httpx.Response) -> dict[str, str]:
    links = {}
    for part in response.headers["link"].split(", "):
        url, rel = part.split("; ")
        links[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return links


def test_a_bare_request_gets_legacy_page_one_of_twenty(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    response = client.get(PATH)
    body = response.json()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert set(body) == {"data", "meta"}
    assert body["meta"] == {"page": 1, "per_page": 20, "total_pages": 15, "total_count": 300}
    assert body["data"] == shared_store.matching()[:20]
    assert response.headers["x-total"] == "300"
    assert response.headers["x-total-pages"] == "15"
    assert response.headers["x-per-page"] == "20"
    assert response.headers["x-page"] == "1"


@pytest.mark.parametrize("limit", [1, 7, 20, 100])
def test_a_cursor_walk_returns_every_contact_once_in_order(
    client: httpx.Client, shared_store: ContactStore, limit: int
) -> None:
    assert walk_cursor(client, {}, limit) == shared_store.matching()


def test_order_is_newest_first_with_ties_broken_by_id_descending(
    shared_store: ContactStore,
) -> None:
    contacts = shared_store.matching()
    keys = [(c["created_at"], c["id"]) for c in contacts]
    assert keys == sorted(keys, reverse=True)
    assert len({c["created_at"] for c in contacts}) < len(contacts)  # ties exist


def test_cursor_page_envelope_and_cursors(client: httpx.Client, shared_store: ContactStore) -> None:
    response = client.get(PATH, params={"limit": 5})
    body = response.json()
    assert set(body) == {"data", "paging"}
    assert not any(h in response.headers for h in LEGACY_HEADERS)
    paging = body["paging"]
    first, last = body["data"][0], body["data"][-1]
    assert decode_cursor(paging["cursors"]["before"]) == (first["created_at"], first["id"])
    assert decode_cursor(paging["cursors"]["after"]) == (last["created_at"], last["id"])
    assert paging["next"] == paging["cursors"]["after"]
    assert paging["previous"] is None


def test_cursor_mode_defaults_to_twenty(client: httpx.Client, shared_store: ContactStore) -> None:
    first = client.get(PATH, params={"limit": 2}).json()
    page = client.get(PATH, params={"after": first["paging"]["next"]}).json()
    assert page["data"] == shared_store.matching()[2:22]


def test_walking_backwards_with_previous_returns_the_same_pages(client: httpx.Client) -> None:
    forward: list[list[Any]] = []
    body = client.get(PATH, params={"limit": 40}).json()
    forward.append(body["data"])
    while body["paging"]["next"]:
        body = client.get(PATH, params={"limit": 40, "after": body["paging"]["next"]}).json()
        forward.append(body["data"])
    assert body["paging"]["next"] is None
    backward = [body["data"]]
    while body["paging"]["previous"]:
        body = client.get(PATH, params={"limit": 40, "before": body["paging"]["previous"]}).json()
        backward.append(body["data"])
    assert backward[::-1] == forward
    assert body["paging"]["previous"] is None


def test_before_returns_the_contacts_just_newer_than_the_cursor(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    contacts = shared_store.matching()
    before = encode_cursor(contacts[50]["created_at"], contacts[50]["id"])
    body = client.get(PATH, params={"limit": 10, "before": before}).json()
    assert body["data"] == contacts[40:50]
    assert body["paging"]["next"] is not None
    assert body["paging"]["previous"] is not None


def test_an_empty_cursor_page_has_null_cursors(client: httpx.Client) -> None:
    body = client.get(PATH, params={"limit": 5, "profile_name_contains": "no such name"}).json()
    assert body == {
        "data": [],
        "paging": {"cursors": {"before": None, "after": None}, "next": None, "previous": None},
    }


def test_legacy_pages_cover_the_listing(client: httpx.Client, shared_store: ContactStore) -> None:
    contacts = shared_store.matching()
    pages = math.ceil(len(contacts) / 30)
    seen: list[Any] = []
    for page in range(1, pages + 1):
        body = client.get(PATH, params={"page": page, "per_page": 30}).json()
        assert body["meta"] == {
            "page": page,
            "per_page": 30,
            "total_pages": pages,
            "total_count": len(contacts),
        }
        seen.extend(body["data"])
    assert seen == contacts


def test_legacy_page_past_the_end_is_empty(client: httpx.Client) -> None:
    response = client.get(PATH, params={"page": 40, "per_page": 20})
    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["meta"]["total_pages"] == 15


def test_legacy_with_no_match_has_zero_pages(client: httpx.Client) -> None:
    response = client.get(PATH, params={"page": 1, "wa_id_contains": "no"})
    assert response.json()["meta"] == {
        "page": 1,
        "per_page": 20,
        "total_pages": 0,
        "total_count": 0,
    }
    assert set(_links(response)) == {"first"}


def test_link_header_on_a_middle_page_keeps_the_other_parameters(client: httpx.Client) -> None:
    response = client.get(PATH, params={"page": 3, "per_page": 20, "has_customer": "true"})
    total_pages = int(response.headers["x-total-pages"])
    links = _links(response)
    base = "http://testserver" + PATH + "?has_customer=true"
    assert links == {
        "first": f"{base}&page=1&per_page=20",
        "prev": f"{base}&page=2&per_page=20",
        "next": f"{base}&page=4&per_page=20",
        "last": f"{base}&page={total_pages}&per_page=20",
    }


def test_link_header_on_first_and_last_pages(client: httpx.Client) -> None:
    assert set(_links(client.get(PATH, params={"page": 1}))) == {"first", "next", "last"}
    assert set(_links(client.get(PATH, params={"page": 15}))) == {"first", "prev", "last"}


def test_links_never_point_past_the_legacy_limits(client: httpx.Client) -> None:
    response = client.get(PATH, params={"page": 50, "per_page": 1})
    assert response.headers["x-total-pages"] == "300"
    links = _links(response)
    assert "next" not in links
    assert links["last"].endswith("page=50&per_page=1")


def test_legacy_and_cursor_pages_agree(client: httpx.Client) -> None:
    legacy = client.get(PATH, params={"page": 2, "per_page": 25}).json()["data"]
    first = client.get(PATH, params={"limit": 25}).json()
    second = client.get(PATH, params={"limit": 25, "after": first["paging"]["next"]}).json()
    assert second["data"] == legacy


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_a_walk_sees_every_original_contact_once_while_contacts_are_added(
    fresh_app: FakeApp, limit: int
) -> None:
    store: ContactStore = fresh_app.state.store
    original = {c["id"] for c in store.matching()}
    seen: list[Any] = []
    with client_for(fresh_app) as c:
        query: dict[str, Any] = {"limit": limit}
        for round_ in range(1000):
            body = c.get(PATH, params=query).json()
            seen.extend(body["data"])
            store.add_generated(2, seed=round_)  # lands before and after the walk position
            if body["paging"]["next"] is None:
                break
            query["after"] = body["paging"]["next"]
    ids = [s["id"] for s in seen]
    assert len(ids) == len(set(ids))
    assert original <= set(ids)
    keys = [(s["created_at"], s["id"]) for s in seen]
    assert keys == sorted(keys, reverse=True)


def test_head_is_answered_like_get(client: httpx.Client) -> None:
    response = client.head(PATH, headers={"X-API-Key": KEY})
    assert response.status_code == 200
    assert response.headers["x-total"] == "300"
