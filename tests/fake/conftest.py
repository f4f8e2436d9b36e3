"""Fixtures for the fake's tests: apps with fresh stores, in-process clients, walks.

Everything a walk needs (the path, the page size parameter, where the items
and the cursors are in a body) is read from the contract, so the helpers work
for any spec the fake serves.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from kapso_contacts.contract import Contract, default_contract, load_contract, packaged_spec
from kapso_fake import FakeApp, Generator, Store, create_app
from kapso_fake.server import transport

KEY = "test-key-for-the-fake"
CONTRACT = default_contract()
PATH = CONTRACT.path
#: Every spec the fake's generic tests run against: the shipped one, and List
#: conversations (tests/specs), which differs where it matters.
SPECS = {
    "contacts": CONTRACT,
    "conversations": load_contract(Path(__file__).parents[1] / "specs" / "conversations.yaml"),
}
Item = dict[str, Any]
Params = Mapping[str, str | int]


def edited(*edits: Callable[[dict[str, Any]], None]) -> Contract:
    """The shipped spec with ``edits`` applied to a copy of it (each edits the spec in place)."""
    spec = copy.deepcopy(packaged_spec())
    for edit in edits:
        edit(spec)
    return Contract.read(spec)


def operation(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The list operation of a spec shaped like the shipped one."""
    found: dict[str, Any] = spec["paths"][CONTRACT.operation_path]["get"]
    return found


def client_for(app: FakeApp, key: str | None = KEY) -> httpx.Client:
    """A client of ``app`` (no socket) sending ``key`` (none when ``None``)."""
    headers = {app.contract.api_key_header: key} if key is not None else {}
    return httpx.Client(transport=transport(app), base_url="http://testserver", headers=headers)


def items_of(contract: Contract, response: httpx.Response) -> list[Item]:
    """The items of a served page."""
    assert response.status_code == contract.success_status, response.text
    found: list[Item] = contract.pagination.items.get(response.json())
    return found


def cursor_pages(
    client: httpx.Client, params: Params, limit: int, contract: Contract = CONTRACT
) -> list[dict[str, Any]]:
    """The bodies of a cursor walk from the first page, following ``next``."""
    mode = contract.pagination.cursor
    query: dict[str, str | int] = {**params, mode.limit.name: limit}
    pages: list[dict[str, Any]] = []
    for _ in range(10_000):
        response = client.get(contract.path, params=query)
        items_of(contract, response)
        pages.append(response.json())
        cursor = mode.next.get(pages[-1])
        if cursor is None:
            return pages
        query[mode.after.name] = cursor
    raise AssertionError("the walk did not end")


def walk(
    client: httpx.Client, params: Params, limit: int, contract: Contract = CONTRACT
) -> list[Item]:
    """Every item of a cursor walk, in order."""
    pages = cursor_pages(client, params, limit, contract)
    return [item for page in pages for item in contract.pagination.items.get(page)]


def ids(items: list[Item], contract: Contract = CONTRACT) -> list[Any]:
    """The identities of items, in order."""
    return [item[contract.identity] for item in items]


@dataclass(frozen=True)
class Served:
    """A fake of one spec whose data is known to the last hidden value."""

    contract: Contract
    app: FakeApp
    client: httpx.Client
    items: list[Item]
    #: The values of the fields filters read that items do not show, by item identity.
    hidden: dict[Any, dict[str, Any]]


@pytest.fixture(scope="session")
def served(request: pytest.FixtureRequest) -> Iterator[Served]:
    """A fake of the spec the test names (``SPECS``), with 300 items (or ``(name, n)``), seed 7."""
    name, size = request.param if isinstance(request.param, tuple) else (request.param, 300)
    contract = SPECS[name]
    store, generator = Store(contract), Generator(contract, seed=7)
    drawn = list(generator.items(size))
    store.insert(store.row(item, hidden, trusted=True) for item, hidden in drawn)
    app = FakeApp(contract, store, generator, [KEY])
    hidden = {item[contract.identity]: values for item, values in drawn}
    with client_for(app) as client:
        yield Served(contract, app, client, store.listing(), hidden)


@pytest.fixture(scope="session")
def shared_app() -> FakeApp:
    """One app for tests that only read: 300 contacts, seed 7 (never write to it)."""
    return create_app(api_keys=[KEY], contacts=300, seed=7)


@pytest.fixture(scope="session")
def everything(shared_app: FakeApp) -> list[Item]:
    """Every item of ``shared_app``, in API order (the ground truth)."""
    return shared_app.store.listing()


@pytest.fixture(scope="session")
def client(shared_app: FakeApp) -> Iterator[httpx.Client]:
    """A client of ``shared_app`` with a valid key."""
    with client_for(shared_app) as c:
        yield c
