"""Cursor-paging defects, forward: the mistakes of a keyset implementation, branch by branch.

The first page or a later one, a full page or the last, exact multiples, ties
on `created_at`, the default size: each mutant is the slip a tired engineer
makes in one of those branches (the `before` branch is `_before`).
"""

from __future__ import annotations

from typing import Any

from ..data import ContactJSON
from ._exchange import Answer, Call, Forward
from ._facts import CONTRACT, ENVELOPES, TIES, paging
from ._listing import (
    Keyset,
    Rank,
    Slice,
    cursor_slice,
    items_of,
    key_of,
    mode_of,
    put,
    rank,
    with_items,
)
from ._model import Mutant, body_rewrite, query_rewrite
from ._paging import (
    cursor_pages,
    cursor_pages_cut_by,
    field,
    first_cursor,
    last_cursor,
    maximum,
    never_null,
    nudge,
    reordered,
    with_size,
)

_CURSOR = CONTRACT.pagination.cursor


def _first_key_only(
    call: Call, contacts: list[ContactJSON], size: int, after: Keyset | None, before: Keyset | None
) -> Slice:
    """`WHERE created_at < ?`: the keyset compared on its first key alone."""
    return cursor_slice(
        call,
        contacts,
        size,
        after,
        before,
        past=lambda r, b, end: (r[:1] > b[:1]) if end else (r[:1] < b[:1]),
    )


def _per_column(contact: Rank, bound: Rank, toward_end: bool) -> bool:
    """`WHERE created_at <= ? AND id < ?`: each key compared alone instead of the tuple."""
    ahead = [
        c >= b if toward_end else c <= b for c, b in zip(contact[:-1], bound[:-1], strict=True)
    ]
    last = contact[-1] > bound[-1] if toward_end else contact[-1] < bound[-1]
    return all(ahead) and last


def _ties_ascending(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    """Ties on the first key ordered by ascending identity (an ORDER BY without its tie-breaker)."""
    data = sorted(
        items_of(call, body),
        key=lambda c: (rank(call, key_of(call, c))[:-1], key_of(call, c)[-1]),
    )
    return reordered(call, body, data)


def _full_and_ended(call: Call, body: dict[str, Any]) -> bool:
    cursor = call.contract.pagination.cursor
    size = call.verdict().page_size(call.contract)
    return len(items_of(call, body)) == size and cursor.next.get(body) is None


def _next_as_url(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    cursor = call.contract.pagination.cursor
    after = cursor.next.get(body)
    if after:
        size = call.verdict().page_size(call.contract)
        url = call.contract.server_url.rstrip("/") + call.contract.operation_path
        put(
            body, cursor.next.parts, f"{url}?{cursor.limit.name}={size}&{cursor.after.name}={after}"
        )
    return body


def _both_envelopes(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    pagination = call.contract.pagination
    if mode_of(call, body) == "legacy":
        for path in (
            pagination.cursor.first,
            pagination.cursor.last,
            pagination.cursor.next,
            pagination.cursor.previous,
        ):
            put(body, path.parts, None)
        return body
    count = len(items_of(call, body))
    legacy = pagination.legacy
    values = {
        "page": legacy.first_page,
        "per-page": max(count, 1),
        "total-pages": 1,
        "total-count": count,
    }
    for role, path in legacy.meta.items():
        put(body, path.parts, values[role])
    return body


async def _with_the_next_page(
    call: Call, forward: Forward, size: int
) -> tuple[Answer, dict[str, Any] | None, list[ContactJSON]]:
    """The correct answer, its body, and the first ``size`` contacts after its page.

    The body is None when there is nothing to look ahead at (not a cursor
    page, or no ``next``): serve the answer as it is.
    """
    cursor = call.contract.pagination.cursor
    answer = await forward(call)
    if (
        not answer.ok
        or mode_of(call, body := answer.json()) != "cursor"
        or not cursor.next.get(body)
    ):
        return answer, None, []
    probe = call.with_param(cursor.before.name, None).with_param(
        cursor.after.name, cursor.next.get(body)
    )
    ahead = await forward(probe.with_param(cursor.limit.name, str(size)))
    return answer, body, items_of(call, ahead.json()) if ahead.ok else []


async def _skips_boundary(call: Call, forward: Forward) -> Answer:
    """`next` built from the look-ahead row instead of the page's last: one contact lost."""
    cursor = call.contract.pagination.cursor
    answer, body, ahead = await _with_the_next_page(call, forward, cursor.limit.minimum or 1)
    if body is None:
        return answer
    if ahead:
        put(body, cursor.next.parts, call.server.codec.encode(key_of(call, ahead[0])))
    return answer.with_json(body)


async def _misses_the_last_one(call: Call, forward: Forward) -> Answer:
    """`next` is null when exactly one contact remains (look-ahead compared with > limit + 1)."""
    answer, body, ahead = await _with_the_next_page(call, forward, 2)
    if body is None:
        return answer
    if len(ahead) == 1:
        put(body, call.contract.pagination.cursor.next.parts, None)
    return answer.with_json(body)


def _reverse_items(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    return with_items(call, body, items_of(call, body)[::-1])


CATALOGUE: tuple[Mutant, ...] = (
    Mutant(
        "cursor-skips-boundary-item",
        "cursor",
        "next is built from the extra row fetched to detect more: one item lost at every boundary",
        "documented",
        (paging("minimum"), paging("maximum")),
        _skips_boundary,
    ),
    Mutant(
        "cursor-after-inclusive",
        "cursor",
        "after is inclusive (<= instead of <): the last item of a page opens the next one",
        "documented",
        (paging("minimum"),),
        query_rewrite(nudge(_CURSOR.after.name, +1)),
    ),
    Mutant(
        "page-order-reversed",
        "cursor",
        "each page is sorted oldest first, though pages still come newest first",
        "documented",
        (paging("minimum+1"), ENVELOPES),
        body_rewrite(_reverse_items),
    ),
    Mutant(
        "unstable-tie-order",
        "cursor",
        "ties on created_at are not broken by id, so cursors cut tie groups inconsistently",
        "documented",
        (TIES,),
        cursor_pages(_ties_ascending),
        needs=("ties",),
    ),
    Mutant(
        "keyset-on-created-at-only",
        "cursor",
        "the keyset compares created_at alone (created_at < ?): ties at a page boundary are lost",
        "documented",
        (TIES,),
        cursor_pages_cut_by(_first_key_only),
        needs=("ties",),
    ),
    Mutant(
        "keyset-compared-per-column",
        "cursor",
        "the keyset compares each column alone (created_at <= ? AND id < ?): contacts are lost",
        "documented",
        (paging("minimum"), paging("maximum")),
        cursor_pages_cut_by(
            lambda call, contacts, size, after, before: cursor_slice(
                call, contacts, size, after, before, past=_per_column
            )
        ),
    ),
    Mutant(
        "next-not-null-at-end",
        "cursor",
        "the last page still has a next cursor (it leads to an empty page)",
        "documented",
        (paging("minimum"),),
        never_null(lambda c: c.next, last_cursor),
    ),
    Mutant(
        "next-set-on-exact-multiple",
        "cursor",
        "next is set whenever the page is full (has_next = len(rows) == limit): an empty page ends"
        " every walk of an exact multiple",
        "documented",
        (paging("minimum+1"), paging("maximum-1")),
        field(lambda c: c.next, last_cursor, _full_and_ended),
    ),
    Mutant(
        "next-null-with-one-left",
        "cursor",
        "next is null when exactly one contact remains (the look-ahead compared with limit + 1)",
        "documented",
        (paging("minimum"),),
        _misses_the_last_one,
    ),
    Mutant(
        "previous-not-null-at-start",
        "cursor",
        "the first page has a previous cursor (it leads to an empty page)",
        "documented",
        (paging("minimum"),),
        never_null(lambda c: c.previous, first_cursor),
    ),
    Mutant(
        "next-is-a-url",
        "cursor",
        "paging.next is a full URL, not the cursor to pass as after",
        "documented",
        (paging("minimum"),),
        cursor_pages(_next_as_url),
    ),
    Mutant(
        "meta-and-paging",
        "cursor",
        "every response carries both envelopes, meta and paging",
        "documented",
        (ENVELOPES, paging("minimum")),
        body_rewrite(_both_envelopes),
    ),
    Mutant(
        "limit-maximum-serves-one-less",
        "cursor",
        "limit at its maximum serves one contact less (min(limit, MAX - 1)), next still set",
        "documented",
        (paging("maximum"),),
        query_rewrite(with_size(lambda call, size: size - 1 if size == maximum(call) else size)),
    ),
    Mutant(
        "short-pages-after-a-cursor",
        "cursor",
        "pages reached with a cursor hold limit - 1 contacts (LIMIT limit - 1 with a cursor)",
        "documented",
        (paging("minimum+1"), paging("maximum")),
        query_rewrite(
            with_size(
                lambda call, size: (
                    size - 1
                    if size > 1 and call.get(call.contract.pagination.cursor.after.name)
                    else size
                )
            )
        ),
    ),
    Mutant(
        "default-limit-is-the-maximum",
        "cursor",
        "a cursor page without limit holds the maximum, not the documented default",
        "documented",
        (paging("default"),),
        query_rewrite(
            with_size(
                lambda call, size: (
                    maximum(call)
                    if not call.has(call.contract.pagination.cursor.limit.name)
                    else size
                )
            )
        ),
    ),
)
