"""The one keyset cursor codec: URL-safe Base64 of ``{"values": [...], "columns": [...]}``.

The columns are the listing's order keys (``x-kapso-order``: ``created_at``,
``id``); each value is checked against its Contact field's format, so only a
cursor this server could have issued decodes. The fake and its mutants both
page with this codec.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from json.encoder import encode_basestring
from typing import Any

from kapso_contacts.contract import (
    Contract,
    ContractError,
    default_contract,
    format_timestamp,
    parse_rfc3339,
)

from ._http import json_text

Keyset = tuple[str, ...]
"""A position in the listing: the order keys' values, as the store keeps them."""


class CursorError(ValueError):
    """A cursor that this server did not issue; the message says why."""


@dataclass(frozen=True)
class CursorCodec:
    """Encode and decode the cursors of one contract's listing order."""

    columns: tuple[str, ...]
    #: One normalizer per column: the stored form of a contact's value (``ValueError`` if none).
    normalizers: tuple[Callable[[str], str], ...]
    #: The spec's ``Cursor`` pattern (the Base64 alphabets).
    pattern: re.Pattern[str]
    _tail: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # The end of every cursor's JSON: the columns never change.
        object.__setattr__(self, "_tail", '],"columns":' + json_text(list(self.columns)) + "}")

    @classmethod
    def for_contract(cls, contract: Contract) -> CursorCodec:
        """The codec of ``contract``'s order keys.

        Raises:
            ContractError: an order key is not a string field of Contact.
        """
        columns = tuple(key.field for key in contract.order)
        normalizers = tuple(_normalizer(contract, name) for name in columns)
        after = contract.pagination.cursor.after
        return cls(columns, normalizers, re.compile(after.pattern or ".+"))

    def encode(self, keyset: Sequence[str]) -> str:
        """The cursor of ``keyset`` (the values of ``columns``, in order).

        Returns:
            URL-safe Base64, with padding, of the compact JSON keyset.
        """
        text = '{"values":[' + ",".join(map(encode_basestring, keyset)) + self._tail
        return base64.urlsafe_b64encode(text.encode()).decode("ascii")

    def key_of(self, contact: Mapping[str, Any]) -> Keyset:
        """A contact's keyset, each value in its stored form (timestamps as the API writes them).

        Raises:
            ValueError: a key field is missing or not a value of its format.
        """
        return tuple(
            normalize(_text(contact.get(column)))
            for column, normalize in zip(self.columns, self.normalizers, strict=True)
        )

    def decode(self, cursor: str) -> Keyset:
        """The keyset a cursor encodes; the standard and URL-safe alphabets, padded or not.

        Raises:
            CursorError: not Base64, not JSON, or not a keyset this server issues.
        """
        if not self.pattern.fullmatch(cursor):
            raise CursorError("is not Base64")
        body = cursor.rstrip("=").replace("-", "+").replace("_", "/")
        if len(body) % 4 == 1:
            raise CursorError("is not Base64 (truncated)")
        try:
            raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CursorError("is not Base64") from exc
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise CursorError("is not Base64-encoded JSON") from exc
        return self._keyset(payload)

    def _keyset(self, payload: object) -> Keyset:
        if not isinstance(payload, dict) or set(payload) != {"values", "columns"}:
            raise CursorError("is not a cursor issued by this API (expected values and columns)")
        if payload["columns"] != list(self.columns):
            raise CursorError("is not a cursor issued by this API (unexpected columns)")
        values = payload["values"]
        if not isinstance(values, list) or len(values) != len(self.columns):
            raise CursorError(
                f"is not a cursor issued by this API (expected {len(self.columns)} values)"
            )
        for column, value, normalize in zip(self.columns, values, self.normalizers, strict=True):
            try:
                if not isinstance(value, str) or normalize(value) != value:
                    raise ValueError(column)
            except ValueError as exc:
                raise CursorError(f"is not a cursor issued by this API (bad {column})") from exc
        return tuple(values)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    return value


def _normalizer(contract: Contract, name: str) -> Callable[[str], str]:
    field = contract.contact_fields.get(name)
    if field is None or "string" not in field.types:
        raise ContractError(f"x-kapso-order: {name} is not a string field of Contact")
    if field.format == "date-time":
        return _timestamp
    if field.format == "uuid":
        return _uuid
    return _text


def _timestamp(text: str) -> str:
    """The API's own form of a date-time (UTC, microseconds, ``Z``)."""
    return format_timestamp(parse_rfc3339(text).floor)


def _uuid(text: str) -> str:
    """The canonical lowercase form of a UUID."""
    return str(uuid.UUID(text))


@cache
def default_codec() -> CursorCodec:
    """The codec of the shipped spec."""
    return CursorCodec.for_contract(default_contract())


def encode_cursor(*values: str) -> str:
    """The cursor of a keyset under the shipped spec (``created_at``, ``id``)."""
    return default_codec().encode(values)


def decode_cursor(cursor: str) -> Keyset:
    """The keyset of a cursor under the shipped spec.

    Raises:
        CursorError: a cursor this server did not issue.
    """
    return default_codec().decode(cursor)
