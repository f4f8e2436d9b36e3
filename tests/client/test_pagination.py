"""Auto-pagination over cursors: every contact once, page by page, never legacy mode."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import httpx
import pytest

from kapso_contacts import (
    AsyncContactPage,
    AsyncKapsoContacts,
    ContactPage,
    KapsoContacts,
    KapsoError,
    PaginationLoopError,
)

from .conftest import BASE_URL, KEY, Stub, contact, cursor_body, offset_cursor


def _sync(stub: Stub) -> KapsoContacts:
    return KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport())


def _async(stub: Stub) -> AsyncKapsoContacts:
    return AsyncKapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport())


def _ids(count: int, start: int = 0) -> list[str]:
    return [contact(i)["id"] for i in range(start, start + count)]


def test_iter_contacts_yields_every_contact_once_in_order() -> None:
    stub = Stub(total=250)
    with _sync(stub) as kapso:
        ids = [str(c.id) for c in kapso.iter_contacts()]
    assert ids == _ids(250)
    assert len(stub.requests) == 3


@pytest.mark.anyio
async def test_async_iter_contacts_yields_every_contact_once_in_order() -> None:
    stub = Stub(total=250)
    async with _async(stub) as kapso:
        ids = [str(c.id) async for c in kapso.iter_contacts()]
    assert ids == _ids(250)
    assert len(stub.requests) == 3


def test_each_request_sends_limit_and_the_previous_next_cursor_as_after() -> None:
    stub = Stub(total=5)
    with _sync(stub) as kapso:
        list(kapso.iter_contacts(limit=2, has_customer=True))
    sent = [dict(r.url.params) for r in stub.requests]
    assert sent == [
        {"limit": "2", "has_customer": "true"},
        {"limit": "2", "has_customer": "true", "after": offset_cursor(2)},
        {"limit": "2", "has_customer": "true", "after": offset_cursor(4)},
    ]


def test_never_sends_legacy_page_or_per_page() -> None:
    stub = Stub(total=30)
    with _sync(stub) as kapso:
        list(kapso.iter_contacts(limit=7))
        kapso.list_contacts()
    for request in stub.requests:
        assert "page" not in request.url.params
        assert "per_page" not in request.url.params
        assert "limit" in request.url.params


def test_iter_pages_gives_page_by_page_access() -> None:
    stub = Stub(total=5)
    with _sync(stub) as kapso:
        pages = list(kapso.iter_pages(limit=2))
    assert [len(p.data) for p in pages] == [2, 2, 1]
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert all(isinstance(p, ContactPage) for p in pages)


@pytest.mark.anyio
async def test_async_iter_pages_gives_page_by_page_access() -> None:
    stub = Stub(total=5)
    async with _async(stub) as kapso:
        pages = [p async for p in kapso.iter_pages(limit=2)]
    assert [len(p.data) for p in pages] == [2, 2, 1]
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert all(isinstance(p, AsyncContactPage) for p in pages)


def test_a_page_fetches_the_next_and_iterating_it_walks_the_rest() -> None:
    stub = Stub(total=5)
    with _sync(stub) as kapso:
        first = kapso.list_contacts(limit=2)
        assert [str(c.id) for c in first.data] == _ids(2)
        second = first.get_next_page()
        assert [str(c.id) for c in second.data] == _ids(2, start=2)
        assert [str(c.id) for c in second] == _ids(3, start=2)
        assert first.next_cursor == second.query["after"] == offset_cursor(2)


@pytest.mark.anyio
async def test_async_page_fetches_the_next_and_iterating_it_walks_the_rest() -> None:
    stub = Stub(total=5)
    async with _async(stub) as kapso:
        first = await kapso.list_contacts(limit=2)
        second = await first.get_next_page()
        assert [str(c.id) for c in second.data] == _ids(2, start=2)
        assert [str(c.id) async for c in second] == _ids(3, start=2)


def test_asking_past_the_last_page_is_a_clear_error() -> None:
    with _sync(Stub(total=1)) as kapso:
        page = kapso.list_contacts()
        assert not page.has_next_page()
        with pytest.raises(KapsoError, match="last page"):
            page.get_next_page()


@pytest.mark.anyio
async def test_async_asking_past_the_last_page_is_a_clear_error() -> None:
    async with _async(Stub(total=1)) as kapso:
        page = await kapso.list_contacts()
        with pytest.raises(KapsoError, match="last page"):
            await page.get_next_page()


def test_a_walk_can_start_after_a_cursor() -> None:
    stub = Stub(total=5)
    with _sync(stub) as kapso:
        ids = [str(c.id) for c in kapso.iter_contacts(limit=2, after=offset_cursor(3))]
    assert ids == _ids(2, start=3)


def test_an_empty_result_is_one_request_and_no_contacts() -> None:
    stub = Stub(total=0)
    with _sync(stub) as kapso:
        assert list(kapso.iter_contacts()) == []
    assert len(stub.requests) == 1


def _looping_stub(cycle: list[str | None]) -> Stub:
    """Pages whose next cursors follow ``cycle`` (repeating), whatever was asked."""
    stub = Stub()
    for index, cursor in enumerate(cycle):
        body = cursor_body([contact(index)], cursor)
        stub.script.append(httpx.Response(200, json=body))
    return stub


@pytest.mark.parametrize(
    "cursors",
    [
        [offset_cursor(1), offset_cursor(1)],  # the same next cursor twice in a row
        [offset_cursor(1), offset_cursor(2), offset_cursor(1)],  # back to an older one
    ],
)
def test_a_cursor_handed_back_twice_raises_instead_of_looping(cursors: list[str | None]) -> None:
    stub = _looping_stub(cursors)
    seen: list[Any] = []
    with _sync(stub) as kapso, pytest.raises(PaginationLoopError) as caught:
        seen.extend(kapso.iter_contacts(limit=1))
    assert caught.value.cursor == cursors[-1]
    assert "already returned" in str(caught.value)
    assert len(stub.requests) == len(cursors)


def test_a_next_cursor_equal_to_the_starting_cursor_is_a_loop() -> None:
    start = offset_cursor(9)
    stub = _looping_stub([start])
    with _sync(stub) as kapso, pytest.raises(PaginationLoopError):
        list(kapso.iter_contacts(after=start))
    assert len(stub.requests) == 1


@pytest.mark.anyio
async def test_async_a_cursor_handed_back_twice_raises_instead_of_looping() -> None:
    stub = _looping_stub([offset_cursor(1), offset_cursor(1)])
    async with _async(stub) as kapso:
        with pytest.raises(PaginationLoopError):
            _ = [c async for c in kapso.iter_contacts(limit=1)]


def test_a_walk_holds_one_page_at_a_time() -> None:
    stub = Stub(total=60)
    with _sync(stub) as kapso:
        pages = kapso.iter_pages(limit=10)
        next(pages)  # the first page stays referenced by the walk
        second = weakref.ref(next(pages))
        for _ in range(3):
            next(pages)
        gc.collect()
        assert second() is None


def test_page_repr_is_short() -> None:
    with _sync(Stub(total=3)) as kapso:
        page = kapso.list_contacts(limit=2)
    assert repr(page) == f"ContactPage(contacts=2, next_cursor={offset_cursor(2)!r})"
