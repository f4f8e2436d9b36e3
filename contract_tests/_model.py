"""What each filter means, per the docs page and the spec, applied locally.

Used by the metamorphic checks: a filtered walk must equal the unfiltered
walk of the same window filtered here. Where the docs leave a reading open
(which Unicode case mapping "case-insensitive" uses), a contact that matches
under one reading and not the other is ambiguous and never held against the
server either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

Contact = Mapping[str, Any]


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 / RFC 3339 timestamp into an aware UTC datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def name_match(needle: str, name: str) -> bool | None:
    """Case-insensitive Unicode substring; None when case readings disagree."""
    readings = {needle.lower() in name.lower(), needle.casefold() in name.casefold()}
    return readings.pop() if len(readings) == 1 else None


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


def filter_match(contact: Contact, name: str, value: Any) -> bool | None:
    """Whether one filter admits the contact (None: ambiguous or not knowable locally)."""
    if name == "profile_name_contains":
        if value == "":
            return True
        return name_match(str(value), str(contact.get("profile_name") or ""))
    if name == "wa_id_contains":
        wa_id = contact.get("wa_id")
        if wa_id is None:
            # An empty needle: the docs do not say whether it filters at all.
            return None if value == "" else False
        return str(value) in str(wa_id)
    if name in ("customer_id", "business_scoped_user_id"):
        # An empty exact-match value: the docs do not say whether it filters at all.
        return None if value == "" else contact.get(name) == value
    if name == "has_customer":
        return (contact.get("customer_id") is not None) == _as_bool(value)
    if name in ("created_after", "created_before"):
        created = parse_instant(str(contact["created_at"]))
        bound = value if isinstance(value, datetime) else parse_instant(str(value))
        # Spec: both bounds are exclusive.
        return created > bound if name == "created_after" else created < bound
    if name == "customer_external_id":
        # The contact does not carry its customer's external id: only a customer is implied.
        return None if contact.get("customer_id") is not None or value == "" else False
    raise ValueError(f"unknown filter {name}")


def matches(contact: Contact, filters: Mapping[str, Any]) -> bool | None:
    """AND of every filter (docs: filters combine with AND); None when any is ambiguous."""
    result: bool | None = True
    for name, value in filters.items():
        one = filter_match(contact, name, value)
        if one is False:
            return False
        if one is None:
            result = None
    return result


def describe(contact: Contact) -> str:
    """A short, key-free description of a contact for failure messages."""
    return (
        f"id={contact.get('id')} created_at={contact.get('created_at')} "
        f"profile_name={contact.get('profile_name')!r} wa_id={contact.get('wa_id')!r} "
        f"customer_id={contact.get('customer_id')!r}"
    )
