"""Cursor and legacy walks over a bounded set of contacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._api import Api, Reply
from ._response_checks import one_page


@dataclass(frozen=True)
class Walk:
    """The pages of one walk, in order."""

    pages: list[Reply]

    @property
    def contacts(self) -> list[dict[str, Any]]:
        """Every contact, in walk order."""
        return [contact for page in self.pages for contact in page.contacts]

    @property
    def ids(self) -> list[str]:
        """Every identity, in walk order."""
        return [cid for page in self.pages for cid in page.ids]


def _keys(page: Reply) -> str:
    shown = sorted(page.body) if isinstance(page.body, dict) else type(page.body).__name__
    return f"{shown} for GET {page.url}"


def cursor_walk(
    api: Api,
    query: dict[str, Any],
    limit: int,
    max_contacts: int,
    stop_after: int | None = None,
    *,
    limit_once: bool = False,
    checked: bool = True,
) -> Walk:
    """Follow the pages' `next` cursor from the first page until it is null.

    `max_contacts` bounds the walk: a server that never ends it fails with a message.
    `stop_after` reads only that many pages (for the anchor). `limit_once`: only
    the first page names `limit` (the others get its default). Unless not
    `checked` (the anchor: its reading is checked by the recipes that walk it
    again), every page is also held to the one-response checks.
    """
    cursor = api.contract.pagination.cursor
    max_pages = max_contacts // limit + 2
    pages: list[Reply] = []
    after: str | None = None
    while True:
        sized = not (limit_once and after)
        params = {
            **query,
            **({cursor.limit.name: limit} if sized else {}),
            **({cursor.after.name: after} if after else {}),
        }
        page = api.list(**params).served(
            "a cursor page of valid parameters is served", cursor.provenance
        )
        if not page.envelope(cursor.envelope):
            raise AssertionError(f"cursor mode answers with `{cursor.envelope}`; got {_keys(page)}")
        if checked:
            one_page(api.contract, page.verdict(), page.headers, page.body)
        pages.append(page)
        after = page.next
        if after is None or len(pages) == stop_after:
            return Walk(pages)
        if len(pages) >= max_pages:
            raise AssertionError(
                f"a walk of at most {max_contacts} contacts at {cursor.limit.name}={limit} ends"
                f" within {max_pages} pages; `next` was still set after page {len(pages)}"
                f" (GET {page.url})"
            )


def legacy_walk(api: Api, query: dict[str, Any], per_page: int, max_contacts: int) -> Walk:
    """Read pages first, first + 1, ... of legacy mode until the last page (or an empty one)."""
    legacy = api.contract.pagination.legacy
    max_pages = max_contacts // per_page + 2
    pages: list[Reply] = []
    number = legacy.first_page
    while True:
        params = {**query, legacy.page.name: number, legacy.per_page.name: per_page}
        page = api.list(**params).served(
            "a legacy page within the documented limits is served", legacy.provenance
        )
        if not page.envelope(legacy.envelope):
            raise AssertionError(f"legacy mode answers with `{legacy.envelope}`; got {_keys(page)}")
        one_page(api.contract, page.verdict(), page.headers, page.body)
        pages.append(page)
        total_pages = legacy.meta["total-pages"].get(page.body)
        if not page.contacts or not isinstance(total_pages, int) or number >= total_pages:
            return Walk(pages)
        if len(pages) >= max_pages:
            raise AssertionError(
                f"a legacy walk of at most {max_contacts} contacts at {legacy.per_page.name}="
                f"{per_page} ends within {max_pages} pages;"
                f" {legacy.meta['total-pages'].path}={total_pages} (GET {page.url})"
            )
        number += 1


def window_walk(api: Api, query: dict[str, Any], max_contacts: int) -> Walk:
    """The unfiltered cursor walk of a window at the largest page size, read once per client.

    The reference the filter checks compare against: a window lies in the past,
    so the same request gives the same answer; reading it once leaves the
    budget to the filtered walks under test.
    """
    key = "window walk " + repr(sorted((name, str(value)) for name, value in query.items()))
    if key not in api.memo:
        api.memo[key] = cursor_walk(api, query, largest_page(api), max_contacts)
    walk: Walk = api.memo[key]
    return walk


def largest_page(api: Api) -> int:
    """The largest cursor page the contract allows (`limit`'s maximum)."""
    limit = api.contract.pagination.cursor.limit
    if limit.maximum is None:
        raise AssertionError(f"the contract gives {limit.name} no maximum: no largest page")
    return limit.maximum
