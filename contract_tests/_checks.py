"""Assertions over whole walks (the metamorphic relations of the semantic layer)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from contract_tests import _model
from contract_tests._walk import Walk


def no_duplicates(ids: list[str], what: str) -> None:
    """A walk lists each contact once."""
    twice = [cid for cid, n in Counter(ids).items() if n > 1]
    if twice:
        raise AssertionError(
            f"{what} lists each contact once; {len(twice)} came twice: {twice[:3]}"
        )


def same_sequence(expected: list[str], got: list[str], what: str) -> None:
    """Two listings hold the same contacts in the same order."""
    if expected == got:
        return
    no_duplicates(got, what)
    missing = [cid for cid in expected if cid not in set(got)]
    extra = [cid for cid in got if cid not in set(expected)]
    if missing:
        raise AssertionError(f"{what} has no gaps; {len(missing)} missing, e.g. {missing[:3]}")
    if extra:
        raise AssertionError(f"{what} holds only the expected contacts; extra: {extra[:3]}")
    first = next(i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b)
    raise AssertionError(
        f"{what} keeps one deterministic order; position {first} holds {got[first]},"
        f" expected {expected[first]}"
    )


def pages_full_but_last(walk: Walk, size: int, what: str) -> None:
    """Every page but the last holds `size` contacts; `next` is null exactly on the last."""
    last_page = walk.pages[-1]
    if "paging" in last_page.body and len(walk.pages) > 1 and not last_page.contacts:
        raise AssertionError(
            f"{what}: `next` is null exactly at the end; page {len(walk.pages) - 1} pointed"
            f" to an empty page (GET {last_page.url})"
        )
    for number, page in enumerate(walk.pages[:-1], start=1):
        if len(page.contacts) != size:
            raise AssertionError(
                f"{what}: every page but the last is full ({size}); page {number} held"
                f" {len(page.contacts)} (GET {page.url})"
            )


def sound_and_complete(
    filters: dict[str, Any],
    unfiltered: list[dict[str, Any]],
    filtered: list[dict[str, Any]],
    what: str,
) -> None:
    """Docs: a filtered listing is exactly the unfiltered one, filtered (AND of every filter)."""
    shown = ", ".join(f"{name}={value!r}" for name, value in filters.items())
    ids = [str(c["id"]) for c in filtered]
    no_duplicates(ids, what)
    window_ids = [str(c["id"]) for c in unfiltered]
    for contact in filtered:
        if str(contact["id"]) not in set(window_ids):
            raise AssertionError(
                f"{what} [{shown}] returns only contacts of the unfiltered window; got"
                f" {_model.describe(contact)}"
            )
        if _model.matches(contact, filters) is False:
            bad = next(n for n, v in filters.items() if _model.filter_match(contact, n, v) is False)
            raise AssertionError(
                f"filter {bad}={filters[bad]!r} is sound (with {shown}); got"
                f" {_model.describe(contact)}"
            )
    for contact in unfiltered:
        if _model.matches(contact, filters) is True and str(contact["id"]) not in set(ids):
            raise AssertionError(
                f"filters [{shown}] are complete; {_model.describe(contact)} matches but was"
                " not returned"
            )
    order = [cid for cid in window_ids if cid in set(ids)]
    same_sequence(order, ids, f"{what} [{shown}]")
    if "customer_external_id" in filters:
        customers = {c.get("customer_id") for c in filtered}
        if len(customers) > 1:
            raise AssertionError(
                f"customer_external_id={filters['customer_external_id']!r} names one customer;"
                f" got contacts of {len(customers)} customers"
            )
