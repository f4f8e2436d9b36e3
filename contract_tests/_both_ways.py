"""Cursor pages checked both ways: never more than the page size, and never fewer while more remain.

A walk at a page size is checked forward (`next` from the first page to the
last) and backward (`previous` as `before` from the last page back to the
first): every page but the last holds exactly the page size, `next` is null
exactly on the last page and `previous` exactly on the first, whichever way
the page was reached, and the pages reached with `before` are the pages
reached with `after`. The page sizes are the edges of `limit`'s range read
from the contract: its minimum and the one after, its documented default (sent
on the first page only, so that the default itself is what pages the rest),
the one before its maximum and its maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapso_contacts.contract import Contract

from . import _walk_checks
from ._api import Api, Reply
from ._coverage import Coverage
from ._findings import promise
from ._refusals import snippet
from ._response_checks import one_page
from ._walk import Walk
from ._windows import Window


@dataclass(frozen=True)
class LimitEdge:
    """A page size at an edge of `limit`'s range, and how big a window shows it best."""

    id: str
    size: int
    windows: tuple[int, ...]
    """How many contacts the window walked holds, by preference (none: the widest there is):
    more than a page, or an exact multiple of the page size where the edge is about that."""
    by_default: bool = False
    """The size is `limit`'s default: later pages do not name it."""

    @property
    def label(self) -> str:
        """`limit=20 (default)`, `limit=100`."""
        return f"limit={self.size}" + (" (default)" if self.by_default else "")


def limit_edges(contract: Contract) -> list[LimitEdge]:
    """The edges of `limit`: minimum, minimum + 1, default, maximum - 1, maximum (distinct)."""
    limit = contract.pagination.cursor.limit
    low = limit.minimum if limit.minimum is not None else 1
    found = [
        LimitEdge("minimum", low, (3 * low,)),
        LimitEdge("minimum+1", low + 1, (2 * (low + 1),)),
    ]
    if isinstance(limit.default, int):
        size = limit.default
        found.append(LimitEdge("default", size, (2 * size + size // 4 + 1,), by_default=True))
    if limit.maximum is not None:
        high = limit.maximum
        # An exact multiple at the large end: two full pages if the anchor holds them, else one.
        found += [
            LimitEdge("maximum-1", high - 1, (2 * (high - 1), high - 1)),
            LimitEdge("maximum", high, ()),
        ]
    sizes: set[int] = set()
    distinct = []
    for edge in found:
        if edge.size not in sizes and edge.size >= low:
            sizes.add(edge.size)
            distinct.append(edge)
    return distinct


def check_forward(contract: Contract, walk: Walk, window: Window, size: int, what: str) -> None:
    """The walk lists the window, in full pages but the last, `previous` null on the first."""
    cursor = contract.pagination.cursor
    _walk_checks.same_sequence(window.ids, walk.ids, what, cursor.provenance)
    _walk_checks.pages_full_but_last(contract, walk, size, what)
    first = walk.pages[0]
    promise(
        first.previous is None,
        cursor.provenance,
        f"{what}: `{cursor.previous.path}` is null on the first page; got {first.previous!r}"
        f" (GET {first.url})",
    )


def walk_back(
    api: Api, window: Window, forward: Walk, edge: LimitEdge, what: str, follow: bool = False
) -> int:
    """From the last page back to the first with `previous` as `before`: the same pages.

    Each page reached with `before` is the page the forward walk had there: it
    holds the page size while contacts remain before it, its `next` is set (a
    page follows) and its `previous` is null exactly on the first page.
    `follow`: pass the first page reached so's `next` as `after` too (it gives
    the following page back). Returns the requests sent.
    """
    contract = api.contract
    cursor = contract.pagination.cursor
    sized = {} if edge.by_default else {cursor.limit.name: edge.size}
    sent = 0
    back = forward.pages[-1].previous
    for number in range(len(forward.pages) - 1, 0, -1):
        expected = forward.pages[number - 1]
        promise(
            isinstance(back, str),
            cursor.provenance,
            f"{what}: `{cursor.previous.path}` is a cursor on every page but the first; page"
            f" {number + 1} has {back!r}",
        )
        page = api.list(**window.query(), **sized, **{cursor.before.name: back}).served(
            f"{what}: `{cursor.before.name}` with an issued cursor is served", cursor.provenance
        )
        sent += 1
        one_page(contract, page.verdict(), page.headers, page.body)
        _same_page(
            contract, page, expected, f"{what}: `{cursor.before.name}` from page {number + 1}"
        )
        promise(
            page.next is not None,
            cursor.provenance,
            f"{what}: a page reached with `{cursor.before.name}` has a `{cursor.next.path}` (page"
            f" {number + 1} follows it); got null (GET {page.url})",
        )
        if follow and number == len(forward.pages) - 1:
            again = api.list(**window.query(), **sized, **{cursor.after.name: page.next}).served(
                f"{what}: `{cursor.after.name}` from a page reached with `before` is served",
                cursor.provenance,
            )
            sent += 1
            _same_page(contract, again, forward.pages[number], f"{what}: `next` of a `before` page")
        back = page.previous
        if number == 1:
            promise(
                back is None,
                cursor.provenance,
                f"{what}: `{cursor.previous.path}` is null on the first page, also when reached"
                f" with `{cursor.before.name}`; got {back!r} (GET {page.url})",
            )
    return sent


def _same_page(contract: Contract, got: Reply, expected: Reply, what: str) -> None:
    cursor = contract.pagination.cursor
    promise(
        got.ids == expected.ids,
        cursor.full_pages if len(got.ids) != len(expected.ids) else cursor.provenance,
        f"{what} gives the page back: {len(expected.ids)} contacts {expected.ids[:2]}...; got"
        f" {len(got.ids)}: {got.ids[:2]}... (GET {got.url})",
    )


def check_empty_cursor_page(contract: Contract, page: Reply) -> None:
    """An empty cursor page: no contacts, every cursor null."""
    cursor = contract.pagination.cursor
    fields = {
        path.path: path.get(page.body)
        for path in (cursor.next, cursor.previous, cursor.first, cursor.last)
    }
    not_null = sorted(name for name, value in fields.items() if value is not None)
    promise(
        not page.contacts and not not_null,
        cursor.provenance,
        f"an empty result is an empty page with null cursors; got {len(page.contacts)} contacts,"
        f" {not_null} set: {snippet(page.body)} (GET {page.url})",
    )


def record(coverage: Coverage, window: Window, forward: Walk, edge: LimitEdge) -> None:
    """The edges a both-ways walk checked."""
    size, count = edge.size, len(window.ids)
    edges = [edge.label, "first page", "page reached with after", "last page"]
    if len(forward.pages) > 1:
        edges.append("page reached with before")
    if count and count % size == 0:
        edges.append("exact multiple")
    coverage.hit("pages", *edges)
    coverage.hit("before", edge.label)
