"""Cursor-paging defects in the `before` branch: the page before a cursor, and its ends."""

from __future__ import annotations

from typing import Any

from ..data import ContactJSON
from ._exchange import Call
from ._facts import CONTRACT, paging
from ._listing import (
    Keyset,
    Slice,
    cursor_slice,
    items_of,
    key_of,
    rank,
)
from ._model import Mutant, query_rewrite
from ._paging import (
    cursor_pages,
    cursor_pages_cut_by,
    field,
    from_before,
    nudge,
    reordered,
    with_size,
)

_CURSOR = CONTRACT.pagination.cursor


def _top_before(
    call: Call, contacts: list[ContactJSON], size: int, after: Keyset | None, before: Keyset | None
) -> Slice:
    """`before` as `WHERE key > ? ORDER BY key DESC LIMIT n`: the newest, not the nearest."""
    if before is None:
        return cursor_slice(call, contacts, size, after)
    bound = rank(call, before)
    rest = [c for c in contacts if rank(call, key_of(call, c)) < bound]
    return Slice(rest[:size], bool(rest), len(rest) > size)


def _oldest_first_before(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    return reordered(call, body, items_of(call, body)[::-1]) if from_before(call) else body


CATALOGUE: tuple[Mutant, ...] = (
    Mutant(
        "cursor-before-off-by-one",
        "cursor",
        "before is inclusive: the page before X ends with X itself and drops its first item",
        "documented",
        (paging("minimum"),),
        query_rewrite(nudge(_CURSOR.before.name, -1)),
    ),
    Mutant(
        "before-ignores-limit",
        "cursor",
        "a page reached with before always holds the default size, whatever limit says",
        "documented",
        (paging("minimum"), paging("maximum")),
        query_rewrite(with_size(lambda call, size: None if from_before(call) else size)),
    ),
    Mutant(
        "ignores-before",
        "cursor",
        "before is ignored: the first page comes back",
        "documented",
        (paging("minimum"),),
        query_rewrite(
            lambda call: call.with_param(call.contract.pagination.cursor.before.name, None)
        ),
    ),
    Mutant(
        "before-jumps-to-the-first-page",
        "cursor",
        "before X serves the newest contacts newer than X, not the page right before X",
        "documented",
        (paging("minimum"),),
        cursor_pages_cut_by(_top_before),
    ),
    Mutant(
        "before-pages-oldest-first",
        "cursor",
        "a page reached with before comes oldest first (the reversed query is not reversed back)",
        "documented",
        (paging("minimum+1"), paging("maximum")),
        cursor_pages(_oldest_first_before),
    ),
    Mutant(
        "previous-null-on-before-pages",
        "cursor",
        "a page reached with before has no previous cursor: a walk back stops after one page",
        "documented",
        (paging("minimum"),),
        field(lambda c: c.previous, lambda call, body: None, lambda call, body: from_before(call)),
    ),
    Mutant(
        "next-null-on-before-pages",
        "cursor",
        "a page reached with before has no next cursor, though the page it came from follows",
        "documented",
        (paging("minimum"), paging("maximum")),
        field(lambda c: c.next, lambda call, body: None, lambda call, body: from_before(call)),
    ),
)
