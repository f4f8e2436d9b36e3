"""A request's query, built from the client's arguments and checked against the contract.

Each argument is checked for its Python type (by the parameter's kind in the
spec), written as the query carries it, and the whole query is then read by
``contract.assess``, the same reader the fake and the contract suite use, so
the client refuses exactly what the spec refuses, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ._errors import InvalidParameterError
from .contract import Contract, ContractError, Parameter, assess, shown, to_query_value


def page_size(contract: Contract, limit: int | None, *, walk: bool) -> int:
    """``limit`` if given; else the largest page for a walk, the documented default for one page.

    Raises:
        ContractError: If the spec gives ``limit`` no documented default.
    """
    if limit is not None:
        return limit
    parameter = contract.pagination.cursor.limit
    size = (parameter.maximum if walk else None) or parameter.default
    if size is None:
        raise ContractError(f"the spec gives `{parameter.name}` no documented default")
    return int(size)


def build_query(
    contract: Contract,
    *,
    limit: int,
    after: str | None,
    before: str | None,
    filters: Mapping[str, object],
) -> dict[str, str]:
    """The query string of a cursor-mode request, as parameter name to value.

    Args:
        contract: The contract to check against.
        limit: Contacts per page.
        after: Start after this cursor (a page's ``next_cursor``).
        before: Start before this cursor (a page's ``previous_cursor``).
        filters: Filter parameters by name; ``None`` values are left out.

    Returns:
        The query, each value written as the API reads it.

    Raises:
        InvalidParameterError: Naming the parameter, for an unknown filter, a value
            of the wrong type, or a value (or combination) the contract refuses.
    """
    cursor = contract.pagination.cursor
    given: dict[str, object] = {cursor.limit.name: limit}
    for parameter, position in ((cursor.after, after), (cursor.before, before)):
        if position is not None:
            given[parameter.name] = position
    for name, value in filters.items():
        if name not in contract.filters:
            known = ", ".join(contract.filters)
            raise InvalidParameterError(name, f"unknown filter {name!r}; the filters are: {known}")
        if value is not None:
            given[name] = value
    query = {
        name: _written(contract, contract.parameters[name], value) for name, value in given.items()
    }
    refusal = assess(contract, query).first
    if refusal is not None:
        raise InvalidParameterError(refusal.parameter, refusal.message)
    return query


def _written(contract: Contract, parameter: Parameter, value: object) -> str:
    """``value`` as the query carries it, once its Python type fits the parameter's kind."""
    name, kind = parameter.name, parameter.kind
    if kind == "date-time":
        # isoformat() keeps the caller's offset; RFC 3339 reads it as the same instant.
        return parse_timestamp(name, value).isoformat()
    if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        span = f" {parameter.span}" if parameter.span else ""
        raise InvalidParameterError(name, f"{name} must be an integer{span}, got {value!r}")
    if kind == "boolean" and not isinstance(value, bool):
        raise InvalidParameterError(name, f"{name} must be True or False, got {_shown(value)}")
    if kind in ("string", "cursor") and not isinstance(value, str):
        raise InvalidParameterError(name, f"{name} must be a string, got {value!r}")
    return to_query_value(contract, parameter, value)


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
                f"{name} must be an ISO 8601 timestamp such as 2025-03-26T15:00:00Z, "
                f"got {shown(value)}",
            ) from None
    else:
        raise InvalidParameterError(
            name, f"{name} must be a datetime or an ISO 8601 string, got {value!r}"
        )
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _shown(value: object) -> str:
    return shown(value) if isinstance(value, str) else repr(value)
