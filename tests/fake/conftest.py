"""Fixtures for the fake's tests: apps with fresh stores, and fast in-process clients."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from kapso_fake import ContactStore, create_app
from kapso_fake.testing import SyncASGITransport

KEY = "test-key-for-the-fake"
PATH = "/platform/v1/whatsapp/contacts"
Params = Mapping[str, str | int]


def client_for(app: Starlette, key: str | None = KEY) -> httpx.Client:
    """Return a client of ``app`` sending ``key`` (none when ``None``)."""
    headers = {"X-API-Key": key} if key is not None else {}
    return httpx.Client(
        transport=SyncASGITransport(app), base_url="http://testserver", headers=headers
    )


def walk_cursor(client: httpx.Client, params: Params, limit: int) -> list[dict[str, Any]]:
    """Follow ``paging.next`` from the first page; return every contact seen, in order."""
    seen: list[dict[str, Any]] = []
    query: dict[str, str | int] = {**params, "limit": limit}
    for _ in range(10_000):
        response = client.get(PATH, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        seen.extend(body["data"])
        if body["paging"]["next"] is None:
            return seen
        query["after"] = body["paging"]["next"]
    raise AssertionError("the walk did not end")


@pytest.fixture(scope="session")
def shared_app() -> Starlette:
    """One app for read-only tests: 300 contacts, seed 7 (never write to its store)."""
    return create_app(api_keys=[KEY], contacts=300, seed=7)


@pytest.fixture(scope="session")
def shared_store(shared_app: Starlette) -> ContactStore:
    """The store of ``shared_app``."""
    store: ContactStore = shared_app.state.store
    return store


@pytest.fixture(scope="session")
def client(shared_app: Starlette) -> Iterator[httpx.Client]:
    """A client of ``shared_app`` with a valid key."""
    with client_for(shared_app) as c:
        yield c


@pytest.fixture
def fresh_app() -> Starlette:
    """An app with its own small store, for tests that write (60 contacts, seed 11)."""
    return create_app(api_keys=[KEY], contacts=60, seed=11)
