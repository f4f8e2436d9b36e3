"""Encode and decode the Base64 JSON keyset cursors."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime

from ._constants import TIMESTAMP_FORMAT

_COLUMNS = ["created_at", "id"]
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")

Keyset = tuple[str, str]
"""A position in the listing: (``created_at`` as serialized, contact ``id``)."""


class CursorError(ValueError):
    """A cursor that this server did not issue."""


def encode_cursor(created_at: str, contact_id: str) -> str:
    """Return the cursor of the contact at (created_at, contact_id).

    Args:
        created_at: the contact's ``created_at`` exactly as the API writes it.
        contact_id: the contact's id (lowercase canonical UUID).

    Returns:
        URL-safe Base64 (with padding) of the compact JSON keyset.
    """
    keyset = {"values": [created_at, contact_id], "columns": _COLUMNS}
    payload = json.dumps(keyset, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode("ascii")


def decode_cursor(cursor: str) -> Keyset:
    """Return the keyset a cursor encodes.

    Accepts the standard and the URL-safe alphabets, with or without padding.

    Raises:
        CursorError: the text is not Base64, not JSON, or not a keyset of ours;
            the message says which.
    """
    if not _BASE64.fullmatch(cursor):
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
    return _keyset(payload)


def _keyset(payload: object) -> Keyset:
    if not isinstance(payload, dict) or set(payload) != {"values", "columns"}:
        raise CursorError("is not a cursor issued by this API (expected values and columns)")
    if payload["columns"] != _COLUMNS:
        raise CursorError("is not a cursor issued by this API (unexpected columns)")
    values = payload["values"]
    if not isinstance(values, list) or len(values) != 2:
        raise CursorError("is not a cursor issued by this API (expected two values)")
    created_at, contact_id = values
    if not isinstance(created_at, str) or not _TIMESTAMP.fullmatch(created_at):
        raise CursorError("is not a cursor issued by this API (bad created_at)")
    try:
        datetime.strptime(created_at, TIMESTAMP_FORMAT)
    except ValueError as exc:
        raise CursorError("is not a cursor issued by this API (bad created_at)") from exc
    if not isinstance(contact_id, str) or not _UUID.fullmatch(contact_id):
        raise CursorError("is not a cursor issued by this API (bad id)")
    return created_at, contact_id
