"""Filters are sound and complete, with the meanings the docs give them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from contract_tests import _budget, _checks, _model
from contract_tests._api import Api
from contract_tests._recipes import RECIPES
from contract_tests._strategies import filter_sets, limits, non_ascii_case_needles, windows
from contract_tests._walk import cursor_walk, window_walk
from contract_tests._windows import Anchor, Window, window

OFFSETS = (0, 330, -300, 60, -720)


@pytest.fixture(autouse=True)
def _enough_data(anchor: Anchor) -> None:
    if len(anchor.contacts) < 3:
        pytest.skip("the account holds fewer than 3 contacts: no window to cut")


@given(data=st.data())
def test_filters_are_sound_and_complete(api: Api, anchor: Anchor, data: st.DataObject) -> None:
    """Docs: every filter (AND) keeps exactly the matching contacts of the same window."""
    window = data.draw(windows(anchor), label="window")
    filters = data.draw(filter_sets(window.expected or anchor.contacts), label="filters")
    limit = data.draw(limits(), label="limit")
    unfiltered = window_walk(api, window.query(), window.max_contacts)
    filtered = cursor_walk(api, {**window.query(), **filters}, limit, window.max_contacts)
    _checks.sound_and_complete(filters, unfiltered.contacts, filtered.contacts, "filtered walk")


def _newest(anchor: Anchor) -> Window:
    """The window of the newest contacts (about 100 of them: one page at limit 100)."""
    return window(anchor, 0, min(len(anchor.contacts) - 1, 99))


@given(data=st.data())
def test_name_filter_folds_the_case_of_every_letter(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """Spec: profile_name_contains is case-insensitive for any Unicode text, not ASCII only.

    A piece of a real name around a non-ASCII cased letter (É, Ø, Σ, Ł, ...),
    upper-cased, lower-cased or swapped, finds exactly the window's contacts
    whose names contain it case-insensitively (both case readings agreeing).
    """
    newest = _newest(anchor)
    needles = non_ascii_case_needles(newest.expected)
    if needles is None:
        pytest.skip("no name among the newest contacts has a non-ASCII cased letter")
    name, needle = data.draw(needles, label="name, needle")
    assume(_model.name_match(needle, name) is True)
    filters = {"profile_name_contains": needle}
    unfiltered = window_walk(api, newest.query(), newest.max_contacts)
    filtered = cursor_walk(api, {**newest.query(), **filters}, 100, newest.max_contacts)
    _checks.sound_and_complete(filters, unfiltered.contacts, filtered.contacts, "filtered walk")


@given(data=st.data())
def test_date_bounds_are_exclusive_at_real_boundaries(
    api: Api, anchor: Anchor, data: st.DataObject
) -> None:
    """Spec: created_after/created_before are exclusive, offsets compare as instants."""
    window = data.draw(windows(anchor), label="window")
    offset = data.draw(st.sampled_from(OFFSETS), label="utc_offset_minutes")
    walk = cursor_walk(api, window.query(offset), 100, window.max_contacts)
    for contact in walk.contacts:
        created = _model.parse_instant(str(contact["created_at"]))
        if created in (window.after, window.before):
            bound = "created_after" if created == window.after else "created_before"
            raise AssertionError(
                f"{bound} is exclusive: a contact created exactly at the bound is not returned;"
                f" got {_model.describe(contact)} (GET {walk.pages[-1].url})"
            )
    _checks.same_sequence(window.ids, walk.ids, f"window walk (UTC offset {offset} min)")
    # One microsecond wider on each side takes in the contacts at the bounds.
    tick = timedelta(microseconds=1)
    wider = {"created_after": window.after - tick, "created_before": window.before + tick}
    at_bounds = [
        c
        for c in anchor.contacts
        if _model.parse_instant(str(c["created_at"])) in (window.after, window.before)
    ]
    expected = sorted(
        {str(c["id"]) for c in [*window.expected, *at_bounds]},
    )
    wide = cursor_walk(api, wider, 100, len(expected))
    if sorted(wide.ids) != expected:
        missing = sorted(set(expected) - set(wide.ids))
        raise AssertionError(
            "a bound one microsecond past a contact's created_at takes that contact in;"
            f" missing {missing[:3]}, extra {sorted(set(wide.ids) - set(expected))[:3]}"
        )


@_budget.cost(_budget.WALK)
@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_each_filter_is_sound_and_complete_on_the_newest_contacts(
    api: Api, anchor: Anchor, recipe: str
) -> None:
    """Docs: each filter's meaning, checked on a window of the newest contacts with a real value."""
    newest = _newest(anchor)
    filters = RECIPES[recipe](newest.expected)
    if filters is None:
        pytest.skip(f"no contact in the newest window to cut a {recipe!r} value from")
    unfiltered = window_walk(api, newest.query(), newest.max_contacts)
    filtered = cursor_walk(api, {**newest.query(), **filters}, 100, newest.max_contacts)
    _checks.sound_and_complete(filters, unfiltered.contacts, filtered.contacts, "filtered walk")
