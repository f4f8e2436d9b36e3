"""Bounded windows of the listing, cut at real creation times.

A walk is bounded by the contract's `after`/`before` filters (the
`created_after`/`created_before` window), never by stopping at an arbitrary
page, so the suite means the same thing on an account of 1,000 or 100,000
contacts. The anchor is the newest contacts (two cursor pages of the largest
size); a window between two of their creation times holds exactly the anchor
contacts strictly between them (both bounds are exclusive).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from kapso_contacts.contract import Contract, Filter

from . import _filter_model
from ._api import Api
from ._response_checks import in_order
from ._spec import identity_field
from ._walk import cursor_walk, largest_page

ANCHOR_PAGES = 2
MAX_SPAN = 30


def bounds(contract: Contract) -> tuple[Filter, Filter]:
    """The filters that bound a window: (the `after` one, the `before` one)."""
    after = next(f for f in contract.filters.values() if f.match == "after")
    before = next(f for f in contract.filters.values() if f.match == "before")
    return after, before


@dataclass(frozen=True, repr=False)
class Anchor:
    """The newest contacts, newest first."""

    contract: Contract
    contacts: list[dict[str, Any]]

    def __repr__(self) -> str:
        return f"Anchor(<{len(self.contacts)} newest contacts>)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def instant(self, index: int) -> datetime:
        """The creation time of the contact at `index`."""
        return created(self.contract, self.contacts[index])


def created(contract: Contract, contact: dict[str, Any]) -> datetime:
    """A contact's creation time (the field the window bounds read), as UTC."""
    found = _filter_model.instant(contact.get(bounds(contract)[0].field))
    if found is None:
        raise AssertionError(f"a contact's creation time is RFC 3339; got {contact!r}")
    return found


@dataclass(frozen=True, repr=False)
class Window:
    """Contacts created strictly between `after` and `before`."""

    contract: Contract
    after: datetime
    before: datetime
    expected: list[dict[str, Any]]

    def __repr__(self) -> str:
        after, before = bounds(self.contract)
        return (
            f"Window({after.parameter}={self.after.isoformat()},"
            f" {before.parameter}={self.before.isoformat()}, {len(self.expected)} contacts)"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    @property
    def max_contacts(self) -> int:
        """How many contacts a correct server can put in this window."""
        return len(self.expected)

    def query(self, offset_minutes: int = 0) -> dict[str, datetime]:
        """The window as filters, written in a UTC offset (the same instants)."""
        return bounded(self.contract, self.after, self.before, offset_minutes)

    @property
    def ids(self) -> list[str]:
        """The ids a correct server returns, in order."""
        key = identity_field(self.contract)
        return [str(contact[key]) for contact in self.expected]


def bounded(
    contract: Contract, after: datetime, before: datetime, offset_minutes: int = 0
) -> dict[str, datetime]:
    """The window bounds as filter values, written in a UTC offset."""
    zone = timezone(timedelta(minutes=offset_minutes)) if offset_minutes else UTC
    after_filter, before_filter = bounds(contract)
    return {
        after_filter.parameter: after.astimezone(zone),
        before_filter.parameter: before.astimezone(zone),
    }


def load_anchor(api: Api) -> Anchor:
    """Read the newest contacts: two cursor pages of the largest size, whole instants only."""
    size = largest_page(api)
    pages = cursor_walk(
        api, {}, size, ANCHOR_PAGES * size - 2, stop_after=ANCHOR_PAGES, checked=False
    )
    # Windows are cut by position: the newest contacts must come in the contract's order.
    in_order(api.contract, pages.contacts)
    contacts = pages.contacts
    # The oldest creation time read may be shared by contacts past the last page read:
    # drop it, so that every instant of the anchor holds all of its contacts.
    oldest = [created(api.contract, c) for c in contacts[-1:]]
    while contacts and created(api.contract, contacts[-1]) in oldest:
        contacts = contacts[:-1]
    return Anchor(api.contract, contacts)


def window_of_size(anchor: Anchor, size: int, start: int = 0) -> Window | None:
    """The first window from `start` on holding exactly `size` anchor contacts (ties shift it)."""
    last = len(anchor.contacts) - 1
    for newer in range(start, last):
        older = newer + size + 1
        if older > last:
            return None
        found = window(anchor, newer, older)
        if len(found.expected) == size:
            return found
    return None


def widest_window(anchor: Anchor) -> Window | None:
    """The window between the newest and the oldest anchor contact (None: fewer than 3)."""
    if len(anchor.contacts) < 3:
        return None
    return window(anchor, 0, len(anchor.contacts) - 1)


def window(anchor: Anchor, newer: int, older: int) -> Window:
    """The window strictly between the contacts at `older` and `newer` (indices, newest first)."""
    before, after = anchor.instant(newer), anchor.instant(older)
    expected = [
        contact for contact in anchor.contacts if after < created(anchor.contract, contact) < before
    ]
    return Window(anchor.contract, after=after, before=before, expected=expected)
