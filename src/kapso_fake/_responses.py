"""JSON responses and the two list envelopes (cursor and legacy)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL
from starlette.responses import Response

from ._constants import MAX_LEGACY_PAGE, MAX_LEGACY_WINDOW
from ._cursor import encode_cursor
from ._params import LegacyPage
from .store import Contact, CursorResult


def json_response(
    body: object, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Return ``body`` as compact UTF-8 JSON."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, status_code, headers, media_type="application/json")


def error_response(
    status_code: int, error: str, headers: Mapping[str, str] | None = None, **extra: str
) -> Response:
    """Return the generic ``{"error": ...}`` body."""
    return json_response({"error": error, **extra}, status_code, headers)


def cursor_response(result: CursorResult) -> Response:
    """Return a cursor-mode page: ``{data, paging}``."""
    first = _cursor_of(result.contacts[0]) if result.contacts else None
    last = _cursor_of(result.contacts[-1]) if result.contacts else None
    paging = {
        "cursors": {"before": first, "after": last},
        "next": last if result.has_next else None,
        "previous": first if result.has_previous else None,
    }
    return json_response({"data": result.contacts, "paging": paging})


def legacy_response(contacts: list[Contact], total: int, page: LegacyPage, url: URL) -> Response:
    """Return a legacy page: ``{data, meta}``, the ``X-Total*`` headers and ``Link``."""
    total_pages = math.ceil(total / page.per_page)
    meta = {
        "page": page.page,
        "per_page": page.per_page,
        "total_pages": total_pages,
        "total_count": total,
    }
    headers = {
        "X-Total": str(total),
        "X-Total-Pages": str(total_pages),
        "X-Per-Page": str(page.per_page),
        "X-Page": str(page.page),
        "Link": _links(url, page, total_pages),
    }
    return json_response({"data": contacts, "meta": meta}, headers=headers)


def _cursor_of(contact: Contact) -> str:
    return encode_cursor(contact["created_at"], contact["id"])


def _links(url: URL, page: LegacyPage, total_pages: int) -> str:
    """RFC 8288 links; they only point at pages this server answers (no 400 behind a link)."""
    reachable = min(MAX_LEGACY_PAGE, MAX_LEGACY_WINDOW // page.per_page)
    last = min(total_pages, reachable)
    rels = {"first": 1}
    if page.page > 1:
        rels["prev"] = min(page.page - 1, max(last, 1))
    if page.page < last:
        rels["next"] = page.page + 1
    if last >= 1:
        rels["last"] = last
    kept = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k not in _PAGING]
    return ", ".join(
        f"<{url.replace(query=urlencode([*kept, ('page', n), ('per_page', page.per_page)]))}>; "
        f'rel="{rel}"'
        for rel, n in rels.items()
    )


_PAGING = ("page", "per_page")
