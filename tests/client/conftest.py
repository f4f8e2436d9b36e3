"""Client test fixtures: a virtual clock, tiny servers, the fake in-process and on a port."""

from __future__ import annotations

import base64
import json
import logging
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from starlette.types import ASGIApp

from kapso_contacts import AsyncKapsoContacts, KapsoContacts, RetryPolicy
from kapso_contacts.cli import CliOverrides, cli
from kapso_fake.testing import SyncASGITransport

#: An API key that must never show up anywhere a user can see.
CANARY = "kapso_canary_7f3d9c1e5b2a4680"
#: The API key the fake accepts in most tests.
KEY = "k_test"
BASE_URL = "http://testserver/platform/v1"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_kapso_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start without the user's KAPSO_* environment (nor a COLUMNS width for tables)."""
    for name in ("KAPSO_API_KEY", "KAPSO_BASE_URL", "KAPSO_LOG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _restore_kapso_logger() -> Iterator[None]:
    """``KAPSO_LOG`` configures the package logger for the process: undo it after each test."""
    logger = logging.getLogger("kapso_contacts")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


# --------------------------------------------------------------------------- time


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


# --------------------------------------------------------------------------- tiny servers


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


def cursor_body(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {
        "data": items,
        "paging": {
            "cursors": {"before": None, "after": None},
            "next": next_cursor,
            "previous": None,
        },
    }


Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Stub:
    """A scripted API: serves ``total`` contacts in cursor pages, after answering ``script``.

    ``script`` holds responses (or exceptions to raise) handed out first, one per
    request, before the stub starts serving pages.
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
        items = [contact(i) for i in range(start, end)]
        return httpx.Response(200, json=cursor_body(items, next_cursor), headers=self.headers)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    @property
    def statuses_sent(self) -> int:
        return len(self.requests)


@pytest.fixture
def stub() -> Stub:
    return Stub()


# --------------------------------------------------------------------------- the fake in-process


# --------------------------------------------------------------------------- the fake on a port


def console_script(name: str) -> str:
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"console script {name} is not installed")
    return found


def kapso_on(app: ASGIApp, *, api_key: str = KEY, **options: Any) -> KapsoContacts:
    """A sync client of ``app`` in-process (close it, or use it as a context manager)."""
    return KapsoContacts(
        api_key=api_key, base_url=BASE_URL, transport=SyncASGITransport(app), **options
    )


def async_kapso_on(app: ASGIApp, *, api_key: str = KEY, **options: Any) -> AsyncKapsoContacts:
    """An async client of ``app`` in-process."""
    transport = httpx.ASGITransport(app=app)
    return AsyncKapsoContacts(api_key=api_key, base_url=BASE_URL, transport=transport, **options)


def invoke_cli(args: list[str], transport: httpx.BaseTransport, **env: str) -> Result:
    """``kapso-contacts ARGS`` in-process, talking to ``transport``, configured for ``KEY``."""
    return CliRunner().invoke(
        cli,
        args,
        env={"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": BASE_URL, **env},
        obj=CliOverrides(transport=transport),
    )
