"""Cursor and legacy walks over a bounded set of contacts."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from contract_tests._api import Answer, Api


@dataclass(frozen=True)
class Walk:
    """The pages of one walk, in order."""

    pages: list[Answer]

    @property
    def contacts(self) -> list[dict[str, Any]]:
        """Every contact, in walk order."""
        return [contact for page in self.pages for contact in page.contacts]

    @property
    def ids(self) -> list[str]:
        """Every id, in walk order."""
        return [cid for page in self.pages for cid in page.ids]


def _keys(page: Answer) -> str:
    shown = sorted(page.body) if isinstance(page.body, dict) else type(page.body).__name__
    return f"{shown} for GET {page.url}"


def cursor_walk(
    api: Api, query: dict[str, Any], limit: int, max_contacts: int, stop_after: int | None = None
) -> Walk:
    """Follow `paging.next` from the first page until it is null.

    `max_contacts` bounds the walk: a server that never ends it fails with a message.
    `stop_after` reads only that many pages (for the anchor).
    """
    max_pages = max_contacts // limit + 2
    pages: list[Answer] = []
    after: str | None = None
    while True:
        params = {**query, "limit": limit, **({"after": after} if after else {})}
        page = api.list(**params).expect(200, "a cursor page of valid parameters is a 200")
        if not isinstance(page.body, dict) or "paging" not in page.body:
            raise AssertionError(f"cursor mode answers with `paging`; got {_keys(page)}")
        pages.append(page)
        after = page.paging.get("next")
        if after is None or len(pages) == stop_after:
            return Walk(pages)
        if len(pages) >= max_pages:
            raise AssertionError(
                f"a walk of at most {max_contacts} contacts at limit={limit} ends within"
                f" {max_pages} pages; `next` was still set after page {len(pages)} (GET {page.url})"
            )


def legacy_walk(api: Api, query: dict[str, Any], per_page: int, max_contacts: int) -> Walk:
    """Read pages 1, 2, ... of legacy mode until `meta.total_pages` (or an empty page)."""
    max_pages = max_contacts // per_page + 2
    pages: list[Answer] = []
    number = 1
    while True:
        page = api.list(**query, page=number, per_page=per_page).expect(
            200, "a legacy page within the documented limits is a 200"
        )
        if not isinstance(page.body, dict) or "meta" not in page.body:
            raise AssertionError(f"legacy mode answers with `meta`; got {_keys(page)}")
        pages.append(page)
        total_pages = page.meta.get("total_pages")
        if not page.contacts or not isinstance(total_pages, int) or number >= total_pages:
            return Walk(pages)
        if number >= max_pages:
            raise AssertionError(
                f"a legacy walk of at most {max_contacts} contacts at per_page={per_page} ends"
                f" within {max_pages} pages; meta.total_pages={total_pages} (GET {page.url})"
            )
        number += 1


_WINDOW_WALKS: weakref.WeakKeyDictionary[Api, dict[str, Walk]] = weakref.WeakKeyDictionary()


def window_walk(api: Api, query: dict[str, Any], max_contacts: int) -> Walk:
    """The unfiltered cursor walk of a window (limit 100), read once per run and kept.

    The reference the filter checks compare against: a window lies in the past,
    so the same request gives the same answer; reading it once leaves the
    budget to the filtered walks under test.
    """
    key = repr(sorted((name, str(value)) for name, value in query.items()))
    walks = _WINDOW_WALKS.setdefault(api, {})
    if key not in walks:
        walks[key] = cursor_walk(api, query, 100, max_contacts)
    return walks[key]
