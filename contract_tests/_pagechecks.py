"""Properties one response must have, given the query that asked for it.

Pure functions of (query, status, headers, body), raising AssertionError with
one line: what was promised and what came back. The schemathesis checks in
`hooks.py` and the semantic tests both call them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from contract_tests import _model
from contract_tests._constants import FILTERS
from contract_tests._rules import pagination_mode, violated_rules

# Docs page: limit and per_page default to 20.
DEFAULT_PAGE_SIZE = 20
LEGACY_HEADERS = ("x-total", "x-total-pages", "x-per-page", "x-page", "link")


def header(headers: Mapping[str, Any], name: str) -> str | None:
    """A header's first value from httpx headers or schemathesis' lowercase lists."""
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) and value else value)
    return None


def rules_enforced(query: Mapping[str, Any], status: int) -> None:
    """Spec, Cross-parameter rules: a refused combination is a 400."""
    broken = violated_rules(query)
    if broken and status != 400:
        raise AssertionError(f"{broken[0]}; got {status}")


def envelope_matches_mode(query: Mapping[str, Any], headers: Mapping[str, Any], body: Any) -> None:
    """Spec: cursor mode answers {data, paging}; legacy {data, meta} + X-Total*/Link."""
    if not isinstance(body, dict):
        raise AssertionError(f"a 200 answers a JSON object; got {type(body).__name__}")
    has_meta, has_paging = "meta" in body, "paging" in body
    if has_meta == has_paging:
        raise AssertionError(
            f"a response carries exactly one of `meta` and `paging`; got keys {sorted(body)}"
        )
    mode = pagination_mode(query)
    if mode == "cursor" and not has_paging:
        raise AssertionError("a cursor-mode request (limit/after/before) gets `paging`; got `meta`")
    if mode == "legacy" and not has_meta:
        raise AssertionError("a legacy request (page/per_page) gets `meta`; got `paging`")
    if has_meta:
        missing = [name for name in LEGACY_HEADERS if header(headers, name) is None]
        if missing:
            raise AssertionError(f"legacy mode carries X-Total*, Link headers; missing {missing}")


def page_size(query: Mapping[str, Any], body: Mapping[str, Any]) -> int:
    """The page size in force: limit/per_page, else the documented default 20."""
    name = "limit" if "paging" in body else "per_page"
    try:
        return int(query.get(name, DEFAULT_PAGE_SIZE))
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE


def page_respects_size(query: Mapping[str, Any], body: Mapping[str, Any]) -> None:
    """Docs: limit / per_page is the maximum number of results per page (default 20)."""
    size = page_size(query, body)
    data = body.get("data") or []
    if len(data) > size:
        raise AssertionError(f"a page holds at most {size} contacts; got {len(data)}")


def newest_first(contacts: Sequence[Mapping[str, Any]]) -> None:
    """Spec: order is newest first by created_at."""
    previous: Any = None
    for contact in contacts:
        created = _model.parse_instant(str(contact.get("created_at")))
        if previous is not None and created > previous:
            raise AssertionError(
                f"contacts come newest first; {_model.describe(contact)} follows one created"
                f" at {previous.isoformat()}"
            )
        previous = created


def filters_of(query: Mapping[str, Any]) -> dict[str, Any]:
    """The filter parameters of a query, with values the local model can read."""
    found: dict[str, Any] = {}
    for name in FILTERS:
        if name not in query or query[name] is None:
            continue
        value = query[name]
        if name in ("created_after", "created_before"):
            try:
                value = _model.parse_instant(str(value))
            except ValueError:
                continue  # a reading the local model cannot make: not held against the server
        found[name] = value
    return found


def filters_sound(query: Mapping[str, Any], contacts: Sequence[Mapping[str, Any]]) -> None:
    """Docs: every returned contact matches every filter (AND)."""
    filters = filters_of(query)
    for contact in contacts:
        for name, value in filters.items():
            if _model.filter_match(contact, name, value) is False:
                raise AssertionError(
                    f"filter {name}={query[name]!r} admits only matching contacts; got"
                    f" {_model.describe(contact)}"
                )


def legacy_totals(query: Mapping[str, Any], headers: Mapping[str, Any], body: Any) -> None:
    """Facts/spec: meta and X-Total* agree; a page holds min(per_page, what is left)."""
    meta = body.get("meta")
    if not isinstance(meta, dict):
        return
    total, pages = meta.get("total_count"), meta.get("total_pages")
    page, per_page = meta.get("page"), meta.get("per_page")
    if not (
        isinstance(total, int)
        and isinstance(pages, int)
        and isinstance(page, int)
        and isinstance(per_page, int)
        and per_page >= 1
    ):
        return  # the schema check reports the types
    for name, default in (("page", 1), ("per_page", DEFAULT_PAGE_SIZE)):
        try:
            want = int(query.get(name, default))
        except (TypeError, ValueError):
            continue
        if meta[name] != want:
            raise AssertionError(f"meta.{name} echoes the request ({want}); got {meta[name]}")
    expected_pages = math.ceil(total / per_page)
    if pages != expected_pages and not (total == 0 and pages == 1):
        raise AssertionError(
            f"meta.total_pages is ceil(total_count / per_page) = {expected_pages}; got {pages}"
        )
    for name, value in (
        ("x-total", total),
        ("x-total-pages", pages),
        ("x-per-page", per_page),
        ("x-page", page),
    ):
        got = header(headers, name)
        if got is not None and got != str(value):
            raise AssertionError(f"header {name} agrees with meta ({value}); got {got!r}")
    expected_len = max(0, min(per_page, total - (page - 1) * per_page))
    data = body.get("data") or []
    if len(data) != expected_len:
        raise AssertionError(
            f"legacy page {page} of {total} contacts at per_page={per_page} holds"
            f" {expected_len}; got {len(data)}"
        )
