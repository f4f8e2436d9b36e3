"""The issue's done-when, in-process: 12,000 contacts through the CLI and the library.

Waiting happens on a virtual clock shared by the client (its sleeps) and the
fake's rate limiter, so a per-minute limit costs no real minute. The same
walks run once more through a real ``kapso-fake`` process in test_loopback.py.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx
import pytest
from click.testing import CliRunner, Result

from kapso_contacts import AsyncKapsoContacts, KapsoContacts
from kapso_contacts.cli import CliOverrides, cli
from kapso_fake import FakeApp, FaultConfig, create_app
from kapso_fake.testing import SyncASGITransport

from .conftest import BASE_URL, KEY, FakeTime

CONTACTS = 12_000
SEED = 7
LEGACY_WINDOW = 5_000


class CountingTransport(httpx.BaseTransport):
    """Counts the statuses the server answered, under the client's retry layer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.statuses: Counter[int] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.statuses[response.status_code] += 1
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
def app() -> FakeApp:
    """12,000 contacts, no faults, no limit: shared read-only by the tests that only read."""
    return create_app(api_keys=[KEY], contacts=CONTACTS, seed=SEED)


def _truth(app: FakeApp, **filters: Any) -> list[dict[str, Any]]:
    contacts: list[dict[str, Any]] = app.state.store.matching(**filters)
    return contacts


def _cli(args: list[str], transport: httpx.BaseTransport, fake_time: FakeTime) -> Result:
    overrides = CliOverrides(transport=transport, retry_policy=fake_time.policy())
    env = {"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": BASE_URL}
    return CliRunner().invoke(cli, args, env=env, obj=overrides)


def _jsonl(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def _assert_exactly_the_fakes_list(result: Result, truth: list[dict[str, Any]]) -> None:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # nothing surfaced to the user but the result
    printed = _jsonl(result)
    assert len(printed) == len(truth)
    assert len({c["id"] for c in printed}) == len(truth)
    assert printed == truth


def test_cli_lists_all_12000_contacts_past_the_legacy_window(
    app: FakeApp, fake_time: FakeTime
) -> None:
    counting = CountingTransport(SyncASGITransport(app))
    result = _cli(["list", "--all", "--format", "jsonl"], counting, fake_time)
    truth = _truth(app)
    assert len(truth) == CONTACTS > LEGACY_WINDOW
    _assert_exactly_the_fakes_list(result, truth)
    assert counting.statuses == {200: CONTACTS // 100}


def test_cli_with_filters_lists_exactly_the_matching_contacts(
    app: FakeApp, fake_time: FakeTime
) -> None:
    args = ["list", "--all", "--has-customer", "false", "--created-after", "2025-03-01T00:00:00Z"]
    result = _cli([*args, "--format", "jsonl"], SyncASGITransport(app), fake_time)
    truth = _truth(app, has_customer=False, created_after=datetime(2025, 3, 1, tzinfo=UTC))
    assert 0 < len(truth) < CONTACTS
    _assert_exactly_the_fakes_list(result, truth)


def test_cli_survives_30_percent_faults_with_every_contact_once(fake_time: FakeTime) -> None:
    faults = FaultConfig(rate=0.3, seed=SEED, kinds=("503", "502", "429", "500"))
    app = create_app(api_keys=[KEY], contacts=CONTACTS, seed=SEED, faults=faults)
    counting = CountingTransport(SyncASGITransport(app))
    result = _cli(["list", "--all", "--format", "jsonl"], counting, fake_time)
    _assert_exactly_the_fakes_list(result, _truth(app))
    failures = sum(n for status, n in counting.statuses.items() if status != 200)
    assert failures >= 30
    assert {502, 503, 429, 500} <= set(counting.statuses)
    assert failures / counting.statuses.total() == pytest.approx(0.3, abs=0.08)


def test_cli_under_a_per_minute_rate_limit_waits_instead_of_hitting_429(
    fake_time: FakeTime,
) -> None:
    app = create_app(
        api_keys=[KEY], contacts=CONTACTS, seed=SEED, rate_limit=50, clock=fake_time.monotonic
    )
    counting = CountingTransport(SyncASGITransport(app))
    result = _cli(["list", "--all", "--format", "jsonl"], counting, fake_time)
    _assert_exactly_the_fakes_list(result, _truth(app))
    assert counting.statuses == {200: 120}
    assert fake_time.sleeps == [60.0, 60.0]  # 120 requests at 50 a minute: two pauses


def test_cli_under_faults_and_a_rate_limit_together(fake_time: FakeTime) -> None:
    faults = FaultConfig(rate=0.3, seed=SEED + 1, kinds=("503", "502", "429"))
    app = create_app(
        api_keys=[KEY],
        contacts=CONTACTS,
        seed=SEED,
        rate_limit=40,
        faults=faults,
        clock=fake_time.monotonic,
    )
    counting = CountingTransport(SyncASGITransport(app))
    result = _cli(["list", "--all", "--format", "jsonl"], counting, fake_time)
    _assert_exactly_the_fakes_list(result, _truth(app))
    assert counting.statuses[200] == 120


def _sync_ids(app: FakeApp, fake_time: FakeTime) -> list[str]:
    with KapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=SyncASGITransport(app),
        retry_policy=fake_time.policy(),
    ) as kapso:
        return [str(c.id) for c in kapso.iter_contacts()]


async def _async_ids(app: FakeApp, fake_time: FakeTime) -> list[str]:
    async with AsyncKapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=httpx.ASGITransport(app=app),
        retry_policy=fake_time.policy(),
    ) as kapso:
        return [str(c.id) async for c in kapso.iter_contacts()]


def test_the_async_iterator_yields_the_same_sequence_as_the_sync_one(
    app: FakeApp, fake_time: FakeTime
) -> None:
    sync_ids = _sync_ids(app, fake_time)
    async_ids = anyio.run(_async_ids, app, fake_time)
    assert len(sync_ids) == CONTACTS
    assert async_ids == sync_ids == [c["id"] for c in _truth(app)]


@pytest.mark.anyio
async def test_the_async_iterator_survives_faults_too(fake_time: FakeTime) -> None:
    faults = FaultConfig(rate=0.3, seed=SEED, kinds=("503", "502", "429", "500"))
    app = create_app(api_keys=[KEY], contacts=3_000, seed=SEED, faults=faults)
    assert await _async_ids(app, fake_time) == [c["id"] for c in _truth(app)]
