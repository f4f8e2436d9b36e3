"""Pages and walks: envelopes, full pages both ways at every edge of the page size, legacy
slices, empty results, ties across boundaries, one record in every view."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from . import _pages
from ._api import Api, Walk
from ._data import Anchor, Edge, Window, page_sizes, size_edges, windows
from ._run import Run, suite_contract
from ._verdicts import promise, served_by

CONTRACT = suite_contract()
CURSOR, LEGACY = CONTRACT.pagination.cursor, CONTRACT.pagination.legacy
LIMITS = size_edges(CURSOR.limit)
PER_PAGES = size_edges(LEGACY.per_page)


@pytest.mark.promises(
    "x-kapso-pagination/cursor*", "x-kapso-order/*", "x-kapso-items/*", "responses/*"
)
def test_the_newest_items_are_listed_in_order_in_full_pages(anchor: Anchor) -> None:
    """The shared setup's reading of the newest items found no broken promise."""
    if anchor.problem is not None:
        raise anchor.problem


@pytest.mark.promises(
    "x-kapso-pagination",
    "x-kapso-pagination/*",
    "responses/200",
    "parameters/*/x-kapso-default",
    "/components/schemas/*",
)
def test_each_mode_answers_with_its_own_envelope(api: Api, anchor: Anchor) -> None:
    """A cursor page holds every cursor; a legacy page its meta and headers; a bare request, its
    mode's envelope."""
    contract = api.contract
    cursor = contract.pagination.cursor
    page = api.answered(api.get(**{cursor.limit.name: 3}), cursor.provenance, "a small cursor page")
    paths = (cursor.next, cursor.previous, cursor.first, cursor.last)
    missing = [p.path for p in paths if not p.present(page.body)]
    promise(not missing, cursor.provenance, f"a cursor page holds every cursor; missing {missing}")
    legacy, tie = contract.pagination.legacy, anchor.tie()  # ties, where the modes may differ
    window = anchor.window(tie[0] - 1, tie[1] + 1) if tie else anchor.widest()
    query = window.query() if window else {}
    old = api.get(**query, **{legacy.page.name: legacy.first_page, legacy.per_page.name: 3})
    if window is not None and old.status == contract.success_status:
        _pages.same_sequence(
            window.ids[:3], old.ids, "a legacy page of a window", legacy.provenance
        )
        last = legacy.first_page - 1 + -(-len(window.ids) // 3)
        _pages.link_next(contract, old.headers, legacy.first_page, last, old.url)
    api.answered(old, legacy.provenance, "a small legacy page")
    api.answered(api.raw([]), contract.pagination.bare.provenance, "a request with no parameter")


def _window_for(run: Run, anchor: Anchor, edge: Edge, promise_name: str) -> Window:
    for size in edge.windows:
        found = anchor.of_size(size)
        if found is not None:
            return found
    found = anchor.widest()
    if (
        (found is None or len(found.ids) <= edge.size)
        and anchor.full_pages
        and edge.id == "maximum"
    ):
        run.hit(promise_name, f"limit{edge.label} (the newest items, read by the shared setup)")
        pytest.skip("the shared setup read full pages of this size from the newest items")
    if found is None or len(found.ids) <= edge.size:
        why = f"the account holds {len(anchor.items)} items: no window of more than {edge.size}"
        run.miss(promise_name, edge.label, why)
        pytest.skip(why)
    return found


def check_forward(api: Api, walk: Walk, window: Window, size: int, what: str) -> None:
    """The walk lists the window once, in order, `previous` null on its first page."""
    cursor = api.contract.pagination.cursor
    _pages.same_sequence(window.ids, walk.ids, what, cursor.provenance)
    first = walk.pages[0]
    promise(
        first.previous is None,
        cursor.provenance,
        f"{what}: `previous` is null on the first page; got {first.previous!r}",
    )


def walk_back(api: Api, window: Window, forward: Walk, size: int | None, what: str) -> None:
    """From the last page back with `previous` as `before`: the same pages, `next` on each."""
    cursor = api.contract.pagination.cursor
    back = forward.pages[-1].previous
    for number in range(len(forward.pages) - 1, 0, -1):
        expected = forward.pages[number - 1]
        promise(
            isinstance(back, str),
            cursor.provenance,
            f"{what}: page {number + 1} has a `previous`; got {back!r}",
        )
        page = api.answered(
            api.get(**window.query(), **{cursor.limit.name: size, cursor.before.name: back}),
            cursor.provenance,
            f"{what}: `before` with an issued cursor",
        )
        promise(
            page.ids == expected.ids,
            cursor.full_pages if len(page.ids) != len(expected.ids) else cursor.provenance,
            f"{what}: `before` from page {number + 1} gives page {number} back ({len(expected.ids)}"
            f" items {expected.ids[:2]}); got {len(page.ids)}: {page.ids[:2]} (GET {page.url})",
        )
        promise(
            page.next is not None,
            cursor.provenance,
            f"{what}: a page reached with `before` has a `next` (GET {page.url})",
        )
        back = page.previous
        if number == 1:
            promise(
                back is None,
                cursor.provenance,
                f"{what}: `previous` is null on the first page; got {back!r} (GET {page.url})",
            )


@pytest.mark.cost("recipe")
@pytest.mark.promises(
    "x-kapso-pagination/cursor*",
    "parameters/*/x-kapso-provenance/*",
    "parameters/*/x-kapso-default",
)
@pytest.mark.parametrize("edge", LIMITS, ids=[e.id for e in LIMITS])
def test_cursor_pages_both_ways_at_every_edge_of_limit(
    run: Run, api: Api, enough: Anchor, edge: Edge
) -> None:
    """Forward with `next`, back with `previous`: full pages, null ends, the same pages."""
    window = _window_for(run, enough, edge, "pages")
    what = f"a cursor walk at limit{edge.label}"
    forward = api.walk(
        window.query(), edge.size, max_items=len(window.ids), size_once=edge.by_default
    )
    check_forward(api, forward, window, edge.size, what)
    walk_back(api, window, forward, None if edge.by_default else edge.size, what)
    run.hit("pages", f"limit{edge.label}")
    if len(window.ids) % edge.size == 0:
        run.hit("pages", "an exact multiple")
    if len(forward.pages) > 1:
        run.hit("before", f"limit{edge.label}")


@pytest.mark.cost("recipe", 1)
@pytest.mark.promises(
    "x-kapso-pagination/legacy*",
    "parameters/*/x-kapso-provenance/*",
    "parameters/*/x-kapso-default",
)
@pytest.mark.parametrize("edge", PER_PAGES, ids=[e.id for e in PER_PAGES])
def test_legacy_pages_are_slices_at_every_edge_of_per_page(
    run: Run, api: Api, enough: Anchor, edge: Edge
) -> None:
    """The first, the last and the largest page the limits allow are the window's slices."""
    contract = api.contract
    legacy = contract.pagination.legacy
    window = _window_for(run, enough, edge, "legacy")
    size, total = edge.size, len(window.ids)
    last = legacy.first_page + max(1, -(-total // size)) - 1
    largest = min(legacy.max_window.value // size, legacy.max_page or legacy.max_window.value)
    served = served_by(contract, {legacy.per_page.name: size}, legacy.provenance)
    for number in sorted({legacy.first_page, min(last, largest), largest}):
        sized = None if edge.by_default else size
        page = api.answered(
            api.get(**window.query(), **{legacy.page.name: number, legacy.per_page.name: sized}),
            served,
            f"legacy page {number}",
        )
        start = (number - legacy.first_page) * size
        counted = legacy.meta["total-count"].get(page.body)
        promise(
            page.ids == window.ids[start : start + size] and counted == total,
            legacy.provenance,
            f"legacy page {number} at per_page{edge.label} holds items {start + 1}.. of the"
            f" window's {total};"
            f" got {len(page.ids)} {page.ids[:1]}, {legacy.meta['total-count'].path}={counted}"
            f" (GET {page.url})",
        )
        _pages.link_next(contract, page.headers, number, min(last, largest), page.url)
    run.hit("legacy", f"per_page{edge.label}")


@pytest.mark.cost("recipe", 1)
@pytest.mark.promises(
    "x-kapso-pagination/cursor", "x-kapso-pagination/legacy", "parameters/*/x-kapso-filter"
)
def test_an_empty_result_is_an_empty_page_in_both_modes(run: Run, api: Api, enough: Anchor) -> None:
    """A window with no item: an empty cursor page with null cursors; a legacy page counting 0."""
    contract = api.contract
    cursor, legacy = contract.pagination.cursor, contract.pagination.legacy
    empty = enough.empty()
    if empty is None:
        run.miss("empty", "cursor and legacy", "no two of the newest items have different instants")
        pytest.skip("no empty window")
    page = api.answered(
        api.get(**empty.query(), **{cursor.limit.name: cursor.limit.maximum}),
        cursor.provenance,
        "an empty window",
    )
    set_ = [
        p.path
        for p in (cursor.next, cursor.previous, cursor.first, cursor.last)
        if p.get(page.body) is not None
    ]
    promise(
        not page.items and not set_,
        cursor.provenance,
        f"an empty page has null cursors; got {len(page.items)} items, {set_} set",
    )
    old = api.answered(
        api.get(**empty.query(), **{legacy.page.name: legacy.first_page}),
        legacy.provenance,
        "an empty legacy page",
    )
    counted = legacy.meta["total-count"].get(old.body)
    promise(
        not old.items and counted == 0,
        legacy.provenance,
        f"an empty legacy page counts 0; got {counted} (GET {old.url})",
    )
    run.hit("empty", "cursor and legacy")


@pytest.mark.cost("recipe", 1)
@pytest.mark.promises("x-kapso-order/*", "x-kapso-pagination/cursor*", "x-kapso-pagination/legacy")
def test_ties_are_broken_one_way_across_page_boundaries(run: Run, api: Api, enough: Anchor) -> None:
    """Items of one instant, a page each, both ways and in a legacy page: none lost, one order."""
    contract = api.contract
    group = enough.tie()
    if group is None:
        run.miss(
            "ties",
            "across page boundaries",
            f"no two of the newest {len(enough.items)} items share an instant",
        )
        pytest.skip("no ties among the newest items")
    tied = enough.window(group[0] - 1, group[1] + 1)
    size = contract.pagination.cursor.limit.minimum or 1
    what = f"a walk through {len(tied.ids)} items of one instant"
    forward = api.walk(tied.query(), size, max_items=len(tied.ids))
    check_forward(api, forward, tied, size, what)
    walk_back(api, tied, forward, size, what)
    legacy = contract.pagination.legacy
    per_page = legacy.per_page.maximum or len(tied.ids)
    old = api.answered(
        api.get(
            **tied.query(), **{legacy.page.name: legacy.first_page, legacy.per_page.name: per_page}
        ),
        legacy.provenance,
        "a legacy page of ties",
    )
    _pages.same_sequence(
        tied.ids[:per_page],
        old.ids,
        f"a legacy page of {len(tied.ids)} tied items",
        contract.order[-1].provenance,
    )
    run.hit("ties", "across cursor pages, both ways, and a legacy page")


@pytest.mark.cost("recipe", 1)
@pytest.mark.promises("x-kapso-items/identity", "x-kapso-pagination/legacy", "x-kapso-items/nulls")
def test_an_item_is_the_same_record_in_both_modes(run: Run, api: Api, enough: Anchor) -> None:
    """A window walked in cursor mode and in legacy mode: the same items, each the same record."""
    contract = api.contract
    window = enough.widest()
    assert window is not None
    legacy = contract.pagination.legacy
    walk = api.walk(
        window.query(), contract.pagination.cursor.limit.maximum or 20, max_items=len(window.ids)
    )
    old = api.legacy_walk(window.query(), legacy.per_page.maximum or 20, max_items=len(window.ids))
    _pages.same_sequence(walk.ids, old.ids, "the legacy walk of a window", legacy.provenance)
    run.hit("identity", "cursor and legacy walks")


@given(data=st.data())
@pytest.mark.promises("x-kapso-pagination/cursor*", "x-kapso-order/*")
def test_a_cursor_walk_lists_a_window_once_in_order(
    api: Api, enough: Anchor, data: st.DataObject
) -> None:
    """`next` lists any window once, in order, in full pages, at any page size."""
    window = data.draw(windows(enough), label="window")
    size = data.draw(page_sizes(api.contract.pagination.cursor.limit), label="limit")
    walk = api.walk(window.query(), size, max_items=len(window.ids))
    check_forward(api, walk, window, size, f"a cursor walk at limit={size}")


@given(data=st.data())
@pytest.mark.promises("x-kapso-pagination/legacy*", "x-kapso-pagination/cursor")
def test_legacy_walks_agree_with_cursor_walks(
    api: Api, enough: Anchor, data: st.DataObject
) -> None:
    """Both modes list the same items; meta and the headers count them."""
    contract = api.contract
    legacy = contract.pagination.legacy
    window = data.draw(windows(enough), label="window")
    per_page = data.draw(page_sizes(legacy.per_page), label="per_page")
    old = api.legacy_walk(window.query(), per_page, max_items=len(window.ids))
    what = f"a legacy walk at per_page={per_page}"
    _pages.same_sequence(window.ids, old.ids, what, legacy.provenance)
    for page in old.pages[:-1]:
        promise(
            len(page.items) == per_page,
            legacy.provenance,
            f"{what}: every page but the last is full (GET {page.url})",
        )
    for page in old.pages:
        counted = legacy.meta["total-count"].get(page.body)
        promise(
            counted == len(window.ids),
            legacy.provenance,
            f"{what} counts {len(window.ids)}; got {counted} (GET {page.url})",
        )


@given(data=st.data())
@pytest.mark.promises("x-kapso-pagination/cursor*")
def test_before_gives_the_page_back(api: Api, enough: Anchor, data: st.DataObject) -> None:
    """`previous` of page n+1, passed as `before`, gives page n back."""
    window = data.draw(windows(enough), label="window")
    size = data.draw(st.integers(1, max(1, len(window.ids) // 2)), label="limit")
    walk = api.walk(window.query(), size, max_items=len(window.ids))
    walk_back(api, window, Walk(walk.pages[:4]), size, f"a walk back at limit={size}")
