"""Re-serve a listing the wrapped app computed, as a server with a defect would page it.

A filter mutant fetches the contacts the correct app returns for the filters it
does not touch (a cursor walk through the wrapped app), applies its own wrong
predicate, and pages the result itself in whichever mode the request asked
for. The result is internally consistent (totals, headers, cursors agree), as
a real server with a wrong WHERE clause would be.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._exchange import CONTACTS_PATH, Answer, Call, Forward

Contact = dict[str, Any]
Key = tuple[str, str]

FILTERS = (
    "customer_id",
    "customer_external_id",
    "has_customer",
    "profile_name_contains",
    "wa_id_contains",
    "business_scoped_user_id",
    "created_after",
    "created_before",
)
PAGINATION = ("page", "per_page", "limit", "after", "before")
WALK_PAGE = 100
MAX_WALK_PAGES = 2000
DEFAULT_SIZE = 20
MAX_LEGACY_PAGE = 50
MAX_LEGACY_WINDOW = 5000


def encode_cursor(key: Key) -> str:
    """The cursor of a keyset, in Kapso's documented shape (URL-safe Base64 of JSON)."""
    payload = {"values": [key[0], key[1]], "columns": ["created_at", "id"]}
    text = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def decode_cursor(cursor: str) -> Key:
    """The keyset of a cursor the wrapped app already accepted."""
    body = cursor.rstrip("=").replace("-", "+").replace("_", "/")
    payload = json.loads(base64.b64decode(body + "=" * (-len(body) % 4)))
    created_at, contact_id = payload["values"]
    return str(created_at), str(contact_id)


def key_of(contact: Contact) -> Key:
    """A contact's position in the listing (newest first: larger keys come first)."""
    return str(contact["created_at"]), str(contact["id"])


def newest_first(contacts: Sequence[Contact]) -> list[Contact]:
    """The documented order: newest first by created_at, ties by id."""
    return sorted(contacts, key=key_of, reverse=True)


async def walk(forward: Forward, call: Call, filters: Sequence[str] = FILTERS) -> list[Contact]:
    """Every contact the wrapped app returns for the call's ``filters``, in listing order.

    Raises:
        RuntimeError: the wrapped app refused a page of the walk.
    """
    base = call.only(filters).with_param("limit", str(WALK_PAGE))
    contacts: list[Contact] = []
    cursor: str | None = None
    for _ in range(MAX_WALK_PAGES):
        answer = await forward(base if cursor is None else base.with_param("after", cursor))
        if not answer.ok:
            raise RuntimeError(f"walk page refused with {answer.status}")
        body = answer.json()
        contacts.extend(body["data"])
        cursor = body["paging"]["next"]
        if not cursor:
            return contacts
    raise RuntimeError("walk did not end")


def cursor_page(
    call: Call, contacts: Sequence[Contact], limit: int | None = None
) -> dict[str, Any]:
    """The cursor-mode body of ``call`` over ``contacts`` (already in listing order)."""
    size = limit if limit is not None else int(call.get("limit") or DEFAULT_SIZE)
    after, before = call.get("after"), call.get("before")
    if after:
        bound = decode_cursor(after)
        rest = [c for c in contacts if key_of(c) < bound]
        data = rest[:size]
    elif before:
        bound = decode_cursor(before)
        rest = [c for c in contacts if key_of(c) > bound]
        data = rest[-size:] if size else []
    else:
        data = list(contacts[:size])
    return {"data": data, "paging": paging_of(data, contacts)}


def paging_of(data: Sequence[Contact], contacts: Sequence[Contact]) -> dict[str, Any]:
    """The ``paging`` object of a page ``data`` cut from the listing ``contacts``."""
    if not data:
        return {"cursors": {"before": None, "after": None}, "next": None, "previous": None}
    first, last = encode_cursor(key_of(data[0])), encode_cursor(key_of(data[-1]))
    has_next = any(key_of(c) < key_of(data[-1]) for c in contacts)
    has_previous = any(key_of(c) > key_of(data[0]) for c in contacts)
    return {
        "cursors": {"before": first, "after": last},
        "next": last if has_next else None,
        "previous": first if has_previous else None,
    }


def legacy_answer(
    template: Answer,
    page: int,
    per_page: int,
    contacts: Sequence[Contact],
    cut: Callable[[Sequence[Contact], int, int], list[Contact]] | None = None,
) -> Answer:
    """A legacy-mode answer over ``contacts``: body, ``X-*`` headers and ``Link``.

    Args:
        template: a 200 answer of the wrapped app whose other headers are kept.
        page: the page asked for.
        per_page: the page size in force.
        contacts: the whole listing, in order.
        cut: how the page is sliced out (default: the correct offset).
    """
    total = len(contacts)
    pages = math.ceil(total / per_page)
    start = (page - 1) * per_page
    data = cut(contacts, page, per_page) if cut else list(contacts[start : start + per_page])
    body = {
        "data": data,
        "meta": {"page": page, "per_page": per_page, "total_pages": pages, "total_count": total},
    }
    answer = template.with_json(body, status=200)
    for name, value in (
        ("x-total", total),
        ("x-total-pages", pages),
        ("x-per-page", per_page),
        ("x-page", page),
    ):
        answer = answer.with_header(name, str(value))
    return answer.with_header("link", link_header(template, page, per_page, pages))


def link_header(template: Answer, page: int, per_page: int, pages: int) -> str:
    """An RFC 8288 ``Link`` header built like the wrapped app's own (same URL, other pages).

    Links only point at pages the documented limits allow (page 50, window 5,000).
    """
    reachable = min(MAX_LEGACY_PAGE, MAX_LEGACY_WINDOW // per_page)
    last = min(pages, reachable)
    rels = [("first", 1)]
    if page > 1:
        rels.append(("prev", min(page - 1, max(last, 1))))
    if page < last:
        rels.append(("next", page + 1))
    if last >= 1:
        rels.append(("last", last))
    base = _link_base(template)
    return ", ".join(f'<{base(number)}>; rel="{rel}"' for rel, number in rels)


def _link_base(template: Answer) -> Callable[[int], str]:
    """From the template's first link, a function of the page number to a URL."""
    match = re.match(r"<([^>]*)>", template.header("link") or "")
    url = urlsplit(match.group(1) if match else CONTACTS_PATH)
    kept = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k != "page"]
    others = [(k, v) for k, v in kept if k != "per_page"]
    per_page = [(k, v) for k, v in kept if k == "per_page"]

    def build(number: int) -> str:
        query = urlencode([*others, ("page", number), *per_page])
        return urlunsplit((url.scheme, url.netloc, url.path, query, ""))

    return build


def reserve(call: Call, contacts: Sequence[Contact], template: Answer) -> Answer:
    """Page ``contacts`` for ``call`` in the mode the wrapped app answered ``template`` in."""
    body = template.json()
    if "meta" in body:
        meta = body["meta"]
        return legacy_answer(template, int(meta["page"]), int(meta["per_page"]), contacts)
    return template.with_json(cursor_page(call, contacts))
