"""Filters keep exactly the items their meaning says: alone, in pairs (the AND of the two, also
when both cannot match), in walks of several pages, with bounds in every spelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapso_contacts.contract import assess, parse_rfc3339

from . import _pages
from ._api import Api, Walk
from ._data import (
    SPELLINGS,
    UNKNOWN,
    Anchor,
    Spelling,
    Window,
    bounds,
    filter_sets,
    instant_of,
    page_sizes,
    real_values,
    windows,
)
from ._run import Run, suite_contract
from ._verdicts import explained, promise, served_verdict

CONTRACT = suite_contract()
WINDOW = bounds(CONTRACT)
FILTERS = [name for name, rule in CONTRACT.filters.items() if not (WINDOW and rule in WINDOW)]
PAIRS = [(a, b) for i, a in enumerate(FILTERS) for b in FILTERS[i + 1 :]]
#: The page size of walks meant to span several pages.
SMALL = max(CONTRACT.pagination.cursor.limit.minimum or 1, 7)
needs_window = pytest.mark.skipif(
    WINDOW is None, reason="the contract has no bounds on its order's first key"
)


def newest(api: Api, anchor: Anchor) -> Window:
    """The window of the newest items (about a page of the largest size)."""
    size = api.contract.pagination.cursor.limit.maximum or 20
    return anchor.window(0, min(len(anchor.items) - 1, size - 1))


def largest(api: Api) -> int:
    """The largest page size of cursor mode."""
    return api.contract.pagination.cursor.limit.maximum or 20


def values_of(api: Api, window: Window, name: str) -> list[Any]:
    """The values a filter's kind finds worth trying among the window's items."""
    rule = api.contract.filters[name]
    found = rule.meaning.samples(real_values(window.expected, rule))
    fields = real_values(window.expected, rule)
    chosen = found[:1] or ([UNKNOWN] if rule.meaning.value == "text" else [])
    for wrong in rule.meaning.breakages.values():  # a value that tells each misreading apart
        telling = (v for v in found if any(wrong(f, v) != rule.meaning.keeps(f, v) for f in fields))
        chosen += [v for v in [next(telling, None)] if v is not None and v not in chosen]
    return chosen


def filtered(
    api: Api, window: Window, filters: dict[str, Any], size: int, what: str
) -> Walk | None:
    """The filtered walk of a window, held to the window's walk filtered by the contract.

    Returns None when the contract refuses the query (a rule): the refusal is checked instead.
    """
    contract = api.contract
    query = api.query(**filters)
    first = api.get(**window.query(), **filters, **{contract.pagination.cursor.limit.name: size})
    if assess(contract, query, readable=api.knows).refused:
        api.answered(first, contract.pagination.cursor.provenance, what)
        return None
    reference = api.walk(window.query(), largest(api), max_items=len(window.ids))
    walk = api.walk({**window.query(), **filters}, size, max_items=len(window.ids))
    explained(
        contract,
        lambda c: _pages.filtered_as_reference(
            c, served_verdict(c, query, None).filters(c), reference.items, walk.items, what
        ),
        api.known,
    )
    return walk


@needs_window
@pytest.mark.cost("recipe")
@pytest.mark.promises("parameters/*/x-kapso-filter", "x-kapso-query/*")
@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_keeps_exactly_its_items(run: Run, api: Api, enough: Anchor, name: str) -> None:
    """Each value its kind finds worth trying, on the newest window: sound, complete, in order."""
    window = newest(api, enough)
    rule = api.contract.filters[name]
    boolean = rule.meaning.value == "boolean"
    values = [True, False] if boolean else values_of(api, window, name)
    if not values:
        run.miss("filters", name, "no value to try among the newest items")
        pytest.skip(f"no value of {name} to try")
    walks = [
        filtered(api, window, {name: value}, largest(api), f"the walk filtered by {name}")
        for value in values
    ]
    if boolean and all(walk is not None for walk in walks):  # true and false split the window
        yes, no = (set(walk.ids) for walk in walks if walk is not None)
        promise(
            not yes & no and yes | no == set(window.ids),
            rule.provenance,
            f"{name}=true and {name}=false split the window of {len(window.ids)} items;"
            f" {len(yes & no)} are in both, {len(set(window.ids) - yes - no)} in neither",
        )
    run.hit("filters", name)


@needs_window
@pytest.mark.cost("recipe", 2)
@pytest.mark.promises("parameters/*/x-kapso-filter", "x-kapso-rules/*")
@pytest.mark.parametrize(("one", "two"), PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
def test_each_pair_of_filters_is_the_and_of_the_two(
    run: Run, api: Api, enough: Anchor, one: str, two: str
) -> None:
    """A pair's walk of several pages is the intersection of the two filters' walks."""
    window = newest(api, enough)
    first, second = values_of(api, window, one), values_of(api, window, two)
    if not first or not second:
        pytest.skip("no value to try for one of the filters")
    pair = {one: first[0], two: second[-1]}
    walk = filtered(api, window, pair, SMALL, f"the walk filtered by {one} and {two}")
    if walk is None:
        return
    singles = [
        filtered(api, window, {name: value}, largest(api), f"the walk filtered by {name}")
        for name, value in pair.items()
    ]
    if any(single is None for single in singles):
        return
    both = set(singles[1].ids) if singles[1] else set()
    expected = [key for key in (singles[0].ids if singles[0] else []) if key in both]
    why = api.contract.filters[one].provenance
    _pages.same_sequence(
        expected, walk.ids, f"the walk filtered by {one} and {two} (the AND of each's walk)", why
    )
    run.hit("filters", "pairs (AND)")


def _straddled(anchor: Anchor, spelling: Spelling) -> tuple[int, int] | None:
    """Two anchor items a few apart, each alone at its instant, that the spelling can straddle."""
    times = [anchor.instant(i) for i in range(len(anchor.items))]
    last = min(60, len(times) - 2)

    def fits(i: int) -> bool:
        return times[i - 1] != times[i] != times[i + 1] and spelling.around(times[i]) is not None

    def closed(i: int) -> bool:
        # The bound written above it stays at or below the newest instant the run has seen:
        # an item created since (a live account) cannot fall inside the window.
        around = spelling.around(times[i])
        return around is not None and parse_rfc3339(around[1]).floor <= times[0]

    for newer in range(min(4, last), last):
        if fits(newer) and closed(newer):
            for older in range(newer + 3, last + 1):
                if fits(older):
                    return newer, older
    return None


@needs_window
@pytest.mark.cost("recipe", 1)
@pytest.mark.promises(
    "parameters/*/x-kapso-filter", "parameters/*/schema", "x-kapso-query/date-times/*"
)
@pytest.mark.parametrize("spelling", SPELLINGS, ids=[s.label for s in SPELLINGS])
def test_bounds_hold_in_every_spelling(
    run: Run, api: Api, enough: Anchor, spelling: Spelling
) -> None:
    """Both bounds in one RFC 3339 spelling, at or just either side of real instants: exactly
    the items strictly between the instants they denote."""
    contract = api.contract
    assert WINDOW is not None
    lower, upper = WINDOW
    found = _straddled(enough, spelling)
    if found is None:
        run.miss(
            "date-bounds",
            spelling.label,
            f"no item among the newest is at an instant {spelling.label} cannot write",
        )
        pytest.skip(f"no instant for {spelling.label}")
    newer, older = (spelling.around(enough.instant(i)) for i in found)
    assert newer is not None and older is not None
    cases = (
        [(older[1], newer[0])]
        if spelling.digits == 6
        else [(older[0], newer[1]), (older[1], newer[0])]
    )
    for low, high in cases:
        pairs = [
            (lower.parameter, low),
            (upper.parameter, high),
            (contract.pagination.cursor.limit.name, str(largest(api))),
        ]
        reply = api.answered(
            api.raw(pairs),
            contract.parameters[lower.parameter].source_of("format"),
            f"bounds spelled {spelling.label}",
        )
        what = f"the window {low} .. {high} ({spelling.label})"

        def check(
            c: Any, pairs: list[tuple[str, str]] = pairs, reply: Any = reply, what: str = what
        ) -> None:
            values = assess(c, pairs).filters(c)
            _pages.filtered_as_reference(c, values, enough.items, reply.items, what)

        explained(contract, check, api.known)
    run.hit("date-bounds", spelling.label)


@needs_window
@given(data=st.data())
@pytest.mark.promises("parameters/*/x-kapso-filter")
def test_bounds_are_exclusive_instants_in_any_offset(
    api: Api, enough: Anchor, data: st.DataObject
) -> None:
    """Items at a bound are left out in any UTC offset; a microsecond wider takes them in."""
    assert WINDOW is not None
    lower, upper = WINDOW
    window = data.draw(windows(enough), label="window")
    offset = data.draw(st.sampled_from([0, 330, -300, 60, -720]), label="utc_offset_minutes")
    walk = api.walk(window.query(offset), largest(api), max_items=len(window.ids))
    _pages.same_sequence(
        window.ids, walk.ids, f"a window in UTC offset {offset} min", lower.provenance
    )
    tick = timedelta(microseconds=1)
    wider = api.walk(
        {lower.parameter: window.after - tick, upper.parameter: window.before + tick},
        largest(api),
        max_items=len(enough.items),
    )
    at = [
        str(i[api.contract.identity])
        for i in enough.items
        if instant_of(api.contract, i) in (window.after, window.before)
    ]
    missing = sorted(set(at) - set(wider.ids))
    promise(
        not missing,
        lower.provenance,
        f"a bound a microsecond past an item takes it in; missing {missing[:3]}",
    )


@needs_window
@given(data=st.data())
@pytest.mark.promises("parameters/*/x-kapso-filter")
def test_drawn_filters_keep_exactly_their_items(
    api: Api, enough: Anchor, data: st.DataObject
) -> None:
    """One to three drawn filters (AND), any page size: the window's walk filtered."""
    window = data.draw(windows(enough), label="window")
    filters = data.draw(filter_sets(api.contract, window.expected or enough.items), label="filters")
    size = data.draw(page_sizes(api.contract.pagination.cursor.limit), label="limit")
    filtered(api, window, filters, size, "a drawn filtered walk")


@pytest.mark.ground_truth
@pytest.mark.promises("parameters/*/x-kapso-filter")
@given(data=st.data())
def test_filtered_walks_equal_the_fakes_own_listing(
    run: Run, api: Api, data: st.DataObject
) -> None:
    """(Embedded fake) any filters, hidden fields included, list exactly what the store holds."""
    from kapso_fake import linked_value

    contract, store = api.contract, run.target.app.store
    items = store.listing()
    filters = data.draw(filter_sets(contract, items[:200]), label="filters")
    for rule in [f for f in contract.filters.values() if f.hidden and f.through][:1]:
        linked = [item for item in items if item.get(str(rule.through))]
        use: bool = data.draw(st.booleans(), label=f"a real {rule.parameter}")
        if linked and use:
            item = data.draw(st.sampled_from(linked), label="linked item")
            filters[rule.parameter] = linked_value(rule, item[str(rule.through)])
    try:
        truth = [str(i[contract.identity]) for i in store.listing(**filters)]
    except ValueError:
        return  # a value the contract refuses: the refusal checks cover it
    walk = api.walk(filters, largest(api), max_items=len(items) + 10)
    _pages.same_sequence(
        truth,
        walk.ids,
        f"the walk filtered by {sorted(filters)}",
        contract.pagination.cursor.provenance,
    )
