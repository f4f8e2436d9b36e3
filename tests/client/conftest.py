"""Client test fixtures: a virtual clock, a scripted server, the CLI in-process, the fake."""

from __future__ import annotations

import base64
import copy
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from kapso_contacts import RetryPolicy
from kapso_contacts.cli import CliOverrides, cli
from kapso_contacts.contract import Contract, packaged_spec

#: An API key that must never show up anywhere a user can see.
CANARY = "kapso_canary_7f3d9c1e5b2a4680"
KEY = "k_test"
BASE_URL = "http://testserver/platform/v1"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_kapso_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start without the user's KAPSO_* environment (nor a COLUMNS width, nor a proxy)."""
    for name in ("KAPSO_API_KEY", "KAPSO_BASE_URL", "KAPSO_LOG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(autouse=True)
def _restore_kapso_logger() -> Iterator[None]:
    """``KAPSO_LOG`` configures the package logger for the process: undo it after each test."""
    logger = logging.getLogger("kapso_contacts")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


@dataclass
class FakeTime:
    """A clock that only moves when something sleeps on it; records every sleep."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def policy(self, **changes: Any) -> RetryPolicy:
        """A retry policy that waits on this clock, with no jitter unless told."""
        settings: dict[str, Any] = {
            "sleep": self.sleep,
            "async_sleep": self.async_sleep,
            "clock": self.monotonic,
            "random": lambda: 0.0,
        }
        return RetryPolicy(**{**settings, **changes})


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def contact(index: int) -> dict[str, Any]:
    """A valid contact; ``index`` makes it unique."""
    return {
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "wa_id": f"1555{index:07d}",
        "profile_name": f"Contact {index}",
        "display_name": None,
        "customer_id": None,
        "metadata": {"n": index},
        "created_at": "2025-03-26T15:05:00.000000Z",
        "updated_at": "2025-03-26T15:05:00.000000Z",
    }


def offset_cursor(offset: int) -> str:
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def cursor_offset(cursor: str) -> int:
    return int(json.loads(base64.b64decode(cursor))["offset"])


def cursor_body(
    items: list[dict[str, Any]], next_cursor: str | None, previous: str | None = None
) -> dict[str, Any]:
    return {
        "data": items,
        "paging": {
            "cursors": {"before": None, "after": None},
            "next": next_cursor,
            "previous": previous,
        },
    }


@dataclass
class Stub:
    """A scripted API: ``total`` contacts in cursor pages, after answering ``script`` first.

    ``script`` holds responses (or exceptions to raise) handed out one per request,
    before the stub serves pages; ``headers`` go on every page.
    """

    total: int = 5
    script: list[httpx.Response | Exception] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        limit = int(request.url.params.get("limit", "20"))
        after = request.url.params.get("after")
        start = cursor_offset(after) if after else 0
        end = min(start + limit, self.total)
        next_cursor = offset_cursor(end) if end < self.total else None
        previous = offset_cursor(start) if start else None
        items = [contact(i) for i in range(start, end)]
        body = cursor_body(items, next_cursor, previous)
        return httpx.Response(200, json=body, headers=self.headers)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


@pytest.fixture
def stub() -> Stub:
    return Stub()


def invoke_cli(
    args: list[str],
    transport: httpx.BaseTransport | None = None,
    policy: RetryPolicy | None = None,
    /,
    **env: str,
) -> Result:
    """``kapso-contacts ARGS`` in-process, talking to ``transport``, configured for ``KEY``."""
    return CliRunner().invoke(
        cli,
        args,
        env={"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": BASE_URL, **env},
        obj=CliOverrides(transport=transport, retry_policy=policy),
    )


def contract_with(*edits: Callable[[dict[str, Any]], None]) -> Contract:
    """The packaged spec's contract with ``edits`` applied to a copy of the spec."""
    spec = copy.deepcopy(packaged_spec())
    for edit in edits:
        edit(spec)
    return Contract.read(spec)
