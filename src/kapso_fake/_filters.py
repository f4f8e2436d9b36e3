"""The filters of a list request as SQL, built from the contract's ``x-kapso-filter`` facts.

Each filter's ``match`` has one SQL shape: ``equals`` (``=``), ``contains``
(``instr``, so ``%``, ``_`` and ``\\`` are literal; case-insensitive through the
casefolded column), ``present`` (``IS [NOT] NULL``), ``after`` / ``before``
(exclusive bounds on the API's fixed-width UTC timestamps, which sort as the
instants they denote). A ``customer.<field>`` filter reads the customers table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kapso_contacts.contract import (
    Contract,
    Filter,
    Instant,
    default_contract,
    format_timestamp,
    parse_rfc3339,
)

from ._layout import CUSTOMER_LINK, folded, quoted

Clause = tuple[str, list[object]]


class Filters:
    """The filters of one request: parameter name -> typed value; they combine with AND.

    Values are those ``assess`` reads (``str``, ``bool``, ``Instant``); a
    ``datetime`` (timezone-aware) or an RFC 3339 string also works for the
    date-time filters. ``None`` means not filtered, and so does an empty
    string when the spec says empty filters are ignored.
    """

    __slots__ = ("_args", "_sql", "contract", "values")

    def __init__(self, contract: Contract | None = None, /, **values: Any) -> None:
        """Check the values and build their SQL.

        Raises:
            ValueError: a name that is not a filter, a naive datetime, or a
                value of the wrong type for its filter.
        """
        self.contract = contract or default_contract()
        known = self.contract.filters
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"not filters of the contract: {', '.join(unknown)}")
        ignore_empty = self.contract.query.empty_filter == "ignore"
        self.values = {
            name: value
            for name, value in values.items()
            if value is not None and not (ignore_empty and value == "")
        }
        clauses = [_clause(known[name], value) for name, value in self.values.items()]
        self._sql = " AND ".join(sql for sql, _ in clauses) or "1"
        self._args = [arg for _, args in clauses for arg in args]

    def where(self) -> Clause:
        """The SQL condition (``1`` when unfiltered) and its arguments."""
        return self._sql, self._args

    def __repr__(self) -> str:
        return f"Filters({self.values!r})"


def _clause(filter_: Filter, value: Any) -> Clause:
    name = filter_.field.removeprefix("customer.") if filter_.on_customer else filter_.field
    sql, args = _MATCHES[filter_.match](filter_, name, value)
    if not filter_.on_customer:
        return sql, args
    link = quoted(CUSTOMER_LINK)
    if filter_.match == "present" and not value:
        # No customer, or a customer without the field.
        sql = f"{quoted(name)} IS NOT NULL"
        return f"coalesce({link} IN (SELECT id FROM customers WHERE {sql}), 0) = 0", []  # noqa: S608
    return f"{link} IN (SELECT id FROM customers WHERE {sql})", args  # noqa: S608


def _equals(filter_: Filter, name: str, value: Any) -> Clause:
    return f"{quoted(name)} = ?", [value]


def _contains(filter_: Filter, name: str, value: Any) -> Clause:
    if not isinstance(value, str):
        raise ValueError(f"{filter_.parameter} takes text, got {type(value).__name__}")
    if not filter_.case_insensitive:
        return f"instr({quoted(name)}, ?) > 0", [value]
    # Contacts keep a casefolded column; customers are few, folded on the fly.
    column = f"casefold({quoted(name)})" if filter_.on_customer else folded(name)
    return f"instr({column}, ?) > 0", [value.casefold()]


def _present(filter_: Filter, name: str, value: Any) -> Clause:
    if not isinstance(value, bool):
        raise ValueError(f"{filter_.parameter} takes true or false, got {value!r}")
    return f"{quoted(name)} IS {'NOT ' if value else ''}NULL", []


def _after(filter_: Filter, name: str, value: Any) -> Clause:
    # Exclusive: later than every microsecond at or before the instant.
    return f"{quoted(name)} > ?", [format_timestamp(_instant(filter_, value).floor)]


def _before(filter_: Filter, name: str, value: Any) -> Clause:
    # Exclusive: earlier than the first microsecond not before the instant.
    try:
        bound = _instant(filter_, value).ceiling()
    except OverflowError:
        return "1", []  # past the last instant a timestamp can hold: every contact is before it
    return f"{quoted(name)} < ?", [format_timestamp(bound)]


def _instant(filter_: Filter, value: Any) -> Instant:
    if isinstance(value, Instant):
        return value
    if isinstance(value, str):
        return parse_rfc3339(value)
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{filter_.parameter}: timestamps must be timezone-aware")
        return Instant(value.astimezone(UTC), inexact=False)
    raise ValueError(f"{filter_.parameter} takes a date-time, got {type(value).__name__}")


_MATCHES: dict[str, Callable[[Filter, str, Any], Clause]] = {
    "equals": _equals,
    "contains": _contains,
    "present": _present,
    "after": _after,
    "before": _before,
}
