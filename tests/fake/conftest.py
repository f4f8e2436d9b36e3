"""Fixtures for the fake's tests: apps with fresh stores, and fast in-process clients."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest

from kapso_contacts.contract import Contract, build_contract, default_contract, packaged_spec
from kapso_fake import ContactStore, FakeApp, create_app
from kapso_fake.testing import SyncASGITransport

KEY = "test-key-for-the-fake"
PATH = "/platform/v1/whatsapp/contacts"
CONTRACT = default_contract()
Params = Mapping[str, str | int]


def contract_with(*edits: Callable[[dict[str, Any]], None]) -> Contract:
    """The shipped spec with ``edits`` applied to a copy of it (each edits the spec in place)."""
    spec = copy.deepcopy(packaged_spec())
    for edit in edits:
        edit(spec)
    return build_contract(spec)


def operation(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The List contacts operation of a spec."""
    found: dict[str, Any] = spec["paths"][CONTRACT.operation_path]["get"]
    return found


def parameter(spec: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A query parameter of the operation, by name."""
    return next(p for p in operation(spec)["parameters"] if p["name"] == name)


def client_for(app: FakeApp, key: str | None = KEY) -> httpx.Client:
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
def shared_app() -> FakeApp:
    """One app for read-only tests: 300 contacts, seed 7 (never write to its store)."""
    return create_app(api_keys=[KEY], contacts=300, seed=7)


@pytest.fixture(scope="session")
def shared_store(shared_app: FakeApp) -> ContactStore:
    """The store of ``shared_app``."""
    return shared_app.state.store


@pytest.fixture(scope="session")
def client(shared_app: FakeApp) -> Iterator[httpx.Client]:
    """A client of ``shared_app`` with a valid key."""
    with client_for(shared_app) as c:
        yield c


@pytest.fixture
def fresh_app() -> FakeApp:
    """An app with its own small store, for tests that write (60 contacts, seed 11)."""
    return create_app(api_keys=[KEY], contacts=60, seed=11)
