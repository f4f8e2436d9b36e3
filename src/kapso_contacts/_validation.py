"""Check parameters against their documented ranges before anything is sent."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, TypedDict

from ._constants import MAX_PAGE_SIZE, MIN_PAGE_SIZE
from ._errors import InvalidParameterError

# The spec's `Cursor` schema: Base64, standard or URL-safe alphabet.
_CURSOR = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")

_TEXT_FILTERS = (
    "customer_id",
    "customer_external_id",
    "profile_name_contains",
    "wa_id_contains",
    "business_scoped_user_id",
)
_TIME_FILTERS = ("created_after", "created_before")


class ContactFilters(TypedDict, total=False):
    """Filters of the List contacts endpoint; they combine with AND."""

    customer_id: str
    customer_external_id: str
    has_customer: bool
    profile_name_contains: str
    wa_id_contains: str
    business_scoped_user_id: str
    #: A timezone-aware ``datetime`` or an ISO 8601 string; a naive one is taken as UTC.
    created_after: datetime | str
    created_before: datetime | str


FILTER_NAMES: tuple[str, ...] = (*_TEXT_FILTERS, "has_customer", *_TIME_FILTERS)


def check_limit(limit: int) -> int:
    """Return ``limit`` if it is a whole number from 1 to 100.

    Raises:
        InvalidParameterError: Naming ``limit`` and the allowed range.
    """
    is_int = isinstance(limit, int) and not isinstance(limit, bool)
    if not is_int or not MIN_PAGE_SIZE <= limit <= MAX_PAGE_SIZE:
        raise InvalidParameterError(
            "limit",
            f"limit must be an integer from {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE}, got {limit!r}",
        )
    return limit


def check_cursor(name: str, cursor: str | None) -> str | None:
    """Return ``cursor`` if it is ``None`` or shaped like a Base64 cursor.

    Raises:
        InvalidParameterError: Naming the parameter and the expected shape.
    """
    if cursor is None:
        return None
    if not isinstance(cursor, str) or not _CURSOR.fullmatch(cursor):
        raise InvalidParameterError(
            name,
            f"{name} must be a cursor from a previous page (non-empty Base64), got {cursor!r}",
        )
    return cursor


def check_filters(filters: ContactFilters) -> dict[str, Any]:
    """Return the filters as keyword arguments for the generated ``list_contacts`` call.

    Raises:
        InvalidParameterError: For an unknown filter or a value of the wrong kind.
    """
    checked: dict[str, Any] = {}
    for name, value in filters.items():
        if value is None:
            continue
        if name in _TEXT_FILTERS:
            if not isinstance(value, str):
                raise InvalidParameterError(name, f"{name} must be a string, got {value!r}")
            checked[name] = value
        elif name == "has_customer":
            if not isinstance(value, bool):
                raise InvalidParameterError(
                    name, f"has_customer must be True or False, got {value!r}"
                )
            checked[name] = value
        elif name in _TIME_FILTERS:
            checked[name] = parse_timestamp(name, value)
        else:
            raise InvalidParameterError(
                name, f"unknown filter {name!r}; the filters are: {', '.join(FILTER_NAMES)}"
            )
    return checked


def parse_timestamp(name: str, value: object) -> datetime:
    """Return ``value`` (a ``datetime`` or an ISO 8601 string) as an aware ``datetime``.

    A date alone means midnight; a value without a UTC offset is taken as UTC.

    Raises:
        InvalidParameterError: Naming the parameter when the value is not a timestamp.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidParameterError(
                name,
                f"{name} must be an ISO 8601 timestamp such as 2025-03-26T15:00:00Z, got {value!r}",
            ) from None
    else:
        raise InvalidParameterError(
            name, f"{name} must be a datetime or an ISO 8601 string, got {value!r}"
        )
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
