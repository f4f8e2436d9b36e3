"""Fixtures for the robustness drills: in-process apps and clients, and a loopback server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp

from kapso_fake import create_app
from kapso_fake.testing import SyncASGITransport, serve_process

KEY = "drill-key"
PATH = "/platform/v1/whatsapp/contacts"


def client_for(app: ASGIApp, key: str | None = KEY) -> httpx.Client:
    """A client of ``app`` sending ``key`` (no key when None)."""
    headers = {"X-API-Key": key} if key is not None else {}
    return httpx.Client(
        transport=SyncASGITransport(app),
        base_url="http://testserver",
        headers=headers,
        timeout=10.0,
    )


@pytest.fixture(scope="session")
def drill_app() -> Any:
    """One read-only app: 200 contacts, seed 5."""
    return create_app(api_keys=[KEY], contacts=200, seed=5)


@pytest.fixture(scope="session")
def drill_client(drill_app: ASGIApp) -> Iterator[httpx.Client]:
    """A client of ``drill_app`` with a valid key."""
    with client_for(drill_app) as client:
        yield client


@pytest.fixture(scope="module")
def loopback_url() -> Iterator[tuple[str, str]]:
    """A real ``kapso-fake`` on a loopback port (200 contacts); yields (contacts URL, key)."""
    key = "drill_" + secrets.token_hex(8)
    with serve_process("--contacts", "200", "--seed", "5", "--api-key", key) as server:
        yield server.url, key
