"""Cursor walks: no duplicates, no gaps, full pages, working cursors, agreement with legacy."""

from __future__ import annotations

import itertools
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tests import _checks, _pagechecks
from contract_tests._api import Api
from contract_tests._strategies import limits, windows
from contract_tests._walk import cursor_walk, legacy_walk
from contract_tests._windows import Anchor

MAX_BACK_STEPS = 3


@pytest.fixture(autouse=True)
def _enough_data(anchor: Anchor) -> None:
    if len(anchor.contacts) < 3:
        pytest.skip("the account holds fewer than 3 contacts: no window to cut")


@given(data=st.data())
def test_cursor_walk_has_no_duplicates_or_gaps_at_any_limit(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """Spec: `next` lists the window once, in order, in full pages, null at the end."""
    window = data.draw(windows(anchor), label="window")
    limit = data.draw(limits(), label="limit")
    walk = cursor_walk(api, window.query(), limit, window.max_contacts)
    _checks.same_sequence(window.ids, walk.ids, f"cursor walk at limit={limit}")
    _checks.pages_full_but_last(walk, limit, f"cursor walk at limit={limit}")
    first = walk.pages[0]
    if first.paging.get("previous") is not None:
        raise AssertionError(
            f"`previous` is null on the first page; got {first.paging['previous']!r}"
            f" (GET {first.url})"
        )


@given(data=st.data())
def test_order_is_newest_first_and_deterministic_on_ties(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """Spec: newest first by created_at, ties broken by id: the same order every time."""
    window = data.draw(windows(anchor), label="window")
    limit = data.draw(limits(), label="limit")
    walk = cursor_walk(api, window.query(), limit, window.max_contacts)
    _pagechecks.newest_first(walk.contacts)
    directions = set()
    contacts = walk.contacts
    for one, two in itertools.pairwise(contacts):
        if one["created_at"] == two["created_at"]:
            directions.add(str(one["id"]) < str(two["id"]))
    if len(directions) > 1:
        raise AssertionError("ties on created_at are broken by id, one direction; got both")
    again = cursor_walk(api, window.query(), limit, window.max_contacts)
    _checks.same_sequence(walk.ids, again.ids, "the same walk repeated")


@given(data=st.data())
def test_before_from_the_next_page_gives_the_page_back(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """Spec: pass `paging.previous` of page n+1 as `before` and get page n."""
    window = data.draw(windows(anchor), label="window")
    limit = data.draw(st.integers(1, max(1, window.max_contacts // 2)), label="limit")
    # Only the first pages are stepped back from: read no more of the walk than that.
    walk = cursor_walk(
        api, window.query(), limit, window.max_contacts, stop_after=MAX_BACK_STEPS + 1
    )
    pairs = list(zip(walk.pages, walk.pages[1:], strict=False))[:MAX_BACK_STEPS]
    for number, (page, following) in enumerate(pairs, start=1):
        previous = following.paging.get("previous")
        if not isinstance(previous, str):
            raise AssertionError(
                f"`previous` is a cursor on every page but the first; page {number + 1} has"
                f" {previous!r} (GET {following.url})"
            )
        back = api.list(**window.query(), limit=limit, before=previous).expect(
            200, "`before` with an issued cursor is a 200"
        )
        _checks.same_sequence(page.ids, back.ids, f"`before` from page {number + 1}")


@given(data=st.data())
def test_cursor_walk_agrees_with_legacy_walk(api: Api, anchor: Anchor, data: st.DataObject) -> None:
    """Facts: both modes list the same contacts; meta and X-Total* count them."""
    window = data.draw(windows(anchor), label="window")
    limit = data.draw(limits(), label="limit")
    per_page = data.draw(limits(), label="per_page")
    walk = cursor_walk(api, window.query(), limit, window.max_contacts)
    legacy = legacy_walk(api, window.query(), per_page, window.max_contacts)
    _checks.same_sequence(walk.ids, legacy.ids, f"legacy walk at per_page={per_page}")
    _checks.pages_full_but_last(legacy, per_page, f"legacy walk at per_page={per_page}")
    total = len(walk.ids)
    for number, page in enumerate(legacy.pages, start=1):
        query = {"page": number, "per_page": per_page}
        _pagechecks.envelope_matches_mode(query, page.headers, page.body)
        _pagechecks.legacy_totals(query, page.headers, page.body)
        if page.meta.get("total_count") != total:
            raise AssertionError(
                f"meta.total_count counts the filtered contacts ({total}); got"
                f" {page.meta.get('total_count')} (GET {page.url})"
            )
        link_rels = set(re.findall(r'rel="?([a-z]+)"?', page.headers.get("link", "")))
        pages = max(1, math.ceil(total / per_page))
        if ("next" in link_rels) != (number < pages):
            raise AssertionError(
                f"the Link header has rel=next exactly when a page follows; page {number} of"
                f" {pages} has rels {sorted(link_rels)} (GET {page.url})"
            )


def test_each_mode_answers_with_its_own_envelope(api: Api) -> None:
    """Spec: cursor `{data, paging}`; legacy `{data, meta}` + X-Total*/Link; bare: exactly one."""
    cursor = api.list(limit=3).expect(200, "limit=3 is a 200")
    _pagechecks.envelope_matches_mode({"limit": 3}, cursor.headers, cursor.body)
    missing = {"cursors", "next", "previous"} - set(cursor.paging)
    if missing:
        raise AssertionError(
            f"`paging` holds cursors, next and previous; missing {sorted(missing)}"
        )
    legacy = api.list(page=1, per_page=3).expect(200, "page=1&per_page=3 is a 200")
    _pagechecks.envelope_matches_mode({"page": 1, "per_page": 3}, legacy.headers, legacy.body)
    _pagechecks.legacy_totals({"page": 1, "per_page": 3}, legacy.headers, legacy.body)
    bare = api.list().expect(200, "a request with no parameter is a 200")
    _pagechecks.envelope_matches_mode({}, bare.headers, bare.body)
    _pagechecks.page_respects_size({}, bare.body)
