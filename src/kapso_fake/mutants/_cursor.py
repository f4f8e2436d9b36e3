"""Cursor-paging defects: the mistakes of a keyset implementation, branch by branch.

First page or later, `after` or `before`, a full page or the last, exact
multiples, ties on `created_at`, the default size: each mutant is the slip a
tired engineer makes in one of those branches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._exchange import Answer, Call, Forward, Handler
from ._facts import CONTRACT, ENVELOPES, TIES, paging
from ._listing import (
    Contact,
    Keyset,
    Rank,
    Slice,
    cursor_body,
    cursor_request,
    cursor_slice,
    items_of,
    key_of,
    mode_of,
    put,
    rank,
    walk,
    with_items,
)
from ._model import Mutant, body_rewrite, query_rewrite

_CURSOR = CONTRACT.pagination.cursor
_UUID_MAX = (1 << 128) - 1


def _cursor_pages(rewrite: Callable[[Call, dict[str, Any]], dict[str, Any]]) -> Handler:
    """A body rewrite of cursor-mode pages only."""

    def each(call: Call, body: dict[str, Any]) -> dict[str, Any]:
        return rewrite(call, body) if mode_of(call, body) == "cursor" else body

    return body_rewrite(each)


def _reserved(
    slicer: Callable[[Call, list[Contact], int, Keyset | None, Keyset | None], Slice],
) -> Handler:
    """Cursor pages cut from the listing by ``slicer`` instead of the correct keyset query."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if not answer.ok or mode_of(call, answer.json()) != "cursor":
            return answer
        size, after, before = cursor_request(call)
        contacts = await walk(forward, call)
        return answer.with_json(cursor_body(call, slicer(call, contacts, size, after, before)))

    return handle


def _first_key_only(
    call: Call, contacts: list[Contact], size: int, after: Keyset | None, before: Keyset | None
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


def _top_before(
    call: Call, contacts: list[Contact], size: int, after: Keyset | None, before: Keyset | None
) -> Slice:
    """`before` as `WHERE key > ? ORDER BY key DESC LIMIT n`: the newest, not the nearest."""
    if before is None:
        return cursor_slice(call, contacts, size, after)
    bound = rank(call, before)
    rest = [c for c in contacts if rank(call, key_of(call, c)) < bound]
    return Slice(rest[:size], bool(rest), len(rest) > size)


def _nudge(name: str, step: int) -> Callable[[Call], Call]:
    """Move a cursor ``step`` identities along at the same first key: an off-by-one bound."""

    def rewrite(call: Call) -> Call:
        text = call.get(name)
        codec = call.server.codec
        try:
            keyset = codec.decode(text) if text else None
        except ValueError:
            return call  # the correct app refuses it
        if keyset is None:
            return call
        number = int(keyset[-1].replace("-", ""), 16) + step
        if not 0 <= number <= _UUID_MAX:
            return call
        h = f"{number:032x}"
        moved = (*keyset[:-1], f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
        return call.with_param(name, codec.encode(moved))

    return rewrite


def _with_size(change: Callable[[Call, int], int | None]) -> Callable[[Call], Call]:
    """Send the correct app another `limit` (None: leave it out) on cursor-mode calls."""

    def rewrite(call: Call) -> Call:
        verdict = call.verdict()
        if verdict.refused or verdict.mode != "cursor":
            return call
        size = change(call, verdict.page_size(call.contract))
        limit = call.contract.pagination.cursor.limit.name
        return call.with_param(limit, None if size is None else str(size))

    return rewrite


def _reordered(call: Call, body: dict[str, Any], data: list[Contact]) -> dict[str, Any]:
    """The page with its contacts in another order, its cursors taken from the new ends."""
    cursor = call.contract.pagination.cursor
    codec = call.server.codec
    with_items(call, body, data)
    if data:
        first, last = codec.encode(key_of(call, data[0])), codec.encode(key_of(call, data[-1]))
        put(body, cursor.first.parts, first)
        put(body, cursor.last.parts, last)
        put(body, cursor.next.parts, last if cursor.next.get(body) else None)
        put(body, cursor.previous.parts, first if cursor.previous.get(body) else None)
    return body


def _ties_ascending(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    """Ties on the first key ordered by ascending identity (an ORDER BY without its tie-breaker)."""
    data = sorted(
        items_of(call, body),
        key=lambda c: (rank(call, key_of(call, c))[:-1], key_of(call, c)[-1]),
    )
    return _reordered(call, body, data)


def _from_before(call: Call) -> bool:
    return bool(call.get(call.contract.pagination.cursor.before.name))


def _oldest_first_before(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    return _reordered(call, body, items_of(call, body)[::-1]) if _from_before(call) else body


def _field(
    path_of: Callable[[Any], Any],
    value: Callable[[Call, dict[str, Any]], Any],
    when: Callable[[Call, dict[str, Any]], bool],
) -> Handler:
    """Set one paging field (``path_of(cursor mode)``) to ``value`` on the pages ``when`` picks."""

    def rewrite(call: Call, body: dict[str, Any]) -> dict[str, Any]:
        if when(call, body):
            put(body, path_of(call.contract.pagination.cursor).parts, value(call, body))
        return body

    return _cursor_pages(rewrite)


def _never_null(
    path_of: Callable[[Any], Any], value: Callable[[Call, dict[str, Any]], Any]
) -> Handler:
    """A paging field set on every non-empty page where the correct app leaves it null."""

    def unset(call: Call, body: dict[str, Any]) -> bool:
        cursor = call.contract.pagination.cursor
        return bool(items_of(call, body)) and path_of(cursor).get(body) is None

    return _field(path_of, value, unset)


def _last_cursor(call: Call, body: dict[str, Any]) -> Any:
    return call.contract.pagination.cursor.last.get(body)


def _first_cursor(call: Call, body: dict[str, Any]) -> Any:
    return call.contract.pagination.cursor.first.get(body)


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


async def _skips_boundary(call: Call, forward: Forward) -> Answer:
    """`next` built from the look-ahead row instead of the page's last: one contact lost."""
    cursor = call.contract.pagination.cursor
    answer = await forward(call)
    if (
        not answer.ok
        or mode_of(call, body := answer.json()) != "cursor"
        or not cursor.next.get(body)
    ):
        return answer
    probe = call.with_param(cursor.before.name, None).with_param(
        cursor.after.name, cursor.next.get(body)
    )
    extra = await forward(probe.with_param(cursor.limit.name, str(cursor.limit.minimum or 1)))
    ahead = items_of(call, extra.json()) if extra.ok else []
    if ahead:
        put(body, cursor.next.parts, call.server.codec.encode(key_of(call, ahead[0])))
    return answer.with_json(body)


async def _misses_the_last_one(call: Call, forward: Forward) -> Answer:
    """`next` is null when exactly one contact remains (look-ahead compared with > limit + 1)."""
    cursor = call.contract.pagination.cursor
    answer = await forward(call)
    if (
        not answer.ok
        or mode_of(call, body := answer.json()) != "cursor"
        or not cursor.next.get(body)
    ):
        return answer
    probe = call.with_param(cursor.before.name, None).with_param(
        cursor.after.name, cursor.next.get(body)
    )
    rest = await forward(probe.with_param(cursor.limit.name, "2"))
    if rest.ok and len(items_of(call, rest.json())) == 1:
        put(body, cursor.next.parts, None)
    return answer.with_json(body)


def _reverse_items(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    return with_items(call, body, items_of(call, body)[::-1])


def _maximum(call: Call) -> int:
    limit = call.contract.pagination.cursor.limit
    return int(limit.maximum if limit.maximum is not None else limit.default)


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
        query_rewrite(_nudge(_CURSOR.after.name, +1)),
    ),
    Mutant(
        "cursor-before-off-by-one",
        "cursor",
        "before is inclusive: the page before X ends with X itself and drops its first item",
        "documented",
        (paging("minimum"),),
        query_rewrite(_nudge(_CURSOR.before.name, -1)),
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
        _cursor_pages(_ties_ascending),
        needs=("ties",),
    ),
    Mutant(
        "keyset-on-created-at-only",
        "cursor",
        "the keyset compares created_at alone (created_at < ?): ties at a page boundary are lost",
        "documented",
        (TIES,),
        _reserved(_first_key_only),
        needs=("ties",),
    ),
    Mutant(
        "keyset-compared-per-column",
        "cursor",
        "the keyset compares each column alone (created_at <= ? AND id < ?): contacts are lost",
        "documented",
        (paging("minimum"), paging("maximum")),
        _reserved(
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
        _never_null(lambda c: c.next, _last_cursor),
    ),
    Mutant(
        "next-set-on-exact-multiple",
        "cursor",
        "next is set whenever the page is full (has_next = len(rows) == limit): an empty page ends"
        " every walk of an exact multiple",
        "documented",
        (paging("minimum+1"), paging("maximum-1")),
        _field(lambda c: c.next, _last_cursor, _full_and_ended),
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
        _never_null(lambda c: c.previous, _first_cursor),
    ),
    Mutant(
        "next-is-a-url",
        "cursor",
        "paging.next is a full URL, not the cursor to pass as after",
        "documented",
        (paging("minimum"),),
        _cursor_pages(_next_as_url),
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
        query_rewrite(_with_size(lambda call, size: size - 1 if size == _maximum(call) else size)),
    ),
    Mutant(
        "short-pages-after-a-cursor",
        "cursor",
        "pages reached with a cursor hold limit - 1 contacts (LIMIT limit - 1 with a cursor)",
        "documented",
        (paging("minimum+1"), paging("maximum")),
        query_rewrite(
            _with_size(
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
            _with_size(
                lambda call, size: (
                    _maximum(call)
                    if not call.has(call.contract.pagination.cursor.limit.name)
                    else size
                )
            )
        ),
    ),
    Mutant(
        "before-ignores-limit",
        "cursor",
        "a page reached with before always holds the default size, whatever limit says",
        "documented",
        (paging("minimum"), paging("maximum")),
        query_rewrite(_with_size(lambda call, size: None if _from_before(call) else size)),
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
        _reserved(_top_before),
    ),
    Mutant(
        "before-pages-oldest-first",
        "cursor",
        "a page reached with before comes oldest first (the reversed query is not reversed back)",
        "documented",
        (paging("minimum+1"), paging("maximum")),
        _cursor_pages(_oldest_first_before),
    ),
    Mutant(
        "previous-null-on-before-pages",
        "cursor",
        "a page reached with before has no previous cursor: a walk back stops after one page",
        "documented",
        (paging("minimum"),),
        _field(
            lambda c: c.previous, lambda call, body: None, lambda call, body: _from_before(call)
        ),
    ),
    Mutant(
        "next-null-on-before-pages",
        "cursor",
        "a page reached with before has no next cursor, though the page it came from follows",
        "documented",
        (paging("minimum"), paging("maximum")),
        _field(lambda c: c.next, lambda call, body: None, lambda call, body: _from_before(call)),
    ),
)
