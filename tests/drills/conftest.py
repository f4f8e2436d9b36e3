"""Fixtures for the fast robustness drills: the fake in process, and on a loopback port."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kapso_contacts.contract import default_contract
from kapso_fake.app import FakeApp, create_app
from kapso_fake.server import spawn, transport

KEY = "drill-key"
CONTRACT = default_contract()
PATH = CONTRACT.path


def client_for(app: Any, key: str | None = KEY) -> httpx.Client:
    """An in-process client of ``app`` sending ``key`` (no key when None)."""
    headers = {CONTRACT.api_key_header: key} if key is not None else {}
    return httpx.Client(
        transport=transport(app), base_url="http://testserver", headers=headers, timeout=10.0
    )


@pytest.fixture(scope="session")
def drill_app() -> FakeApp:
    """One read-only app: 200 items, seed 5."""
    return create_app(api_keys=[KEY], contacts=200, seed=5)


@pytest.fixture(scope="session")
def drill_client(drill_app: FakeApp) -> Iterator[httpx.Client]:
    """A client of ``drill_app`` with a valid key."""
    with client_for(drill_app) as client:
        yield client


@pytest.fixture(scope="module")
def loopback() -> Iterator[httpx.Client]:
    """A client of a real ``kapso-fake`` on a loopback port (200 items, seed 5)."""
    key = "drill_" + secrets.token_hex(8)
    with (
        spawn("--contacts", "200", "--seed", "5", "--api-key", key) as server,
        httpx.Client(
            base_url=server.url.removesuffix(PATH),
            headers={CONTRACT.api_key_header: key},
            timeout=10.0,
        ) as client,
    ):
        yield client
