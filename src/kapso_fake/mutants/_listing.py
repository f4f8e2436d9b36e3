"""Re-serve a listing the wrapped app computed, as a server with a defect would page it.

A mutant that changes which contacts a query keeps, or how they are paged,
reads the correct listing of the filters it leaves alone (a cursor walk
through the wrapped app, kept per filter set), changes it, and pages the
result itself in the mode the request asked for. Every fact comes from the
contract (field paths, parameter names, the order and its directions) and
the cursors and ``Link`` headers are the fake's own (``CursorCodec``,
``legacy_link_header``), so a re-served answer is byte for byte what the fake
would send for that listing; only the defect differs.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import legacy_link_header
from ..data import ContactJSON
from ._exchange import MAX_LISTINGS, Answer, Call, Forward

Keyset = tuple[str, ...]
#: Pages a walk may read before the mutant gives up (a loop in the wrapped app).
MAX_WALK_PAGES = 10_000


def items_of(call: Call, body: Any) -> list[ContactJSON]:
    """The contacts of a page body (the contract's items field)."""
    found = call.contract.pagination.items.get(body)
    return list(found) if isinstance(found, list) else []


def put(body: dict[str, Any], parts: Sequence[str], value: Any) -> None:
    """Set the field at ``parts`` (a dotted path's steps), creating objects on the way."""
    for part in parts[:-1]:
        body = body.setdefault(part, {})
    body[parts[-1]] = value


def with_items(call: Call, body: dict[str, Any], items: list[ContactJSON]) -> dict[str, Any]:
    """``body`` with its contacts replaced."""
    put(body, call.contract.pagination.items.parts, items)
    return body


def mode_of(call: Call, body: Any) -> str | None:
    """``cursor`` or ``legacy`` by the body's envelope (None: neither)."""
    pagination = call.contract.pagination
    if isinstance(body, dict) and pagination.legacy.envelope in body:
        return "legacy"
    if isinstance(body, dict) and pagination.cursor.envelope in body:
        return "cursor"
    return None


@functools.total_ordering
class _Descending:
    """A value that sorts the other way round."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.value == other.value

    def __lt__(self, other: _Descending) -> bool:
        return other.value < self.value

    def __hash__(self) -> int:
        return hash(self.value)


def key_of(call: Call, contact: ContactJSON) -> Keyset:
    """A contact's keyset (its order keys, in the codec's stored form)."""
    return call.server.codec.key_of(contact)


def rank(call: Call, keyset: Keyset) -> tuple[Any, ...]:
    """A sort key of a keyset: ascending ranks are the listing order (``x-kapso-order``)."""
    return tuple(
        _Descending(value) if key.descending else value
        for value, key in zip(keyset, call.contract.order, strict=True)
    )


def in_order(call: Call, contacts: Iterable[ContactJSON]) -> list[ContactJSON]:
    """The contacts in the listing order."""
    return sorted(contacts, key=lambda contact: rank(call, key_of(call, contact)))


async def walk(
    forward: Forward, call: Call, filters: Iterable[str] | None = None
) -> list[ContactJSON]:
    """Every contact the wrapped app lists for the call's ``filters`` (default: all), in order.

    Read once per filter set and server (a mutant serves a fixed dataset).

    Raises:
        RuntimeError: the wrapped app refused a page of the walk, or never ended it.
    """
    contract = call.contract
    cursor = contract.pagination.cursor
    base = call.only(contract.filters if filters is None else filters)
    listings = call.server.listings
    if base.query in listings:
        return listings[base.query]
    size = str(cursor.limit.maximum or cursor.limit.default)
    page = base.with_param(cursor.limit.name, size)
    contacts: list[ContactJSON] = []
    for _ in range(MAX_WALK_PAGES):
        answer = await forward(page)
        if not answer.ok:
            raise RuntimeError(f"walk page refused with {answer.status}")
        body = answer.json()
        contacts.extend(items_of(call, body))
        after = cursor.next.get(body)
        if not after:
            if len(listings) >= MAX_LISTINGS:
                listings.pop(next(iter(listings)))
            listings[base.query] = contacts
            return contacts
        page = page.with_param(cursor.after.name, after)
    raise RuntimeError("walk did not end")


@dataclass(frozen=True)
class Slice:
    """A cursor page cut from a listing, and whether contacts lie beyond each end."""

    data: list[ContactJSON]
    has_next: bool
    has_previous: bool


Rank = tuple[Any, ...]
Beyond = Callable[[Rank, Rank, bool], bool]
"""Whether a contact (its rank) lies past a cursor (its rank): toward the end, or the start."""


def beyond(contact: Rank, bound: Rank, toward_end: bool) -> bool:
    """The keyset comparison: lexicographic over the order keys."""
    return contact > bound if toward_end else contact < bound


def cursor_slice(
    call: Call,
    contacts: Sequence[ContactJSON],
    size: int,
    after: Keyset | None = None,
    before: Keyset | None = None,
    *,
    past: Beyond = beyond,
) -> Slice:
    """The page the fake serves from ``contacts`` (in order): from the top, after or before.

    ``past`` is the comparison the keyset query runs (a mutant may get it wrong).
    """
    ranks = [rank(call, key_of(call, c)) for c in contacts]
    if before is not None:
        bound = rank(call, before)
        rest = [i for i, r in enumerate(ranks) if past(r, bound, False)]
        shown = rest[-size:] if size else []
        has_next = bool(shown) and any(past(r, ranks[shown[-1]], True) for r in ranks)
        return Slice([contacts[i] for i in shown], has_next, len(rest) > size)
    if after is None:
        rest = list(range(len(contacts)))
    else:
        bound = rank(call, after)
        rest = [i for i, r in enumerate(ranks) if past(r, bound, True)]
    shown = rest[:size]
    has_previous = (
        after is not None and bool(shown) and any(past(r, ranks[shown[0]], False) for r in ranks)
    )
    return Slice([contacts[i] for i in shown], len(rest) > size, has_previous)


def cursor_body(call: Call, page: Slice) -> dict[str, Any]:
    """The cursor-mode body of a page: its contacts and the four cursors (null where none)."""
    cursor = call.contract.pagination.cursor
    codec = call.server.codec
    first = codec.encode(key_of(call, page.data[0])) if page.data else None
    last = codec.encode(key_of(call, page.data[-1])) if page.data else None
    body: dict[str, Any] = {}
    put(body, call.contract.pagination.items.parts, page.data)
    put(body, cursor.first.parts, first)
    put(body, cursor.last.parts, last)
    put(body, cursor.next.parts, last if page.has_next else None)
    put(body, cursor.previous.parts, first if page.has_previous else None)
    return body


def cursor_request(call: Call) -> tuple[int, Keyset | None, Keyset | None]:
    """(page size, after, before) of a cursor-mode call, as the correct app reads them."""
    verdict = call.verdict()
    cursor = call.contract.pagination.cursor
    codec = call.server.codec
    after, before = verdict.values.get(cursor.after.name), verdict.values.get(cursor.before.name)
    return (
        verdict.page_size(call.contract),
        codec.decode(after) if isinstance(after, str) else None,
        codec.decode(before) if isinstance(before, str) else None,
    )


def legacy_request(call: Call) -> tuple[int, int]:
    """(page, per_page) of a legacy-mode call, as the correct app reads them."""
    legacy = call.contract.pagination.legacy
    values = call.verdict().values
    page = int(values.get(legacy.page.name, legacy.page.default))
    return page, int(values.get(legacy.per_page.name, legacy.per_page.default))


def legacy_answer(
    call: Call,
    template: Answer,
    page: int,
    per_page: int,
    contacts: Sequence[ContactJSON],
    data: list[ContactJSON] | None = None,
) -> Answer:
    """A legacy answer over ``contacts``: body, the total headers and ``Link``.

    Args:
        call: the request.
        template: a legacy 200 answer of the wrapped app (its other headers are kept).
        page: the page served; per_page: its size.
        contacts: the whole listing, in order (what the totals count).
        data: the page's contacts (default: the right slice of ``contacts``).
    """
    contract = call.contract
    legacy = contract.pagination.legacy
    total = len(contacts)
    pages = math.ceil(total / per_page)
    if data is None:
        start = (page - legacy.first_page) * per_page
        data = list(contacts[start : start + per_page])
    values = {"page": page, "per-page": per_page, "total-pages": pages, "total-count": total}
    body: dict[str, Any] = {}
    put(body, contract.pagination.items.parts, data)
    for role, path in legacy.meta.items():
        put(body, path.parts, values[role])
    answer = template.with_json(body, status=200)
    for name, role in legacy.headers.items():
        if role == "links":
            text = legacy_link_header(
                contract, request_url(call, template), call.query, page, per_page, pages
            )
        else:
            text = str(values[role])
        answer = answer.with_header(name, text)
    return answer


def request_url(call: Call, template: Answer) -> str:
    """The request's URL without its query, from the wrapped app's own ``Link``."""
    link = call.contract.pagination.legacy.header_for("links")
    found = re.match(r"<([^>?]*)", (template.header(link) if link else None) or "")
    return found.group(1) if found else call.contract.path


def page_listing(call: Call, contacts: Sequence[ContactJSON], template: Answer) -> Answer:
    """Serve ``contacts`` as the page ``call`` asks for, in ``template``'s mode."""
    if mode_of(call, template.json()) == "legacy":
        return legacy_answer(call, template, *legacy_request(call), contacts)
    size, after, before = cursor_request(call)
    return template.with_json(cursor_body(call, cursor_slice(call, contacts, size, after, before)))
