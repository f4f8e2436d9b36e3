"""What each filter keeps, applied locally: one generic model built from `contract.filters`.

Used by the metamorphic checks: a filtered walk must equal the unfiltered
walk of the same window filtered here. A filter reads one field (`field`) and
keeps a contact by its `match`: `equals`, `contains` (case-sensitive, or
Unicode case-insensitive), `present`, `after` or `before` (exclusive bounds).
Where the contract leaves a reading open (which Unicode case mapping
"case-insensitive" uses), a contact that matches under one reading and not
the other is ambiguous (None) and never held against the server either way.
A field of the contact's customer (`customer.*`) is not in the response: such
a filter is unknowable locally, except that a contact without a customer
cannot match it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kapso_contacts.contract import (
    Contract,
    Filter,
    Instant,
    assess,
    parse_rfc3339,
    to_query_value,
)

ContactJSON = Mapping[str, Any]


def instant(text: Any) -> datetime | None:
    """A timestamp of a response as a UTC datetime (None if it is not RFC 3339)."""
    try:
        return parse_rfc3339(str(text)).floor
    except ValueError:
        return None


def filter_values(contract: Contract, filters: Mapping[str, Any]) -> dict[str, Any]:
    """The typed filter values a server following the contract reads from `filters`.

    `filters` maps parameter names to Python values (str, bool, datetime); they
    are written as the query carries them and read back with `assess`, so empty
    or refused values drop out exactly as the contract says.
    """
    query = {
        name: to_query_value(contract, contract.parameters[name], value)
        for name, value in filters.items()
    }
    return {
        name: value
        for name, value in assess(contract, query).values.items()
        if name in contract.filters
    }


def name_match(needle: str, text: str) -> bool | None:
    """Case-insensitive Unicode substring; None when the case readings disagree."""
    readings = {needle.lower() in text.lower(), needle.casefold() in text.casefold()}
    return readings.pop() if len(readings) == 1 else None


def filter_match(contract: Contract, contact: ContactJSON, name: str, value: Any) -> bool | None:
    """Whether one filter (typed `value`) keeps the contact; None: ambiguous or unknowable."""
    rule = contract.filters[name]
    if rule.on_customer:
        return _customer_match(contract, rule, contact)
    field = contact.get(rule.field)
    if rule.match == "present":
        return bool((field is not None) == value)
    if field is None:
        return False
    if rule.match == "equals":
        return bool(field == value)
    if rule.match == "contains":
        if rule.case_insensitive:
            return name_match(str(value), str(field))
        return str(value) in str(field)
    created = instant(field)
    if created is None or not isinstance(value, Instant):
        return None
    # Both bounds are exclusive: compare with the bound's floor or ceiling (sub-microsecond digits).
    return created > value.floor if rule.match == "after" else created < value.ceiling()


def customer_link(contract: Contract, rule: Filter) -> str | None:
    """The contact field naming the customer a `customer.*` filter reads (`customer_id`)."""
    if not rule.on_customer:
        return None
    link = rule.field.split(".", 1)[0] + "_id"
    return link if link in contract.contact_fields else None


def _customer_match(contract: Contract, rule: Filter, contact: ContactJSON) -> bool | None:
    """A customer's field: unknowable, unless the contact has no customer."""
    link = customer_link(contract, rule)
    if link is not None and contact.get(link) is None:
        return False
    return None


def matches(contract: Contract, contact: ContactJSON, values: Mapping[str, Any]) -> bool | None:
    """AND of every filter (filters combine with AND); None when any is ambiguous."""
    result: bool | None = True
    for name, value in values.items():
        one = filter_match(contract, contact, name, value)
        if one is False:
            return False
        if one is None:
            result = None
    return result


def first_refusing(
    contract: Contract, contact: ContactJSON, values: Mapping[str, Any]
) -> str | None:
    """The first filter that does not keep `contact`, if any."""
    return next(
        (n for n, v in values.items() if filter_match(contract, contact, n, v) is False), None
    )


def describe(contract: Contract, contact: ContactJSON) -> str:
    """A short, key-free description of a contact: its order keys and the fields filters read."""
    fields = [key.field for key in contract.order]
    for rule in contract.filters.values():
        if not rule.on_customer and rule.field not in fields:
            fields.append(rule.field)
    return " ".join(f"{name}={contact.get(name)!r}" for name in fields)
