"""Pages over any contract: both ways, past the legacy window, tolerant, never looping."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import httpx
import pytest
from kapso_contacts_api.api.contacts import list_contacts as raw_list_contacts
from kapso_contacts_api.models import ContactList
from kapso_contacts_api.types import Unset

from kapso_contacts import (
    AsyncKapsoContacts,
    AsyncListClient,
    AsyncPage,
    KapsoContacts,
    KapsoError,
    ListClient,
    Page,
    PaginationLoopError,
)
from kapso_contacts.contract import Contract, default_contract
from kapso_fake import FakeApp, create_app
from kapso_fake.server import transport

from .conftest import BASE_URL, KEY, Stub, contact, contract_with, cursor_body, offset_cursor

CONTRACT = default_contract()
TOTAL = 10


def _ids(count: int, start: int = 0) -> list[str]:
    return [contact(i)["id"] for i in range(start, start + count)]


def _stubbed(stub: Stub) -> KapsoContacts:
    return KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport())


@pytest.fixture(scope="module")
def app() -> FakeApp:
    return create_app(api_keys=[KEY], contacts=TOTAL, seed=5)


@pytest.fixture(scope="module")
def truth(app: FakeApp) -> list[str]:
    """Every contact's id, newest first, as the fake stores them."""
    return [item["id"] for item in app.store.listing()]


def _on(app: FakeApp) -> KapsoContacts:
    return KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=transport(app))


def _page_ids(page: Page[Any] | AsyncPage[Any]) -> list[str]:
    return [item["id"] for item in page.raw_data]


# --------------------------------------------------------------------------- forward


def test_iter_contacts_yields_every_contact_once_sending_the_last_next_cursor_as_after() -> None:
    stub = Stub(total=5)
    with _stubbed(stub) as kapso:
        ids = [str(c.id) for c in kapso.iter_contacts(limit=2, has_customer=True)]
    assert ids == _ids(5)
    assert [dict(r.url.params) for r in stub.requests] == [
        {"limit": "2", "has_customer": "true"},
        {"limit": "2", "has_customer": "true", "after": offset_cursor(2)},
        {"limit": "2", "has_customer": "true", "after": offset_cursor(4)},
    ]


@pytest.mark.anyio
async def test_async_pages_name_for_name() -> None:
    stub = Stub(total=5)
    async with AsyncKapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as k:
        pages = [page async for page in k.iter_pages(limit=2)]
        first = await k.list_contacts(limit=2)
        second = await first.get_next_page()
        rest = [str(c.id) async for c in second]
    assert [len(p.data) for p in pages] == [2, 2, 1]
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert rest == _ids(3, start=2)


def test_one_page_asks_for_the_documented_default_and_a_walk_for_the_maximum() -> None:
    stub = Stub(total=500)
    with _stubbed(stub) as kapso:
        kapso.list_contacts()
        next(kapso.iter_pages())
        list(kapso.iter_contacts(limit=7))
    limit = CONTRACT.pagination.cursor.limit
    sent = [r.url.params["limit"] for r in stub.requests]
    assert sent[:2] == [str(limit.default), str(limit.maximum)]
    assert not any("page" in r.url.params or "per_page" in r.url.params for r in stub.requests)


def test_a_page_fetches_the_next_and_iterating_it_walks_the_rest() -> None:
    with _stubbed(Stub(total=5)) as kapso:
        first = kapso.list_contacts(limit=2)
        second = first.get_next_page()
        assert [str(c.id) for c in second] == _ids(3, start=2)
        assert first.next_cursor == second.query["after"] == offset_cursor(2)
        last = second.get_next_page()
        assert not last.has_next_page()
        with pytest.raises(KapsoError, match="last page; check has_next_page"):
            last.get_next_page()
    assert repr(first) == f"Page(items=2, next_cursor={offset_cursor(2)!r})"


def test_an_empty_listing_is_one_request_and_nothing() -> None:
    stub = Stub(total=0)
    with _stubbed(stub) as kapso:
        assert list(kapso.iter_contacts()) == []
    assert len(stub.requests) == 1


def test_a_walk_holds_one_page_at_a_time() -> None:
    with _stubbed(Stub(total=60)) as kapso:
        pages = kapso.iter_pages(limit=10)
        next(pages)
        second = weakref.ref(next(pages))
        for _ in range(3):
            next(pages)
        gc.collect()
        assert second() is None


@pytest.mark.parametrize(
    "cursors",
    [[offset_cursor(1), offset_cursor(1)], [offset_cursor(1), offset_cursor(2), offset_cursor(1)]],
)
def test_a_cursor_handed_back_twice_raises_instead_of_looping(cursors: list[str]) -> None:
    stub = Stub()
    stub.script += [
        httpx.Response(200, json=cursor_body([contact(i)], c)) for i, c in enumerate(cursors)
    ]
    with _stubbed(stub) as kapso, pytest.raises(PaginationLoopError, match="already returned"):
        list(kapso.iter_contacts(limit=1))
    assert len(stub.requests) == len(cursors)


@pytest.mark.anyio
async def test_a_next_cursor_equal_to_the_starting_one_is_a_loop_async_too() -> None:
    start = offset_cursor(9)
    stub = Stub()
    stub.script += [httpx.Response(200, json=cursor_body([contact(1)], start)) for _ in "ab"]
    with _stubbed(stub) as kapso, pytest.raises(PaginationLoopError):
        list(kapso.iter_contacts(after=start))
    async with AsyncKapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as k:
        with pytest.raises(PaginationLoopError):
            _ = [c async for c in k.iter_contacts(after=start)]
    assert len(stub.requests) == 2


# --------------------------------------------------------------------------- backward


def test_the_previous_page_of_the_second_is_the_first(app: FakeApp, truth: list[str]) -> None:
    with _on(app) as kapso:
        first = kapso.list_contacts(limit=3)
        assert not first.has_previous_page()
        second = first.get_next_page()
        back = second.get_previous_page()
        with pytest.raises(KapsoError, match="first page"):
            first.get_previous_page()
    assert _page_ids(second) == truth[3:6]
    assert _page_ids(back) == _page_ids(first) == truth[:3]
    assert back.query == {"limit": "3", "before": second.previous_cursor}


def test_a_walk_from_before_goes_back_to_the_newest_reading_away_from_the_cursor(
    app: FakeApp, truth: list[str]
) -> None:
    with _on(app) as kapso:
        third = kapso.list_contacts(limit=3).get_next_page().get_next_page()
        cursor = third.previous_cursor
        assert cursor is not None
        pages = [_page_ids(page) for page in kapso.iter_pages(limit=3, before=cursor)]
        contacts = [str(c.id) for c in kapso.iter_contacts(limit=3, before=cursor)]
        walked = [str(c.id) for c in kapso.list_contacts(limit=2, before=cursor)]
    assert pages == [truth[3:6], truth[0:3]]
    assert contacts == walked == truth[:6][::-1]


@pytest.mark.anyio
async def test_async_walks_back_name_for_name(app: FakeApp, truth: list[str]) -> None:
    async with AsyncKapsoContacts(
        api_key=KEY, base_url=BASE_URL, transport=httpx.ASGITransport(app=app)
    ) as kapso:
        second = await (await kapso.list_contacts(limit=3)).get_next_page()
        back = await second.get_previous_page()
        third = await second.get_next_page()
        assert third.previous_cursor is not None
        contacts = [
            str(c.id) async for c in kapso.iter_contacts(limit=3, before=third.previous_cursor)
        ]
    assert _page_ids(back) == truth[:3]
    assert contacts == truth[:6][::-1]


# --------------------------------------------------------------------------- a tolerant reader


@pytest.mark.parametrize(
    "readings",
    [{"x-kapso-items/nulls": "omitted"}, {"x-kapso-pagination/one-envelope": False}],
    ids=["nulls-omitted", "meta-on-cursor-pages"],
)
def test_the_responses_other_readings_parse_everywhere(readings: dict[str, Any]) -> None:
    """Issue 20: null fields left out, or ``meta`` on a cursor page, break no client."""
    app = create_app(api_keys=[KEY], contacts=40, seed=8, readings=readings)
    with _on(app) as kapso:
        page = kapso.list_contacts(limit=40)
        generated = raw_list_contacts.sync(client=kapso.api, limit=40)
    assert isinstance(generated, ContactList)
    assert [str(c.id) for c in generated.data] == [str(c.id) for c in page.data]
    omitted = [raw for raw in page.raw_data if "display_name" not in raw]
    if "x-kapso-items/nulls" in readings:
        assert omitted, "the reading leaves null fields out"
    else:
        assert not isinstance(generated.meta, Unset), "the reading adds meta to cursor pages"
    nulls = [model for model, raw in zip(page.data, page.raw_data, strict=True) if raw in omitted]
    assert all(model.display_name is None for model in nulls)  # None, not UNSET


def test_a_missing_nullable_field_is_none_and_a_missing_other_field_is_fine() -> None:
    minimal = {"id": contact(1)["id"], "created_at": "2025-03-26T15:05:00Z", "brand_new": [1]}
    stub = Stub()
    body = {**cursor_body([minimal], None), "meta": {"total_count": 1}}
    stub.script.append(httpx.Response(200, json=body))
    with _stubbed(stub) as kapso:
        (model,) = kapso.list_contacts().data
    assert (model.wa_id, model.customer_id, model.metadata, model.display_name) == (None,) * 4
    assert isinstance(model.profile_name, Unset)  # not nullable: left unset, not invented
    assert model.additional_properties == {"brand_new": [1]}


# --------------------------------------------------------------------------- any contract


def _renamed(spec: dict[str, Any]) -> None:
    """Another member of the family: items under ``results``, the next cursor at ``paging.more``."""
    schemas = spec["components"]["schemas"]
    listing, paging = schemas["ContactList"], schemas["CursorPaging"]
    listing["properties"]["results"] = listing["properties"].pop("data")
    listing["required"] = ["results"]
    paging["properties"]["more"] = paging["properties"].pop("next")
    paging["required"] = ["cursors", "more", "previous"]
    pagination = spec["paths"]["/whatsapp/contacts"]["get"]["x-kapso-pagination"]
    pagination["items"], pagination["cursor"]["next"] = "results", "paging.more"


@pytest.fixture(scope="module")
def renamed() -> tuple[Contract, FakeApp]:
    contract = contract_with(_renamed)
    return contract, create_app(api_keys=[KEY], contract=contract, contacts=5_150, seed=4)


def test_list_client_walks_any_contracts_envelope_past_the_legacy_window(
    renamed: tuple[Contract, FakeApp],
) -> None:
    contract, app = renamed
    window = contract.pagination.legacy.max_window.value
    with ListClient(
        contract=contract, api_key=KEY, base_url=BASE_URL, transport=transport(app)
    ) as c:
        first = c.list(limit=3)
        items = list(c.iter_items())
        pages = sum(1 for _ in c.iter_pages(limit=100))
    assert first.next_cursor is not None and first.data == first.raw_data
    assert len(items) == 5_150 > window
    assert [item["id"] for item in items] == [item["id"] for item in app.store.listing()]
    assert pages == 52
    assert all(name not in ("page", "per_page") for r in app.requests for name, _ in r.query)


@pytest.mark.anyio
async def test_async_list_client_walks_it_too(renamed: tuple[Contract, FakeApp]) -> None:
    contract, app = renamed
    async with AsyncListClient(
        contract=contract, api_key=KEY, base_url=BASE_URL, transport=httpx.ASGITransport(app=app)
    ) as client:
        first = await client.list(limit=2)
        ids = [item["id"] async for item in client.iter_items(limit=100)]
        pages = [page async for page in client.iter_pages(after=first.next_cursor)]
    assert len(ids) == 5_150
    assert sum(len(page.data) for page in pages) == 5_148
