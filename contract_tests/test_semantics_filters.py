"""Filters are sound and complete, with the meanings the contract gives them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from . import _budget, _filter_model, _walk_checks
from ._api import Api
from ._coverage import Coverage
from ._findings import promise
from ._recipes import recipes
from ._spec import identity_field, suite_contract
from ._strategies import filter_sets, non_ascii_case_needles, page_sizes, real_values, windows
from ._walk import cursor_walk, largest_page, window_walk
from ._windows import Anchor, Window, bounded, bounds, created, window

CONTRACT = suite_contract()
RECIPES = recipes(CONTRACT)
OFFSETS = (0, 330, -300, 60, -720)
CASE_INSENSITIVE = sorted(
    name
    for name, rule in CONTRACT.filters.items()
    if rule.match == "contains" and rule.case_insensitive
)


@pytest.fixture(autouse=True)
def _enough_data(anchor: Anchor) -> None:
    if len(anchor.contacts) < 3:
        pytest.skip("the account holds fewer than 3 contacts: no window to cut")


@given(data=st.data())
def test_filters_are_sound_and_complete(
    api: Api, anchor: Anchor, coverage: Coverage, data: st.DataObject
) -> None:
    """Every filter (AND) keeps exactly the matching contacts of the same window."""
    contract = api.contract
    window = data.draw(windows(anchor), label="window")
    filters = data.draw(filter_sets(contract, window.expected or anchor.contacts), label="filters")
    limit = data.draw(page_sizes(contract.pagination.cursor.limit), label="limit")
    unfiltered = window_walk(api, window.query(), window.max_contacts)
    filtered = cursor_walk(api, {**window.query(), **filters}, limit, window.max_contacts)
    _walk_checks.sound_and_complete(
        contract, filters, unfiltered.contacts, filtered.contacts, "filtered walk"
    )
    coverage.hit("filters", "drawn filters")


def _newest(anchor: Anchor, api: Api) -> Window:
    """The window of the newest contacts (about one page of the largest size)."""
    return window(anchor, 0, min(len(anchor.contacts) - 1, largest_page(api) - 1))


@pytest.mark.parametrize("name", CASE_INSENSITIVE)
@given(data=st.data())
def test_name_filter_folds_the_case_of_every_letter(
    api: Api, anchor: Anchor, coverage: Coverage, name: str, data: st.DataObject
) -> None:
    """A case-insensitive filter folds any Unicode letter, not ASCII only.

    A piece of a real value around a non-ASCII cased letter (É, Ø, Σ, Ł, ...),
    upper-cased, lower-cased or swapped, finds exactly the window's contacts
    whose value contains it case-insensitively (both case readings agreeing).
    """
    rule = api.contract.filters[name]
    newest = _newest(anchor, api)
    needles = non_ascii_case_needles(real_values(newest.expected, rule.field))
    if needles is None:
        why = f"no {rule.field} among the newest contacts has a non-ASCII cased letter"
        coverage.miss("case-folding", name, why)
        pytest.skip(why)
    value, needle = data.draw(needles, label="value, needle")
    assume(_filter_model.name_match(needle, value) is True)
    filters = {name: needle}
    size = largest_page(api)
    unfiltered = window_walk(api, newest.query(), newest.max_contacts)
    filtered = cursor_walk(api, {**newest.query(), **filters}, size, newest.max_contacts)
    _walk_checks.sound_and_complete(
        api.contract, filters, unfiltered.contacts, filtered.contacts, "filtered walk"
    )
    coverage.hit("case-folding", name)


@given(data=st.data())
def test_date_bounds_are_exclusive_at_real_boundaries(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """Both bounds are exclusive; offsets compare as instants; a microsecond wider takes them in."""
    contract = api.contract
    after, before = bounds(contract)
    key = identity_field(contract)
    size = largest_page(api)
    window = data.draw(windows(anchor), label="window")
    offset = data.draw(st.sampled_from(OFFSETS), label="utc_offset_minutes")
    walk = cursor_walk(api, window.query(offset), size, window.max_contacts)
    for contact in walk.contacts:
        at = created(contract, contact)
        if at in (window.after, window.before):
            rule = after if at == window.after else before
            promise(
                False,
                rule.provenance,
                f"{rule.parameter} is exclusive: a contact created exactly at the bound is not"
                f" returned; got {_filter_model.describe(contract, contact)}"
                f" (GET {walk.pages[-1].url})",
            )
    _walk_checks.same_sequence(
        window.ids, walk.ids, f"window walk (UTC offset {offset} min)", after.provenance
    )
    # One microsecond wider on each side takes in the contacts at the bounds.
    tick = timedelta(microseconds=1)
    wider = bounded(contract, window.after - tick, window.before + tick)
    at_bounds = [
        c for c in anchor.contacts if created(contract, c) in (window.after, window.before)
    ]
    expected = sorted({str(c[key]) for c in [*window.expected, *at_bounds]})
    wide = cursor_walk(api, wider, size, len(expected))
    missing = sorted(set(expected) - set(wide.ids))
    promise(
        sorted(wide.ids) == expected,
        after.provenance if missing else before.provenance,
        "a bound one microsecond past a contact's creation time takes that contact in;"
        f" missing {missing[:3]}, extra {sorted(set(wide.ids) - set(expected))[:3]}",
    )


@_budget.cost(_budget.RECIPE)
@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_each_filter_is_sound_and_complete_on_the_newest_contacts(
    api: Api, anchor: Anchor, coverage: Coverage, recipe: str
) -> None:
    """Each filter's meaning, checked on a window of the newest contacts with a real value."""
    newest = _newest(anchor, api)
    filters = RECIPES[recipe](newest.expected)
    if filters is None:
        why = f"no contact in the newest window to cut a {recipe!r} value from"
        coverage.miss("filters", recipe, why)
        pytest.skip(why)
    unfiltered = window_walk(api, newest.query(), newest.max_contacts)
    filtered = cursor_walk(
        api, {**newest.query(), **filters}, largest_page(api), newest.max_contacts
    )
    _walk_checks.sound_and_complete(
        api.contract, filters, unfiltered.contacts, filtered.contacts, "filtered walk"
    )
    coverage.hit("filters", recipe)
