"""Tiny broken servers: the real fake behind a wrapper that breaks one documented property."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from kapso_fake import create_app

ASGIApp = Callable[..., Any]
# (query, status, body) -> (status, body); body is the parsed JSON.
Rewrite = Callable[[dict[str, str], int, Any], tuple[int, Any]]
# query -> query sent on to the real fake.
QueryRewrite = Callable[[dict[str, str]], dict[str, str]]

KEY = "suite-test-key"


def fake(contacts: int = 400, key: str = KEY) -> ASGIApp:
    """The real fake, small enough for fast tests."""
    return create_app(contacts=contacts, seed=3, api_keys=[key])


def broken(
    *,
    query: QueryRewrite | None = None,
    response: Rewrite | None = None,
    contacts: int = 400,
    key: str = KEY,
) -> ASGIApp:
    """The fake, with its query and/or its JSON answer rewritten."""
    app = fake(contacts, key)

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        params = dict(parse_qsl(scope["query_string"].decode(), keep_blank_values=True))
        if query is not None:
            params = query(params)
            scope = {**scope, "query_string": urlencode(params).encode()}
        if response is None:
            await app(scope, receive, send)
            return
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            else:
                chunks.append(message.get("body", b""))

        await app(scope, receive, capture)
        status, body = response(params, started["status"], json.loads(b"".join(chunks) or b"null"))
        payload = json.dumps(body).encode()
        headers = [
            (k, v) for k, v in started.get("headers", []) if k.lower() != b"content-length"
        ] + [(b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return wrapped


def cursor_of(contact: dict[str, Any]) -> str:
    """A keyset cursor for a contact, as the fake writes them."""
    raw = json.dumps(
        {"values": [contact["created_at"], contact["id"]], "columns": ["created_at", "id"]}
    )
    return base64.urlsafe_b64encode(raw.replace(" ", "").encode()).decode()


def _drop(name: str) -> QueryRewrite:
    return lambda q: {k: v for k, v in q.items() if k != name}


def _pages(change: Callable[[dict[str, str], dict[str, Any]], None]) -> Rewrite:
    def rewrite(q: dict[str, str], status: int, body: Any) -> tuple[int, Any]:
        if status == 200 and isinstance(body, dict):
            change(q, body)
        return status, body

    return rewrite


def _reverse(q: dict[str, str], body: dict[str, Any]) -> None:
    body["data"].reverse()


def _gap(q: dict[str, str], body: dict[str, Any]) -> None:
    if body.get("paging", {}).get("next") and len(body["data"]) > 1:
        body["data"].pop()


def _next_at_end(q: dict[str, str], body: dict[str, Any]) -> None:
    paging = body.get("paging")
    if paging is not None and paging.get("next") is None and body["data"]:
        paging["next"] = cursor_of(body["data"][-1])


def _count_one_more(q: dict[str, str], body: dict[str, Any]) -> None:
    if "meta" in body:
        body["meta"]["total_count"] += 1


def _both_envelopes(q: dict[str, str], body: dict[str, Any]) -> None:
    if "paging" in body:
        body["meta"] = {"page": 1, "per_page": 20, "total_pages": 1, "total_count": 1}


def _case_sensitive(q: dict[str, str], body: dict[str, Any]) -> None:
    needle = q.get("profile_name_contains")
    if needle:
        body["data"] = [c for c in body["data"] if needle in c["profile_name"]]


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_case_folding(q: dict[str, str], body: dict[str, Any]) -> None:
    """SQLite LIKE: only A-Z fold, so 'ÉLO' misses 'Élodie' (the fake's answer, narrowed)."""
    needle = q.get("profile_name_contains")
    if needle:
        folded = needle.translate(_ASCII_LOWER)
        body["data"] = [
            c for c in body["data"] if folded in c["profile_name"].translate(_ASCII_LOWER)
        ]


def _crash_on(test: Callable[[str], bool]) -> Rewrite:
    def rewrite(q: dict[str, str], status: int, body: Any) -> tuple[int, Any]:
        if any(test(value) for value in q.values()):
            return 500, {"error": "internal server error"}
        return status, body

    return rewrite


def _generic_legacy_error(q: dict[str, str], status: int, body: Any) -> tuple[int, Any]:
    if status == 400 and isinstance(body, dict) and "detail" in body:
        return 400, {"error": "page too large"}
    return status, body


def _unparseable_401(q: dict[str, str], status: int, body: Any) -> tuple[int, Any]:
    return (401, {"message": "no"}) if status == 401 else (status, body)


def _inclusive_after(q: dict[str, str]) -> dict[str, str]:
    from datetime import timedelta

    from kapso_contacts.contract import parse_rfc3339

    if "created_after" in q:
        bound = parse_rfc3339(q["created_after"]).floor - timedelta(microseconds=1)
        q = {**q, "created_after": bound.isoformat()}
    return q


def clamp_limit(q: dict[str, str]) -> dict[str, str]:
    if q.get("limit", "").lstrip("-").isdigit():
        q = {**q, "limit": str(min(100, max(1, int(q["limit"]))))}
    return q


def _wildcard_underscore(q: dict[str, str]) -> dict[str, str]:
    needle = q.get("profile_name_contains", "")
    return _drop("profile_name_contains")(q) if "_" in needle or "%" in needle else q


# name -> (app factory, test to run, text the failure must contain; "|" separates alternatives)
BROKEN: dict[str, tuple[Callable[[], ASGIApp], str, str]] = {
    "ignores profile_name_contains": (
        lambda: broken(query=_drop("profile_name_contains")),
        "filters",
        "is sound",
    ),
    "ignores has_customer": (lambda: broken(query=_drop("has_customer")), "recipes", "is sound"),
    "ignores wa_id_contains": (
        lambda: broken(query=_drop("wa_id_contains")),
        "recipes",
        "is sound",
    ),
    "reads % and _ as wildcards": (
        lambda: broken(query=_wildcard_underscore),
        "recipes",
        "is sound",
    ),
    "compares names case-sensitively": (
        lambda: broken(response=_pages(_case_sensitive)),
        "recipes",
        "are complete",
    ),
    "treats created_after as inclusive": (
        lambda: broken(query=_inclusive_after),
        "dates",
        "is exclusive",
    ),
    "lists oldest first": (
        lambda: broken(response=_pages(_reverse)),
        "order",
        "contacts are ordered by created_at, descending",
    ),
    "drops a contact at each page end": (
        lambda: broken(response=_pages(_gap)),
        "walk",
        # The anchor itself is read through the broken server, so either side may show it.
        "has no gaps|holds only the expected contacts",
    ),
    "sets next on the last page": (
        lambda: broken(response=_pages(_next_at_end)),
        "walk",
        "null exactly at the end",
    ),
    "ignores before": (lambda: broken(query=_drop("before")), "before", "`before` from page"),
    "miscounts meta.total_count": (
        lambda: broken(response=_pages(_count_one_more)),
        "legacy",
        "total_count",
    ),
    "answers cursor mode with meta too": (
        lambda: broken(response=_pages(_both_envelopes)),
        "envelope",
        "exactly one of `meta` and `paging`",
    ),
    "clamps limit instead of refusing it": (
        lambda: broken(query=clamp_limit),
        "ranges",
        "past the range: expected 400, got 200",
    ),
    "answers page 51 with a generic error": (
        lambda: broken(response=_generic_legacy_error),
        "legacy_body",
        "the 400 body is LegacyPaginationLimitError|legacy limit 400 carries",
    ),
    "folds the case of ASCII letters only": (
        lambda: broken(response=_pages(_ascii_case_folding)),
        "case_folding",
        "are complete",
    ),
    "crashes on a character outside the BMP": (
        lambda: broken(response=_crash_on(lambda v: any(ord(ch) > 0xFFFF for ch in v))),
        "awkward",
        "accepts any string (astral",
    ),
    "crashes on a filter value over 255 characters": (
        lambda: broken(response=_crash_on(lambda v: len(v) > 255)),
        "awkward",
        "accepts any string (4096 characters): expected 200, got 500",
    ),
    "sends a 401 body the client cannot parse": (
        lambda: broken(response=_unparseable_401),
        "auth",
        "parses with the generated client",
    ),
}


# A server that keeps every documented promise but reads the parts Kapso's docs leave open
# differently from the spec (each one an assumption, `assumed:` in openapi/contacts.yaml).
_RAILS_TRUE = ("true", "1", "t", "yes")
_CURSOR_PARAMS = ("limit", "after", "before")
_LEGACY_PARAMS = ("page", "per_page")


def _read_the_silent_parts_otherwise(q: dict[str, str]) -> dict[str, str]:
    """Cursor parameters win over page/per_page; page=0 is page 1; has_customer cast as Rails."""
    q = dict(q)
    if any(name in q for name in _CURSOR_PARAMS):
        q = {k: v for k, v in q.items() if k not in _LEGACY_PARAMS}
    if q.get("page") == "0":
        q["page"] = "1"
    if "has_customer" in q:
        value = q.pop("has_customer").strip().lower()
        if value:  # Rails: blank means no filter
            q["has_customer"] = "true" if value in _RAILS_TRUE else "false"
    return q


def _unissued_cursor_is_422(q: dict[str, str], status: int, body: Any) -> tuple[int, Any]:
    """A cursor the server did not issue gets a 422 {"error": ...} (as Kapso's other endpoints)."""
    if status == 400 and isinstance(body, dict) and body.get("parameter") in ("after", "before"):
        return 422, {"error": body.get("error", "invalid cursor")}
    return status, body


def assumptions_read_otherwise(contacts: int = 400, key: str = KEY) -> ASGIApp:
    """The fake, reading every silent part of the docs differently from the spec."""
    return broken(
        query=_read_the_silent_parts_otherwise,
        response=_unissued_cursor_is_422,
        contacts=contacts,
        key=key,
    )
