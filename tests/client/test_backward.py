"""Paging backwards: ``before``, ``previous_cursor``, ``get_previous_page()`` and backward walks."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from kapso_contacts import (
    AsyncContactPage,
    ContactPage,
    KapsoContacts,
    KapsoError,
    PaginationLoopError,
)
from kapso_fake import FakeApp, create_app
from kapso_fake.testing import SyncASGITransport

from .conftest import BASE_URL, KEY, Stub, async_kapso_on, contact, invoke_cli, kapso_on

TOTAL = 10


@pytest.fixture(scope="module")
def app() -> FakeApp:
    return create_app(api_keys=[KEY], contacts=TOTAL, seed=5)


@pytest.fixture(scope="module")
def truth(app: FakeApp) -> list[str]:
    """Every contact's id, newest first, as the fake stores them."""
    return [c["id"] for c in app.state.store.matching()]


def _ids(page: ContactPage | AsyncContactPage) -> list[str]:
    return [str(c.id) for c in page.data]


def test_the_previous_page_of_the_second_page_is_the_first(app: FakeApp, truth: list[str]) -> None:
    with kapso_on(app) as kapso:
        first = kapso.list_contacts(limit=3)
        assert not first.has_previous_page()
        assert first.previous_cursor is None
        second = first.get_next_page()
        assert _ids(second) == truth[3:6]
        assert second.has_previous_page()
        back = second.get_previous_page()
    assert _ids(back) == _ids(first) == truth[:3]
    assert back.query == {"limit": "3", "before": second.previous_cursor}


def test_a_saved_previous_cursor_is_usable_as_before(app: FakeApp, truth: list[str]) -> None:
    with kapso_on(app) as kapso:
        third = kapso.list_contacts(limit=3).get_next_page().get_next_page()
        saved = third.previous_cursor
        assert saved is not None
        page = kapso.list_contacts(limit=3, before=saved)
    assert _ids(page) == truth[3:6]


def test_asking_before_the_first_page_is_a_clear_error(app: FakeApp) -> None:
    with kapso_on(app) as kapso:
        first = kapso.list_contacts(limit=3)
        with pytest.raises(KapsoError, match="first page"):
            first.get_previous_page()


def test_a_walk_from_before_goes_back_to_the_newest_reading_away_from_the_cursor(
    app: FakeApp, truth: list[str]
) -> None:
    with kapso_on(app) as kapso:
        third = kapso.list_contacts(limit=3).get_next_page().get_next_page()
        cursor = third.previous_cursor
        assert cursor is not None
        pages = [_ids(page) for page in kapso.iter_pages(limit=3, before=cursor)]
        contacts = [str(c.id) for c in kapso.iter_contacts(limit=3, before=cursor)]
    assert pages == [truth[3:6], truth[0:3]]
    assert contacts == truth[:6][::-1]


def test_iterating_a_page_fetched_with_before_walks_back(app: FakeApp, truth: list[str]) -> None:
    with kapso_on(app) as kapso:
        second = kapso.list_contacts(limit=4).get_next_page()
        assert second.previous_cursor is not None
        back = kapso.list_contacts(limit=2, before=second.previous_cursor)
        walked = [str(c.id) for c in back]
    assert walked == truth[:4][::-1]


@pytest.mark.anyio
async def test_async_pages_backwards_name_for_name(app: FakeApp, truth: list[str]) -> None:
    async with async_kapso_on(app) as kapso:
        first = await kapso.list_contacts(limit=3)
        second = await first.get_next_page()
        back = await second.get_previous_page()
        assert not back.has_previous_page() and second.has_previous_page()
        third = await second.get_next_page()
        cursor = third.previous_cursor
        assert cursor is not None
        pages = [_ids(page) async for page in kapso.iter_pages(limit=3, before=cursor)]
        contacts = [str(c.id) async for c in kapso.iter_contacts(limit=3, before=cursor)]
        with pytest.raises(KapsoError, match="first page"):
            await back.get_previous_page()
    assert _ids(back) == truth[:3]
    assert pages == [truth[3:6], truth[0:3]]
    assert contacts == truth[:6][::-1]


def _looping_backwards() -> Stub:
    """Pages whose previous cursor is always the same: a server walking back in a circle."""
    stub = Stub()
    body: dict[str, Any] = {
        "data": [contact(1)],
        "paging": {"cursors": {"before": None, "after": None}, "next": None, "previous": "YQ=="},
    }
    stub.script += [httpx.Response(200, json=body)] * 3
    return stub


def test_a_backward_walk_handed_the_same_cursor_twice_stops() -> None:
    stub = _looping_backwards()
    kapso = KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport())
    with kapso, pytest.raises(PaginationLoopError):
        list(kapso.iter_contacts(before="Yg=="))
    assert len(stub.requests) == 2


def test_the_cli_pages_back_with_before_and_hints_the_next_cursor_back(
    app: FakeApp, truth: list[str]
) -> None:
    with kapso_on(app) as kapso:
        third = kapso.list_contacts(limit=3).get_next_page().get_next_page()
        second = third.get_previous_page()
    result = invoke_cli(
        ["list", "--limit", "3", "--before", str(third.previous_cursor)], SyncASGITransport(app)
    )
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == truth[3:6]
    assert result.stderr == f"More contacts: add --before {second.previous_cursor} or --all.\n"


def test_the_cli_walks_back_with_all_and_before(app: FakeApp, truth: list[str]) -> None:
    with kapso_on(app) as kapso:
        third = kapso.list_contacts(limit=3).get_next_page().get_next_page()
    args = ["list", "--all", "--limit", "3", "--before", str(third.previous_cursor)]
    result = invoke_cli(args, SyncASGITransport(app))
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == truth[:6][::-1]


def test_the_cli_refuses_before_with_after_as_the_spec_does(app: FakeApp) -> None:
    result = invoke_cli(["list", "--after", "YQ==", "--before", "Yg=="], SyncASGITransport(app))
    assert result.exit_code == 2
    assert "cannot be used together" in result.stderr
    assert result.stdout == ""
