"""Tests of the clean-room server itself, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .server import CleanRoomServer, make_data

KEY = "test-key-cleanroom"
CONTACTS, SEED = 600, 1


@pytest.fixture(scope="module")
def server() -> Iterator[CleanRoomServer]:
    with CleanRoomServer(api_key=KEY, contacts=CONTACTS, seed=SEED) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server: CleanRoomServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers={"X-API-Key": KEY}, timeout=5) as c:
        yield c


def public(contact: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in contact.items() if not k.startswith("_")}


EXPECTED = [public(c) for c in make_data(CONTACTS, SEED)]


def get(client: httpx.Client, **params: str | int) -> httpx.Response:
    return client.get("/whatsapp/contacts", params=params)


def test_base_url_and_auth(server: CleanRoomServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url.endswith("/platform/v1")
    url = server.base_url + "/whatsapp/contacts"
    for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}):
        r = httpx.get(url, headers=headers)
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/json")
        assert isinstance(r.json()["error"], str)
        assert KEY not in r.text


def test_default_request_is_legacy_page_one(client: httpx.Client) -> None:
    r = get(client)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"data", "meta"}
    assert body["meta"] == {"page": 1, "per_page": 20, "total_pages": 30, "total_count": 600}
    assert body["data"] == EXPECTED[:20]


def test_cursor_walk_lists_everything_once_in_order(client: httpx.Client) -> None:
    seen: list[dict[str, Any]] = []
    params: dict[str, str | int] = {"limit": 37}
    while True:
        r = get(client, **params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == {"data", "paging"}
        assert "X-Total" not in r.headers
        seen.extend(body["data"])
        nxt = body["paging"]["next"]
        if nxt is None:
            break
        assert nxt == body["paging"]["cursors"]["after"]
        params = {"limit": 37, "after": nxt}
    assert seen == EXPECTED
    assert len({c["id"] for c in seen}) == CONTACTS


def test_cursor_previous_goes_back_one_page(client: httpx.Client) -> None:
    first = get(client, limit=10).json()
    assert first["paging"]["previous"] is None
    second = get(client, limit=10, after=first["paging"]["next"]).json()
    assert second["data"] == EXPECTED[10:20]
    third = get(client, limit=10, after=second["paging"]["next"]).json()
    back = get(client, limit=10, before=third["paging"]["previous"]).json()
    assert back["data"] == EXPECTED[10:20]
    back = get(client, limit=10, before=back["paging"]["previous"]).json()
    assert back["data"] == EXPECTED[:10]
    assert back["paging"]["previous"] is None
    cursor = json.loads(base64.b64decode(first["paging"]["next"]))
    assert cursor == {
        "values": [EXPECTED[9]["created_at"], EXPECTED[9]["id"]],
        "columns": ["created_at", "id"],
    }


def test_legacy_page_meta_and_headers(client: httpx.Client, server: CleanRoomServer) -> None:
    r = get(client, page=2, per_page=50, has_customer="false")
    assert r.status_code == 200
    expected = [c for c in EXPECTED if c["customer_id"] is None]
    body = r.json()
    pages = -(-len(expected) // 50)
    assert body["meta"] == {
        "page": 2,
        "per_page": 50,
        "total_pages": pages,
        "total_count": len(expected),
    }
    assert body["data"] == expected[50:100]
    assert r.headers["X-Total"] == str(len(expected))
    assert r.headers["X-Total-Pages"] == str(pages)
    assert r.headers["X-Per-Page"] == "50"
    assert r.headers["X-Page"] == "2"
    link = r.headers["Link"]
    base = server.base_url + "/whatsapp/contacts?has_customer=false&per_page=50"
    assert f'<{base}&page=3>; rel="next"' in link
    assert f'<{base}&page=1>; rel="prev"' in link
    assert f'<{base}&page=1>; rel="first"' in link
    assert f'<{base}&page={pages}>; rel="last"' in link


def test_page_51_gets_the_documented_400(client: httpx.Client) -> None:
    r = get(client, page=51)
    assert r.status_code == 400
    body = r.json()
    assert body["message"] == "legacy_offset_pagination_limit_exceeded"
    assert body["detail"].startswith("Page 51 exceeds the maximum supported legacy offset page")
    assert body["requested_page"] == 51
    assert body["requested_per_page"] == 20
    assert body["requested_window"] == 1020
    assert (body["max_page"], body["max_window"]) == (50, 5000)
    assert isinstance(body["cursor_example"], str)
    window = get(client, page=2, per_page=2600).json()
    assert window["message"] == "legacy_offset_pagination_limit_exceeded"
    assert window["requested_window"] == 5200


def test_filters(client: httpx.Client) -> None:
    body = get(client, profile_name_contains="ÉLODIE", limit=100).json()
    assert {c["profile_name"] for c in body["data"]} == {"ÉLODIE Dupré", "élodie martin"}
    body = get(client, profile_name_contains="%", limit=100).json()
    assert {c["profile_name"] for c in body["data"]} == {"100% Juice", "50%_off Bar"}
    body = get(client, profile_name_contains="groß", limit=100).json()  # full case folding
    assert {c["profile_name"] for c in body["data"]} == {"Straße Groß", "STRASSE GROSS"}

    full = make_data(CONTACTS, SEED)
    ext = next(c["_customer_external_id"] for c in full if c["_customer_external_id"])
    cust = next(c["customer_id"] for c in full if c["_customer_external_id"] == ext)
    body = get(client, customer_external_id=ext, limit=100).json()
    assert body["data"] == [public(c) for c in full if c["_customer_external_id"] == ext]
    assert body["data"] and all(c["customer_id"] == cust for c in body["data"])
    both = get(client, customer_id=cust.upper(), has_customer="false", limit=100).json()
    assert both["data"] == []

    stamps = [c["created_at"] for c in EXPECTED[:80]]
    stamp = next(s for s in stamps if stamps.count(s) > 1)  # a timestamp shared by several
    after = get(client, created_after=stamp, limit=100, per_page="").json()
    assert after["data"] == [c for c in EXPECTED if c["created_at"] > stamp]
    before = get(client, created_before=stamp, per_page=100).json()
    assert before["data"] == [c for c in EXPECTED if c["created_at"] < stamp][:100]
    assert before["meta"]["total_count"] == sum(c["created_at"] < stamp for c in EXPECTED)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "ten"},
        {"per_page": 0},
        {"per_page": 101},
        {"page": 0},
        {"page": 2, "limit": 5},
        {"after": "not-a-cursor"},
        {"after": "eyJ4IjoxfQ"},  # {"x":1}
        {"has_customer": "maybe"},
        {"created_after": "yesterday"},
    ],
)
def test_bad_parameters_get_json_400(client: httpx.Client, params: dict[str, Any]) -> None:
    r = get(client, **params)
    assert r.status_code == 400
    assert "error" in r.json()


def test_unknown_path_method_and_malformed_request(server: CleanRoomServer) -> None:
    r = httpx.get(server.base_url + "/whatsapp/nope", headers={"X-API-Key": KEY})
    assert r.status_code == 404
    assert r.json() == {"error": "Not found"}
    r = httpx.post(server.base_url + "/whatsapp/contacts", headers={"X-API-Key": KEY})
    assert r.status_code == 405
    assert "error" in r.json()
    host, port = server.base_url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"\xff\xfe garbage\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):  # the server closes the connection after an error
            raw += chunk
    assert raw.startswith(b"HTTP/1.")
    assert int(raw.split(b" ")[1]) // 100 == 4
    assert b'"error"' in raw
    assert httpx.get(server.base_url + "/whatsapp/contacts", headers={"X-API-Key": KEY}).is_success


def test_growing_account_does_not_break_a_cursor_walk() -> None:
    with CleanRoomServer(api_key=KEY, contacts=200, seed=7, new_contacts_per_second=200) as srv:
        url = srv.base_url + "/whatsapp/contacts"
        walk: list[str] = []
        params: dict[str, str | int] = {"limit": 25}
        while True:
            body = httpx.get(url, params=params, headers={"X-API-Key": KEY}).json()
            walk.extend(c["id"] for c in body["data"])
            if body["paging"]["next"] is None:
                break
            params = {"limit": 25, "after": body["paging"]["next"]}
            time.sleep(0.02)
        total = httpx.get(url, headers={"X-API-Key": KEY}).json()["meta"]["total_count"]
    original = [c["id"] for c in make_data(200, 7)]
    assert len(walk) == len(set(walk))
    assert walk[-200:] == original  # everything that existed, once, in order, after the newcomers
    assert total > 200
