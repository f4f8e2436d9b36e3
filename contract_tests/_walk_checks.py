"""What whole walks must be (the metamorphic relations of the semantic layer)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from kapso_contacts.contract import Contract, Provenance

from . import _filter_model
from ._api import Reply
from ._findings import promise
from ._spec import identity_field
from ._walk import Walk


def no_duplicates(ids: list[str], what: str, provenance: Provenance) -> None:
    """A walk lists each contact once."""
    twice = [cid for cid, n in Counter(ids).items() if n > 1]
    promise(
        not twice,
        provenance,
        f"{what} lists each contact once; {len(twice)} came twice: {twice[:3]}",
    )


def same_sequence(expected: list[str], got: list[str], what: str, provenance: Provenance) -> None:
    """Two listings hold the same contacts in the same order (`provenance`: the rule saying so)."""
    if expected == got:
        return
    no_duplicates(got, what, provenance)
    missing = [cid for cid in expected if cid not in set(got)]
    extra = [cid for cid in got if cid not in set(expected)]
    promise(
        not missing,
        provenance,
        f"{what} has no gaps; {len(missing)} missing, e.g. {missing[:3]}",
    )
    promise(not extra, provenance, f"{what} holds only the expected contacts; extra: {extra[:3]}")
    first = next(i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b)
    promise(
        False,
        provenance,
        f"{what} keeps one deterministic order; position {first} holds {got[first]},"
        f" expected {expected[first]}",
    )


def pages_full_but_last(contract: Contract, walk: Walk, size: int, what: str) -> None:
    """Every page but the last holds `size` contacts; a cursor walk ends without an empty page."""
    cursor = contract.pagination.cursor
    last_page = walk.pages[-1]
    ended_empty = bool(last_page.envelope(cursor.envelope)) and not last_page.contacts
    promise(
        not (ended_empty and len(walk.pages) > 1),
        cursor.full_pages,
        f"{what}: `next` is null exactly at the end; page {len(walk.pages) - 1} pointed"
        f" to an empty page (GET {last_page.url})",
    )
    for number, page in enumerate(walk.pages[:-1], start=1):
        promise(
            len(page.contacts) == size,
            cursor.full_pages,
            f"{what}: every page but the last is full ({size}); page {number} held"
            f" {len(page.contacts)} (GET {page.url})",
        )


def link_next(contract: Contract, page: Reply, number: int, last: int) -> None:
    """The legacy `Link` header has rel=next exactly when a page follows (`number` < `last`)."""
    legacy = contract.pagination.legacy
    link = legacy.header_for("links")
    if link is None:
        return
    rels = set(re.findall(r'rel="?([a-z]+)"?', page.headers.get(link, "")))
    promise(
        ("next" in rels) == (number < last),
        legacy.provenance,
        f"the {link} header has rel=next exactly when a page follows; page {number} of"
        f" {last} has rels {sorted(rels)} (GET {page.url})",
    )


def sound_and_complete(
    contract: Contract,
    filters: Mapping[str, Any],
    unfiltered: list[dict[str, Any]],
    filtered: list[dict[str, Any]],
    what: str,
) -> None:
    """A filtered listing is exactly the unfiltered one, filtered (AND of every filter)."""
    key = identity_field(contract)
    values = _filter_model.filter_values(contract, filters)
    shown = ", ".join(f"{name}={value!r}" for name, value in filters.items())
    ids = [str(c[key]) for c in filtered]
    no_duplicates(ids, what, contract.pagination.cursor.provenance)
    window_ids = [str(c[key]) for c in unfiltered]
    for contact in filtered:
        if str(contact[key]) not in set(window_ids):
            raise AssertionError(
                f"{what} [{shown}] returns only contacts of the unfiltered window; got"
                f" {_filter_model.describe(contract, contact)}"
            )
        bad = _filter_model.first_refusing(contract, contact, values)
        if bad is not None:
            promise(
                False,
                contract.filters[bad].provenance,
                f"filter {bad}={filters[bad]!r} is sound (with {shown}); got"
                f" {_filter_model.describe(contract, contact)}",
            )
    for contact in unfiltered:
        if _filter_model.matches(contract, contact, values) is True:
            promise(
                str(contact[key]) in set(ids),
                _weakest(contract, values),
                f"filters [{shown}] are complete; {_filter_model.describe(contract, contact)}"
                " matches but was not returned",
            )
    order = [cid for cid in window_ids if cid in set(ids)]
    same_sequence(order, ids, f"{what} [{shown}]", _weakest(contract, values))
    for name in values:
        rule = contract.filters[name]
        link = _filter_model.customer_link(contract, rule)
        if link is not None and rule.match == "equals":
            owners = {c.get(link) for c in filtered}
            promise(
                len(owners) <= 1,
                rule.provenance,
                f"{name}={filters[name]!r} names one {link}; got contacts of {len(owners)}",
            )


def _weakest(contract: Contract, values: Mapping[str, Any]) -> Provenance:
    """What completeness of an AND rests on: an assumed filter's reading if any, else documented."""
    provenances = [contract.filters[n].provenance for n in values]
    if not provenances:
        return contract.pagination.cursor.provenance
    return next((p for p in provenances if not p.documented), provenances[0])
