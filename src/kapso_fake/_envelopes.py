"""The bodies and headers of the contacts endpoint's answers, shaped by ``x-kapso-pagination``.

A page's contacts are already JSON (``store.Page.bodies``): they are spliced
into the envelope, which is the only part encoded per request.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast
from urllib.parse import urlencode

from kapso_contacts_api import models

from kapso_contacts.contract import Contract, Refused

from ._http import error_body, json_bytes, json_text
from .cursor import CursorCodec, Keyset
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
        pagination = contract.pagination
        items, mode = pagination.items.parts, pagination.cursor
        cursors = (mode.first, mode.last, mode.next, mode.previous)
        self._cursor = _Template([items, *(path.parts for path in cursors)])
        self._roles = tuple(pagination.legacy.meta)
        meta = pagination.legacy.meta.values()
        self._legacy = _Template([items, *(path.parts for path in meta)])

    def cursor(self, page: Page) -> bytes:
        """A cursor-mode body: the contacts and the four cursors (null where none)."""
        first = _NULL if page.first is None else self._quoted(page.first)
        last = _NULL if page.last is None else self._quoted(page.last)
        after = last if page.has_next else _NULL
        before = first if page.has_previous else _NULL
        return self._cursor.render((_array(page.bodies), first, last, after, before))

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
        values = {
            "page": number,
            "per-page": per_page,
            "total-pages": total_pages,
            "total-count": total,
        }
        meta = (str(values[role]).encode() for role in self._roles)
        headers: Headers = []
        for name, role in legacy.headers.items():
            if role == "links":
                text = legacy_link_header(self.contract, url, query, number, per_page, total_pages)
            else:
                text = str(values[role])
            headers.append((name.lower().encode(), text.encode()))
        return self._legacy.render((_array(page.bodies), *meta)), headers

    def _quoted(self, keyset: Keyset) -> bytes:
        # A cursor is Base64: nothing in it needs escaping in JSON.
        return b'"' + self.codec.encode(keyset).encode() + b'"'

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


_NULL = b"null"
#: Stands for value ``n`` while a template is written: JSON escapes it as ``\u0000n\u0000``.
_MARK = "\x00{}\x00"
_MARKS = re.compile(r'"\\u0000([0-9]+)\\u0000"')


class _Template:
    """A body whose fields sit at fixed paths, written once; a request only fills it in.

    The spec fixes where the contacts and each pagination field go
    (``x-kapso-pagination``), so the JSON around them never changes: it is
    rendered at start with a mark in each place and cut at the marks.
    """

    def __init__(self, fields: Sequence[tuple[str, ...]]) -> None:
        body: dict[str, Any] = {}
        for index, parts in enumerate(fields):
            _put(body, parts, _MARK.format(index))
        pieces = _MARKS.split(json_text(body))
        self._static = [piece.encode() for piece in pieces[0::2]]
        self._order = [int(index) for index in pieces[1::2]]

    def render(self, values: Sequence[bytes]) -> bytes:
        """The body with ``values`` (JSON, one per field, in the fields' order) in place."""
        out = [self._static[0]]
        for index, static in zip(self._order, self._static[1:], strict=True):
            out += (values[index], static)
        return b"".join(out)


def _array(bodies: list[bytes]) -> bytes:
    return b"[" + b",".join(bodies) + b"]"


def _put(body: dict[str, Any], parts: tuple[str, ...], value: Any) -> None:
    """Set ``value`` at a path (a ``FieldPath``'s parts), creating the objects on the way."""
    node = body
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
