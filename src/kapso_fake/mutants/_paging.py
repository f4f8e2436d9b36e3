"""Building blocks of the paging mutants: rewrite cursor pages, re-page the listing, nudge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..data import ContactJSON
from ._exchange import Answer, Call, Forward, Handler
from ._listing import (
    Keyset,
    Slice,
    cursor_body,
    cursor_request,
    items_of,
    key_of,
    mode_of,
    put,
    walk,
    with_items,
)
from ._model import body_rewrite

_UUID_MAX = (1 << 128) - 1


def cursor_pages(rewrite: Callable[[Call, dict[str, Any]], dict[str, Any]]) -> Handler:
    """A body rewrite of cursor-mode pages only."""

    def each(call: Call, body: dict[str, Any]) -> dict[str, Any]:
        return rewrite(call, body) if mode_of(call, body) == "cursor" else body

    return body_rewrite(each)


def cursor_pages_cut_by(
    slicer: Callable[[Call, list[ContactJSON], int, Keyset | None, Keyset | None], Slice],
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


def nudge(name: str, step: int) -> Callable[[Call], Call]:
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


def with_size(change: Callable[[Call, int], int | None]) -> Callable[[Call], Call]:
    """Send the correct app another `limit` (None: leave it out) on cursor-mode calls."""

    def rewrite(call: Call) -> Call:
        verdict = call.verdict()
        if verdict.refused or verdict.mode != "cursor":
            return call
        size = change(call, verdict.page_size(call.contract))
        limit = call.contract.pagination.cursor.limit.name
        return call.with_param(limit, None if size is None else str(size))

    return rewrite


def reordered(call: Call, body: dict[str, Any], data: list[ContactJSON]) -> dict[str, Any]:
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


def from_before(call: Call) -> bool:
    return bool(call.get(call.contract.pagination.cursor.before.name))


def field(
    path_of: Callable[[Any], Any],
    value: Callable[[Call, dict[str, Any]], Any],
    when: Callable[[Call, dict[str, Any]], bool],
) -> Handler:
    """Set one paging field (``path_of(cursor mode)``) to ``value`` on the pages ``when`` picks."""

    def rewrite(call: Call, body: dict[str, Any]) -> dict[str, Any]:
        if when(call, body):
            put(body, path_of(call.contract.pagination.cursor).parts, value(call, body))
        return body

    return cursor_pages(rewrite)


def never_null(
    path_of: Callable[[Any], Any], value: Callable[[Call, dict[str, Any]], Any]
) -> Handler:
    """A paging field set on every non-empty page where the correct app leaves it null."""

    def unset(call: Call, body: dict[str, Any]) -> bool:
        cursor = call.contract.pagination.cursor
        return bool(items_of(call, body)) and path_of(cursor).get(body) is None

    return field(path_of, value, unset)


def last_cursor(call: Call, body: dict[str, Any]) -> Any:
    return call.contract.pagination.cursor.last.get(body)


def first_cursor(call: Call, body: dict[str, Any]) -> Any:
    return call.contract.pagination.cursor.first.get(body)


def maximum(call: Call) -> int:
    limit = call.contract.pagination.cursor.limit
    return int(limit.maximum if limit.maximum is not None else limit.default)


LegacyRewrite = Callable[[Call, Answer, dict[str, Any]], Answer]
"""Change a legacy 200 answer, given the call and its parsed body."""


def legacy_rewrite(rewrite: LegacyRewrite) -> Handler:
    """Change the correct app's legacy-mode 200 answers."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if not answer.ok or mode_of(call, body := answer.json()) != "legacy":
            return answer
        return rewrite(call, answer, body)

    return handle


def meta_of(call: Call, body: dict[str, Any], role: str) -> Any:
    return call.contract.pagination.legacy.meta[role].get(body)
