"""Cursor walks: no duplicates, no gaps, full pages, working cursors, agreement with legacy."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from . import _response_checks, _walk_checks
from ._api import Api
from ._findings import promise
from ._strategies import page_sizes, windows
from ._walk import cursor_walk, legacy_walk
from ._windows import Anchor

MAX_BACK_STEPS = 3


@pytest.fixture(autouse=True)
def _enough_data(anchor: Anchor) -> None:
    if len(anchor.contacts) < 3:
        pytest.skip("the account holds fewer than 3 contacts: no window to cut")


@given(data=st.data())
def test_cursor_walk_has_no_duplicates_or_gaps_at_any_limit(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """`next` lists the window once, in order, in full pages, null at the end."""
    cursor = api.contract.pagination.cursor
    window = data.draw(windows(anchor), label="window")
    limit = data.draw(page_sizes(cursor.limit), label="limit")
    walk = cursor_walk(api, window.query(), limit, window.max_contacts)
    what = f"cursor walk at {cursor.limit.name}={limit}"
    _walk_checks.same_sequence(window.ids, walk.ids, what, cursor.provenance)
    _walk_checks.pages_full_but_last(api.contract, walk, limit, what)
    first = walk.pages[0]
    promise(
        first.previous is None,
        cursor.provenance,
        f"`{cursor.previous.path}` is null on the first page; got {first.previous!r}"
        f" (GET {first.url})",
    )


@given(data=st.data())
def test_order_is_the_contracts_and_deterministic_on_ties(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """The contract's order (newest first), ties broken by the next key in one direction."""
    contract = api.contract
    window = data.draw(windows(anchor), label="window")
    limit = data.draw(page_sizes(contract.pagination.cursor.limit), label="limit")
    walk = cursor_walk(api, window.query(), limit, window.max_contacts)
    _response_checks.in_order(contract, walk.contacts)
    again = cursor_walk(api, window.query(), limit, window.max_contacts)
    _walk_checks.same_sequence(
        walk.ids, again.ids, "the same walk repeated", contract.order[-1].provenance
    )


@given(data=st.data())
def test_before_from_the_next_page_gives_the_page_back(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """Pass `previous` of page n+1 as `before` and get page n."""
    cursor = api.contract.pagination.cursor
    window = data.draw(windows(anchor), label="window")
    smallest = cursor.limit.minimum or 1
    limit = data.draw(st.integers(smallest, max(smallest, window.max_contacts // 2)), label="limit")
    # Only the first pages are stepped back from: read no more of the walk than that.
    walk = cursor_walk(
        api, window.query(), limit, window.max_contacts, stop_after=MAX_BACK_STEPS + 1
    )
    pairs = list(zip(walk.pages, walk.pages[1:], strict=False))[:MAX_BACK_STEPS]
    for number, (page, following) in enumerate(pairs, start=1):
        previous = following.previous
        promise(
            isinstance(previous, str),
            cursor.provenance,
            f"`{cursor.previous.path}` is a cursor on every page but the first; page"
            f" {number + 1} has {previous!r} (GET {following.url})",
        )
        back = api.list(
            **window.query(), **{cursor.limit.name: limit, cursor.before.name: previous}
        ).served(f"`{cursor.before.name}` with an issued cursor is served", cursor.provenance)
        promise(
            page.ids == back.ids,
            cursor.provenance,
            f"`{cursor.before.name}` from page {number + 1} gives page {number} back;"
            f" got {back.ids[:3]}..., expected {page.ids[:3]}... (GET {back.url})",
        )


@given(data=st.data())
def test_cursor_walk_agrees_with_legacy_walk(api: Api, anchor: Anchor, data: st.DataObject) -> None:
    """Both modes list the same contacts; `meta` and the legacy headers count them."""
    contract = api.contract
    legacy = contract.pagination.legacy
    window = data.draw(windows(anchor), label="window")
    limit = data.draw(page_sizes(contract.pagination.cursor.limit), label="limit")
    per_page = data.draw(page_sizes(legacy.per_page), label="per_page")
    walk = cursor_walk(api, window.query(), limit, window.max_contacts)
    old = legacy_walk(api, window.query(), per_page, window.max_contacts)
    what = f"legacy walk at {legacy.per_page.name}={per_page}"
    _walk_checks.same_sequence(walk.ids, old.ids, what, legacy.provenance)
    _walk_checks.pages_full_but_last(contract, old, per_page, what)
    total = len(walk.ids)
    pages = max(legacy.first_page, math.ceil(total / per_page))
    for number, page in enumerate(old.pages, start=legacy.first_page):
        verdict = page.verdict()
        _response_checks.envelope_matches_mode(contract, verdict, page.headers, page.body)
        _response_checks.legacy_totals(contract, verdict, page.headers, page.body)
        counted = legacy.meta["total-count"].get(page.body)
        promise(
            counted == total,
            legacy.provenance,
            f"{legacy.meta['total-count'].path} counts the filtered contacts ({total}); got"
            f" {counted} (GET {page.url})",
        )
        _walk_checks.link_next(contract, page, number, pages)


def test_each_mode_answers_with_its_own_envelope(api: Api) -> None:
    """Cursor: its envelope with every cursor; legacy: `meta` and headers; bare: the bare mode."""
    contract = api.contract
    cursor, legacy = contract.pagination.cursor, contract.pagination.legacy
    size = 3
    page = api.list(**{cursor.limit.name: size}).served(
        f"{cursor.limit.name}={size} is served", cursor.provenance
    )
    _response_checks.envelope_matches_mode(contract, page.verdict(), page.headers, page.body)
    missing = [
        path.path
        for path in (cursor.next, cursor.previous, cursor.first, cursor.last)
        if not _present(page.body, path.parts)
    ]
    promise(
        not missing, cursor.provenance, f"`{cursor.envelope}` holds every cursor; missing {missing}"
    )
    query = {legacy.page.name: legacy.first_page, legacy.per_page.name: size}
    old = api.list(**query).served(f"{query} is served", legacy.provenance)
    _response_checks.envelope_matches_mode(contract, old.verdict(), old.headers, old.body)
    _response_checks.legacy_totals(contract, old.verdict(), old.headers, old.body)
    bare = api.list().served("a request with no parameter is served", contract.pagination.bare)
    _response_checks.envelope_matches_mode(contract, bare.verdict(), bare.headers, bare.body)
    _response_checks.page_respects_size(contract, bare.verdict(), bare.body)


def _present(body: object, parts: tuple[str, ...]) -> bool:
    """Whether the field at `parts` is there (null counts as there)."""
    for part in parts:
        if not isinstance(body, dict) or part not in body:
            return False
        body = body[part]
    return True
