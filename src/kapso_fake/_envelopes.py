"""The bodies and headers of the contacts endpoint's answers, shaped by ``x-kapso-pagination``.

A page's contacts are already JSON (``store.Page.bodies``): they are spliced
into the envelope, which is the only part encoded per request.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, cast
from urllib.parse import urlencode

from kapso_contacts_api import models

from kapso_contacts.contract import Contract, FieldPath, Refused

from ._http import error_body, json_bytes
from .cursor import CursorCodec
from .store import Page

Headers = list[tuple[bytes, bytes]]


def legacy_link_header(
    contract: Contract,
    url: str,
    query: Sequence[tuple[str, str]],
    page: int,
    per_page: int,
    total_pages: int,
) -> str:
    """The RFC 8288 ``Link`` of a legacy page: ``first``, ``prev``, ``next``, ``last``.

    Links only point at pages the server answers: ``next`` and ``last`` stop at
    the largest page and window ``x-kapso-pagination`` allows, even when more
    pages match.

    Args:
        contract: whose legacy mode (parameter names, first page, limits) to follow.
        url: the request's URL without its query (``http://host/platform/v1/...``).
        query: the request's query pairs; the page parameters are replaced at the end.
        page: the page served; per_page: its size; total_pages: pages that match.

    Returns:
        The header's value.
    """
    legacy = contract.pagination.legacy
    first = legacy.first_page
    reachable = legacy.max_window // per_page
    if legacy.max_page is not None:
        reachable = min(reachable, legacy.max_page)
    last = min(first + total_pages - 1, reachable)
    rels = {"first": first}
    if page > first:
        rels["prev"] = min(page - 1, max(last, first))
    if page < last:
        rels["next"] = page + 1
    if last >= first:
        rels["last"] = last
    names = (legacy.page.name, legacy.per_page.name)
    kept = [(k, v) for k, v in query if k not in names]
    return ", ".join(
        f'<{url}?{urlencode([*kept, (names[0], n), (names[1], per_page)])}>; rel="{rel}"'
        for rel, n in rels.items()
    )


class Envelopes:
    """The answers of one contract: cursor pages, legacy pages and refusals."""

    def __init__(self, contract: Contract, codec: CursorCodec) -> None:
        """Read what the answers need from ``contract``."""
        self.contract = contract
        self.codec = codec
        items = contract.pagination.items
        if len(items.parts) != 1:
            raise ValueError(f"the fake serves contacts at the top of the body, not {items.path}")
        self._head = b"{" + json_bytes(items.path) + b":["

    def cursor(self, page: Page) -> bytes:
        """A cursor-mode body: the contacts and the four cursors (null where none)."""
        mode = self.contract.pagination.cursor
        first = None if page.first is None else self.codec.encode(page.first)
        last = None if page.last is None else self.codec.encode(page.last)
        rest: dict[str, Any] = {}
        _put(rest, mode.first, first)
        _put(rest, mode.last, last)
        _put(rest, mode.next, last if page.has_next else None)
        _put(rest, mode.previous, first if page.has_previous else None)
        return self._splice(page.bodies, rest)

    def legacy(
        self,
        page: Page,
        number: int,
        per_page: int,
        total: int,
        url: str,
        query: Sequence[tuple[str, str]],
    ) -> tuple[bytes, Headers]:
        """A legacy body (contacts and ``meta``) and its headers (totals and ``Link``)."""
        legacy = self.contract.pagination.legacy
        total_pages = math.ceil(total / per_page)
        values: dict[str, Any] = {
            "page": number,
            "per-page": per_page,
            "total-pages": total_pages,
            "total-count": total,
        }
        rest: dict[str, Any] = {}
        for role, path in legacy.meta.items():
            _put(rest, path, values[role])
        headers: Headers = []
        for name, role in legacy.headers.items():
            if role == "links":
                text = legacy_link_header(self.contract, url, query, number, per_page, total_pages)
            else:
                text = str(values[role])
            headers.append((name.lower().encode(), text.encode()))
        return self._splice(page.bodies, rest), headers

    def refusal(self, refused: Refused, values: Mapping[str, Any]) -> tuple[int, bytes]:
        """The status and body refusing a request (the first reason ``assess`` found)."""
        if refused.answer != "legacy-limit":
            body = error_body(refused.message, parameter=refused.parameter)
            return self.contract.refusal.status, body
        legacy = self.contract.pagination.legacy
        cursor = self.contract.pagination.cursor
        page = int(values.get(legacy.page.name, legacy.page.default))
        per_page = int(values.get(legacy.per_page.name, legacy.per_page.default))
        names = ", ".join(p.name for p in cursor.parameters[:-1])
        example = min(per_page, cursor.limit.maximum or per_page)
        limit_error = models.LegacyPaginationLimitError(
            message=cast(Any, legacy.limit_error_code),  # the schema's constant
            detail=f"{refused.message} Use cursor pagination with {names}, and "
            f"{cursor.parameters[-1].name}.",
            requested_page=page,
            requested_per_page=per_page,
            requested_window=page * per_page,
            max_page=legacy.max_page if legacy.max_page is not None else page,
            max_window=legacy.max_window,
            cursor_example=f"{self.contract.path}?{cursor.limit.name}={example}",
        )
        return legacy.limit_error_status, json_bytes(limit_error.to_dict())

    def _splice(self, bodies: list[bytes], rest: dict[str, Any]) -> bytes:
        tail = json_bytes(rest)[1:] if rest else b"}"
        return b"".join((self._head, b",".join(bodies), b"]," if rest else b"]", tail))


def _put(body: dict[str, Any], path: FieldPath, value: Any) -> None:
    """Set ``value`` at a dotted path, creating the objects on the way."""
    *parents, last = path.parts
    node = body
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
