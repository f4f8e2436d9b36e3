"""Bounded windows of the listing, cut at real `created_at` values.

A walk is bounded by a `created_after`/`created_before` window, never by
stopping at an arbitrary page, so the suite means the same thing on an
account of 1,000 or 100,000 contacts. The anchor is the newest contacts (two
cursor pages of 100); a window between two of their `created_at` values holds
exactly the anchor contacts strictly between them (both bounds exclusive).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from contract_tests import _model
from contract_tests._api import Api
from contract_tests._walk import cursor_walk

ANCHOR_SIZE = 200
MAX_SPAN = 30


@dataclass(frozen=True, repr=False)
class Anchor:
    """The newest contacts, newest first."""

    contacts: list[dict[str, Any]]

    def __repr__(self) -> str:
        return f"Anchor(<{len(self.contacts)} newest contacts>)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def instant(self, index: int) -> datetime:
        """The `created_at` of the contact at `index`."""
        return _model.parse_instant(str(self.contacts[index]["created_at"]))


@dataclass(frozen=True, repr=False)
class Window:
    """Contacts created strictly between `after` and `before`."""

    after: datetime
    before: datetime
    expected: list[dict[str, Any]]

    def __repr__(self) -> str:
        return (
            f"Window(created_after={self.after.isoformat()},"
            f" created_before={self.before.isoformat()}, {len(self.expected)} contacts)"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    @property
    def max_contacts(self) -> int:
        """How many contacts a correct server can put in this window."""
        return len(self.expected)

    def query(self, offset_minutes: int = 0) -> dict[str, datetime]:
        """The window as filters, written in a UTC offset (the same instants)."""
        zone = timezone(timedelta(minutes=offset_minutes))
        return {
            "created_after": self.after.astimezone(zone),
            "created_before": self.before.astimezone(zone),
        }

    @property
    def ids(self) -> list[str]:
        """The ids a correct server returns, in order."""
        return [str(contact["id"]) for contact in self.expected]


def load_anchor(api: Api) -> Anchor:
    """Read the newest contacts with two cursor pages of 100."""
    pages = cursor_walk(api, {}, 100, max_contacts=ANCHOR_SIZE - 2, stop_after=2)
    return Anchor(pages.contacts)


def window(anchor: Anchor, newer: int, older: int) -> Window:
    """The window strictly between the contacts at `older` and `newer` (indices, newest first)."""
    before, after = anchor.instant(newer), anchor.instant(older)
    expected = [
        contact
        for contact in anchor.contacts
        if after < _model.parse_instant(str(contact["created_at"])) < before
    ]
    return Window(after=after, before=before, expected=expected)
