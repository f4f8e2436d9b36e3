"""A contact in the shape of the spec's Contact schema: every field, checked, then its JSON.

The generator, ``ContactStore.add_contact`` and ``--data`` imports all go
through ``Shape``: a Contact field a contact lacks is served as null (or, if
not nullable, a plausible value of its type), fields the spec does not list
are kept as given, and the JSON is written once, at insert.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from kapso_contacts.contract import (
    ContactField,
    Contract,
    format_timestamp,
    parse_rfc3339,
    schema_problems,
    shown,
)

#: The component schema a contact is (what ``Contract.contact_fields`` reads).
_SCHEMA = "Contact"
_EPOCH = format_timestamp(datetime(1970, 1, 1, tzinfo=UTC))
_EMPTY: dict[str, Any] = {
    "string": "",
    "integer": 0,
    "number": 0,
    "boolean": False,
    "object": {},
    "array": [],
}
_FORMATS: dict[str, Callable[[str], object]] = {"date-time": parse_rfc3339, "uuid": uuid.UUID}


class Shape:
    """The Contact schema of one contract: complete, check and serialize contacts."""

    def __init__(self, contract: Contract) -> None:
        """Read the Contact fields of ``contract``."""
        self.contract = contract
        self.fields: tuple[ContactField, ...] = tuple(contract.contact_fields.values())
        self._names = tuple(f.name for f in self.fields)
        self._encode = json.JSONEncoder(
            ensure_ascii=False, separators=(",", ":"), check_circular=False
        ).encode

    def complete(
        self,
        contact: Mapping[str, Any],
        *,
        now: str | None = None,
        fresh_uuid: Callable[[], str] | None = None,
    ) -> dict[str, Any]:
        """``contact`` with every Contact field, in the spec's order, then any other field.

        A missing field is null where null is allowed; else a new UUID
        (``fresh_uuid``, or one derived from the contact's id), the contact's
        first date-time (or ``now``) for a date-time, or the empty value of its type.
        """
        if tuple(contact) == self._names:
            return dict(contact)
        done = {
            f.name: contact[f.name]
            if f.name in contact
            else self._default(f, contact, now, fresh_uuid)
            for f in self.fields
        }
        done.update((name, value) for name, value in contact.items() if name not in done)
        return done

    def body(self, contact: Mapping[str, Any]) -> bytes:
        """The contact's JSON, as the API writes it (compact UTF-8)."""
        return self._encode(contact).encode()

    def problems(self, contact: object) -> list[str]:
        """What makes ``contact`` not a Contact of the spec (empty when it is one)."""
        found = schema_problems(self.contract, _SCHEMA, contact)
        if found or not isinstance(contact, dict):
            return found
        for field in self.fields:
            value, check = contact.get(field.name), _FORMATS.get(field.format or "")
            if check is None or not isinstance(value, str):
                continue
            try:
                check(value)
            except ValueError:
                found.append(f"{field.name} is not a {field.format}: {shown(value)}")
        return found

    def _default(
        self,
        field: ContactField,
        contact: Mapping[str, Any],
        now: str | None,
        fresh_uuid: Callable[[], str] | None,
    ) -> Any:
        if field.nullable:
            return None
        kind = next(t for t in field.types if t != "null")
        if kind == "string" and field.format == "uuid":
            if fresh_uuid is not None:
                return fresh_uuid()
            # Stable for the contact: derived from its id and the field's name.
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{contact.get('id')}:{field.name}"))
        if kind == "string" and field.format == "date-time":
            dated = (
                contact[f.name]
                for f in self.fields
                if f.format == "date-time" and f.name in contact
            )
            return next(dated, now or _EPOCH)
        return copy.deepcopy(_EMPTY.get(kind))  # a fresh {} or [] each time
