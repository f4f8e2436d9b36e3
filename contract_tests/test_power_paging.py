"""Paging checked both ways at every edge, deterministically: what a lucky draw may miss.

Each recipe reads its page sizes and pages from the contract, cuts its window
from the anchor (the newest contacts) to the size that edge needs (an exact
multiple of the page size where it says so) and checks both directions of
each promise: never more than the page size, never fewer while contacts
remain; `next` null exactly on the last page, `previous` exactly on the
first. What the data cannot exercise (no ties, too few contacts) is recorded
as unchecked, with why, for the run's coverage summary: never a silent pass.
"""

from __future__ import annotations

import pytest

from kapso_contacts.contract import Contract

from . import _budget, _walk_checks
from ._api import Api
from ._both_ways import (
    LimitEdge,
    check_empty_cursor_page,
    check_forward,
    limit_edges,
    record,
    walk_back,
)
from ._coverage import Coverage
from ._findings import promise
from ._response_checks import legacy_totals, one_page
from ._spec import suite_contract
from ._walk import cursor_walk
from ._windows import Anchor, Window, created, widest_window, window, window_of_size

CONTRACT = suite_contract()
EDGES = limit_edges(CONTRACT)


def _window_for(anchor: Anchor, edge: LimitEdge, coverage: Coverage) -> Window:
    """The window an edge is walked over; skips (recorded) when the data is too small."""
    for size in edge.windows:
        found = window_of_size(anchor, size)
        if found is not None:
            return found
    found = widest_window(anchor)
    if found is None or len(found.ids) <= edge.size:
        why = (
            f"the newest {len(anchor.contacts)} contacts hold no window of more than"
            f" {edge.size}: no full page while contacts remain"
        )
        coverage.miss("pages", edge.label, why)
        pytest.skip(why)
    return found


@_budget.cost(_budget.RECIPE)
@pytest.mark.parametrize("edge", EDGES, ids=[edge.id for edge in EDGES])
def test_cursor_pages_both_ways_at_every_edge_of_limit(
    api: Api, anchor: Anchor, coverage: Coverage, edge: LimitEdge
) -> None:
    """Forward with `next`, back with `previous`: full pages, null ends, the same pages."""
    window = _window_for(anchor, edge, coverage)
    what = f"cursor walk at {edge.label}"
    forward = cursor_walk(
        api, window.query(), edge.size, window.max_contacts, limit_once=edge.by_default
    )
    check_forward(api.contract, forward, window, edge.size, what)
    walk_back(api, window, forward, edge, what, follow=edge.id == EDGES[0].id)
    record(coverage, window, forward, edge)


def _empty_window(anchor: Anchor) -> Window | None:
    for newer in range(len(anchor.contacts) - 1):
        found = window(anchor, newer, newer + 1)
        if found.after < found.before and not found.expected:
            return found
    return None


@_budget.cost(_budget.RECIPE)
def test_an_empty_result_is_an_empty_page_in_both_modes(
    api: Api, anchor: Anchor, coverage: Coverage
) -> None:
    """A window with no contact: an empty cursor page with null cursors; a legacy page of 0."""
    contract = api.contract
    cursor, legacy = contract.pagination.cursor, contract.pagination.legacy
    empty = _empty_window(anchor)
    if empty is None:
        coverage.miss("empty", "", "no two of the newest contacts were created at different times")
        pytest.skip("no empty window between two of the newest contacts")
    size = cursor.limit.maximum or cursor.limit.default
    page = api.list(**empty.query(), **{cursor.limit.name: size}).served(
        "a cursor page of an empty window is served", cursor.provenance
    )
    one_page(contract, page.verdict(), page.headers, page.body)
    check_empty_cursor_page(contract, page)
    per_page = legacy.per_page.maximum or legacy.per_page.default
    old = api.list(
        **empty.query(), **{legacy.page.name: legacy.first_page, legacy.per_page.name: per_page}
    ).served("a legacy page of an empty window is served", legacy.provenance)
    one_page(contract, old.verdict(), old.headers, old.body)
    counted = legacy.meta["total-count"].get(old.body)
    promise(
        not old.contacts and counted == 0,
        legacy.provenance,
        f"an empty window is an empty legacy page counting 0; got {len(old.contacts)} contacts,"
        f" {legacy.meta['total-count'].path}={counted} (GET {old.url})",
    )
    _walk_checks.link_next(contract, old, legacy.first_page, 0)
    coverage.hit("empty", "cursor", "legacy")


def _per_page_edges(contract: Contract) -> list[tuple[str, int | None]]:
    per_page = contract.pagination.legacy.per_page
    low = per_page.minimum if per_page.minimum is not None else 1
    found: list[tuple[str, int | None]] = [("minimum", low), ("default", None)]
    if per_page.maximum is not None:
        found += [("maximum-1", per_page.maximum - 1), ("maximum", per_page.maximum)]
    return found


PER_PAGE_EDGES = _per_page_edges(CONTRACT)


def _largest_page(contract: Contract, per_page: int) -> int:
    legacy = contract.pagination.legacy
    largest = legacy.max_window // per_page
    return min(largest, legacy.max_page) if legacy.max_page is not None else largest


@_budget.cost(_budget.RECIPE)
@pytest.mark.parametrize(
    ("edge", "per_page"), PER_PAGE_EDGES, ids=[edge for edge, _ in PER_PAGE_EDGES]
)
def test_legacy_pages_at_the_first_last_and_largest_page(
    api: Api, anchor: Anchor, coverage: Coverage, edge: str, per_page: int | None
) -> None:
    """Legacy pages are slices of the listing: the first, the last and the largest allowed.

    Each holds exactly its slice of the window (the last its remainder, a page
    past the data none), `meta` and the headers count the window, `Link` has
    `next` exactly when a page follows. The default size is not sent.
    """
    contract = api.contract
    legacy = contract.pagination.legacy
    size = per_page if per_page is not None else int(legacy.per_page.default)
    widest = widest_window(anchor)
    if edge == "maximum-1":
        # Just under the maximum, an exact multiple: the last page is full, nothing follows.
        widest = window_of_size(anchor, 2 * size) or window_of_size(anchor, size) or widest
    if widest is None or not widest.ids:
        coverage.miss("legacy", f"per_page {edge}", "the account holds fewer than 3 contacts")
        pytest.skip("no window to page")
    total = len(widest.ids)
    last = max(legacy.first_page, -(-total // size) + legacy.first_page - 1)
    largest = _largest_page(contract, size)
    numbers = sorted({legacy.first_page, min(last, largest), largest})
    if edge == "default":
        numbers = [n for n in numbers if n > legacy.first_page][:1] or numbers[:1]
    elif edge == "maximum-1":
        numbers = [min(last, largest)]
    sized = {} if per_page is None else {legacy.per_page.name: size}
    for number in numbers:
        page = api.list(**widest.query(), **{legacy.page.name: number}, **sized).served(
            f"legacy page {number} within the documented limits is served", legacy.provenance
        )
        verdict = page.verdict()
        one_page(contract, verdict, page.headers, page.body)
        legacy_totals(contract, verdict, page.headers, page.body)
        start = (number - legacy.first_page) * size
        expected = widest.ids[start : start + size]
        counted = legacy.meta["total-count"].get(page.body)
        promise(
            page.ids == expected and counted == total,
            legacy.provenance,
            f"legacy page {number} at {legacy.per_page.name}={size} holds contacts"
            f" {start + 1}-{start + len(expected)} of the window's {total}; got {len(page.ids)}"
            f" (first {page.ids[:1]}, expected {expected[:1]}),"
            f" {legacy.meta['total-count'].path}={counted} (GET {page.url})",
        )
        _walk_checks.link_next(contract, page, number, min(last, largest))
        where = "first" if number == legacy.first_page else "last" if number == last else "largest"
        exact = ["exact multiple"] if number == last and total % size == 0 else []
        coverage.hit("legacy", f"per_page {edge}", f"{where} page", *exact)


def _tie_group(anchor: Anchor) -> tuple[int, int] | None:
    """(start, end) of the first run of anchor contacts sharing a creation time, inside it."""
    contract = anchor.contract
    times = [created(contract, contact) for contact in anchor.contacts]
    start = 1
    while start < len(times) - 2:
        end = start
        while end + 1 < len(times) and times[end + 1] == times[start]:
            end += 1
        if end > start and end + 1 < len(times) and times[start - 1] != times[start]:
            return start, end
        start = end + 1
    return None


@_budget.cost(_budget.RECIPE)
def test_ties_are_broken_one_way_across_page_boundaries(
    api: Api, anchor: Anchor, coverage: Coverage
) -> None:
    """Contacts created at one instant, a page each: none lost or repeated, either way, any mode."""
    contract = api.contract
    cursor, legacy = contract.pagination.cursor, contract.pagination.legacy
    group = _tie_group(anchor)
    if group is None:
        why = f"no two of the newest {len(anchor.contacts)} contacts share a creation time"
        coverage.miss("ties", "", why)
        pytest.skip(why)
    start, end = group
    tied = window(anchor, start - 1, end + 1)
    size = cursor.limit.minimum or 1
    edge = LimitEdge("ties", size, (len(tied.ids),))
    what = f"a walk through {len(tied.ids)} contacts created at one instant at {edge.label}"
    forward = cursor_walk(api, tied.query(), size, tied.max_contacts)
    check_forward(contract, forward, tied, size, what)
    walk_back(api, tied, forward, edge, what)
    old = api.list(
        **tied.query(),
        **{legacy.page.name: legacy.first_page, legacy.per_page.name: legacy.per_page.maximum},
    ).served("a legacy page of tied contacts is served", legacy.provenance)
    _walk_checks.same_sequence(
        tied.ids,
        old.ids,
        f"legacy page of {len(tied.ids)} tied contacts",
        contract.order[-1].provenance,
    )
    coverage.hit("ties", "after boundary", "before boundary", "legacy page")
