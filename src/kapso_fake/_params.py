"""Parse and validate the query string of a list request.

Every rule where Kapso's docs are silent is described in ``docs/fake-policy.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ._constants import DEFAULT_PAGE_SIZE, MAX_LEGACY_PAGE, MAX_LEGACY_WINDOW, MAX_PAGE_SIZE
from ._cursor import CursorError, Keyset, decode_cursor
from ._filters import Filters
from ._timestamps import parse_rfc3339

_INTEGER = re.compile(r"-?[0-9]+")
_LEGACY = ("page", "per_page")
_CURSOR = ("limit", "after", "before")
_STRING_FILTERS = (
    "customer_id",
    "customer_external_id",
    "profile_name_contains",
    "wa_id_contains",
    "business_scoped_user_id",
)


@dataclass(frozen=True, slots=True)
class LegacyPage:
    """Legacy offset pagination."""

    page: int
    per_page: int


@dataclass(frozen=True, slots=True)
class CursorPage:
    """Keyset pagination; at most one of ``after`` and ``before`` is set."""

    limit: int
    after: Keyset | None = None
    before: Keyset | None = None


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A validated list request."""

    filters: Filters
    pagination: LegacyPage | CursorPage


class ParameterError(ValueError):
    """A query parameter the server refuses (the generic 400 body)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message

    def body(self) -> dict[str, object]:
        """Return the JSON body of the 400 answer."""
        return {"error": self.message, "parameter": self.parameter}


class LegacyLimitError(ValueError):
    """A legacy request past page 50 or past a window of 5,000."""

    def __init__(self, page: int, per_page: int) -> None:
        super().__init__("legacy_offset_pagination_limit_exceeded")
        self.page = page
        self.per_page = per_page

    def body(self) -> dict[str, object]:
        """Return the documented ``legacy_offset_pagination_limit_exceeded`` body."""
        window = self.page * self.per_page
        if self.page > MAX_LEGACY_PAGE:
            detail = (
                f"Page {self.page} exceeds the maximum supported legacy offset page "
                f"({MAX_LEGACY_PAGE})."
            )
        else:
            detail = (
                f"Window {window} (page {self.page} x per_page {self.per_page}) exceeds the "
                f"maximum supported legacy offset window ({MAX_LEGACY_WINDOW})."
            )
        return {
            "message": "legacy_offset_pagination_limit_exceeded",
            "detail": detail + " Use cursor pagination with limit, after, and before.",
            "requested_page": self.page,
            "requested_per_page": self.per_page,
            "requested_window": window,
            "max_page": MAX_LEGACY_PAGE,
            "max_window": MAX_LEGACY_WINDOW,
            "cursor_example": f"/platform/v1/whatsapp/contacts?limit={min(self.per_page, 100)}",
        }


def parse_query(params: Mapping[str, Sequence[str]]) -> ListQuery:
    """Validate a query string given as name -> every value sent (the last one counts).

    Raises:
        ParameterError: a value of the wrong type or out of range, or a refused combination.
        LegacyLimitError: a legacy page past the documented limits.
    """
    given = {name: values[-1] for name, values in params.items() if values}
    filters = _parse_filters(given)
    page = _integer(given, "page", 1, None)
    per_page = _integer(given, "per_page", 1, MAX_PAGE_SIZE)
    limit = _integer(given, "limit", 1, MAX_PAGE_SIZE)
    before = _keyset(given, "before")
    after = _keyset(given, "after")
    if before is not None and after is not None:
        raise ParameterError("before", "before and after cannot be used together")
    legacy = [name for name in _LEGACY if name in given]
    cursor = [name for name in _CURSOR if name in given]
    if legacy and cursor:
        raise ParameterError(
            cursor[0],
            f"{legacy[0]} (legacy pagination) cannot be combined with {cursor[0]} "
            "(cursor pagination); use page/per_page or limit/after/before",
        )
    if cursor:
        return ListQuery(filters, CursorPage(limit or DEFAULT_PAGE_SIZE, after, before))
    legacy_page = LegacyPage(page or 1, per_page or DEFAULT_PAGE_SIZE)
    if (
        legacy_page.page > MAX_LEGACY_PAGE
        or legacy_page.page * legacy_page.per_page > MAX_LEGACY_WINDOW
    ):
        raise LegacyLimitError(legacy_page.page, legacy_page.per_page)
    return ListQuery(filters, legacy_page)


def _parse_filters(given: Mapping[str, str]) -> Filters:
    strings = {name: given.get(name) or None for name in _STRING_FILTERS}
    has_customer = given.get("has_customer")
    if has_customer is not None and has_customer not in ("true", "false"):
        raise ParameterError(
            "has_customer", f"has_customer must be true or false, got {_shown(has_customer)}"
        )
    after = _instant(given, "created_after")
    before = _instant(given, "created_before", ceiling=True)
    return Filters(
        has_customer=None if has_customer is None else has_customer == "true",
        created_after=after,
        created_before=before,
        **strings,
    )


def _instant(given: Mapping[str, str], name: str, *, ceiling: bool = False) -> datetime | None:
    text = given.get(name)
    if text is None:
        return None
    try:
        instant = parse_rfc3339(text)
        return instant.ceiling() if ceiling else instant.floor
    except (ValueError, OverflowError) as exc:
        raise ParameterError(name, f"{name} {exc}, got {_shown(text)}") from exc


def _integer(given: Mapping[str, str], name: str, low: int, high: int | None) -> int | None:
    text = given.get(name)
    if text is None:
        return None
    if not _INTEGER.fullmatch(text):
        raise ParameterError(name, f"{name} must be an integer, got {_shown(text)}")
    if len(text.lstrip("-")) > 18:  # int() of a huge string is slow or refused
        raise ParameterError(name, f"{name} is out of range, got {_shown(text)}")
    value = int(text)
    if value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ParameterError(name, f"{name} must be an integer {span}, got {_shown(text)}")
    return value


def _keyset(given: Mapping[str, str], name: str) -> Keyset | None:
    text = given.get(name)
    if text is None:
        return None
    if text == "":
        raise ParameterError(name, f"{name} must be a non-empty cursor")
    try:
        return decode_cursor(text)
    except CursorError as exc:
        raise ParameterError(name, f"{name} {exc}") from exc


def _shown(text: str) -> str:
    """Quote a client's value for an error message, cut to a readable length."""
    return repr(text if len(text) <= 40 else text[:40] + "...")
