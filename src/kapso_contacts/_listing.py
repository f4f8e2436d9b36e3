"""A cursor page's body, read once: every value parsed, each contact's JSON text kept as sent.

The body is decoded with ``json.JSONDecoder.raw_decode`` element by element,
so one pass gives both the parsed values (for the cursors, the models and the
CSV) and the exact text of each contact (for an export that writes what the
API sent, unknown fields and number spellings included, without re-encoding).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.scanner import make_scanner
from typing import Any, cast

import httpx

from ._errors import APIResponseValidationError
from .contract import Contract

_DECODER = json.JSONDecoder()
# raw_decode without its wrapper, for the loop that runs once per contact. (typeshed
# asks for a scanner as the context, a TODO of its own: any decoder is one.)
_SCAN = make_scanner(cast(Any, _DECODER))
_SPACE = re.compile(r"[ \t\n\r]*")
_SPACES = frozenset(" \t\n\r")


@dataclass(frozen=True, slots=True)
class Listing:
    """A cursor page's body.

    Attributes:
        body: The whole body, parsed.
        items: The contacts, as parsed JSON objects (``body[items_field]``).
        texts: Each contact's JSON text exactly as the body carries it.
        next_cursor: The cursor of the next page (``paging.next``), or ``None``.
        previous_cursor: The cursor of the previous page (``paging.previous``), or ``None``.
    """

    body: dict[str, Any]
    items: list[dict[str, Any]]
    texts: list[str]
    next_cursor: str | None
    previous_cursor: str | None


def parse_listing(response: httpx.Response, contract: Contract) -> Listing:
    """Read a 200 answer to a cursor request.

    Args:
        response: The answer, body read.
        contract: Where the contacts and the cursors are in the body.

    Returns:
        The page's body, contacts and cursors.

    Raises:
        APIResponseValidationError: If the body is not JSON, not an object, has
            no array of contact objects, or is not a cursor page.
    """
    field = contract.items_field
    try:
        body, texts = _decode_object(response.text, field)
    except ValueError as exc:
        raise APIResponseValidationError(
            f"The API answered 200 with a body that is not a JSON object ({exc}).",
            response=response,
        ) from None
    items = body.get(field)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise APIResponseValidationError(
            f"The API answered 200 without a list of contacts (`{field}`).", response=response
        )
    cursor = contract.pagination.cursor
    if not isinstance(body.get(cursor.envelope), dict):
        raise APIResponseValidationError(
            f"The API answered a cursor request without `{cursor.envelope}` (a legacy "
            f"`{contract.pagination.legacy.envelope}` page?); cannot tell where the next "
            "page starts.",
            response=response,
        )
    cursors = {path.path: path.get(body) for path in (cursor.next, cursor.previous)}
    for path, value in cursors.items():
        if value is not None and not isinstance(value, str):
            raise APIResponseValidationError(
                f"The API answered a cursor page whose `{path}` is {value!r}, not a cursor.",
                response=response,
            )
    return Listing(
        body=body,
        items=items,
        texts=texts if texts is not None else [],
        next_cursor=cursors[cursor.next.path],
        previous_cursor=cursors[cursor.previous.path],
    )


def _decode_object(text: str, field: str) -> tuple[dict[str, Any], list[str] | None]:
    """``json.loads(text)`` of an object, and the text of each element of its array ``field``.

    Raises:
        ValueError: If ``text`` is not one JSON object.
    """
    position = _skip(text, 0)
    if text[position : position + 1] != "{":
        raise ValueError("not an object")
    body: dict[str, Any] = {}
    texts: list[str] | None = None
    position = _skip(text, position + 1)
    closing = text[position : position + 1] == "}"
    while not closing:
        key, position = _DECODER.raw_decode(text, position)
        if not isinstance(key, str):
            raise ValueError(f"a key that is not a string at {position}")
        position = _expect(text, position, ":")
        if key == field and text[position : position + 1] == "[":
            value, texts, position = _decode_array(text, position)
        else:
            value, position = _DECODER.raw_decode(text, position)
            if key == field:
                texts = None  # a later duplicate wins, as in json.loads
        body[key] = value
        position = _skip(text, position)
        closing = text[position : position + 1] == "}"
        if not closing:
            position = _expect(text, position, ",")
    if _skip(text, position + 1) != len(text):
        raise ValueError(f"extra data at {position + 1}")
    return body, texts


def _decode_array(text: str, position: int) -> tuple[list[Any], list[str], int]:
    values: list[Any] = []
    texts: list[str] = []
    position = _skip(text, position + 1)
    if text[position : position + 1] == "]":
        return values, texts, position + 1
    while True:
        try:
            value, end = _SCAN(text, position)
        except StopIteration as exc:
            raise ValueError(f"expected a value at {exc.value}") from None
        values.append(value)
        texts.append(text[position:end])
        after = text[end : end + 1]
        if after == ",":  # the common, compact case first: no whitespace to skip
            position = end + 1
            if text[position : position + 1] in _SPACES:
                position = _skip(text, position)
            continue
        if after == "]":
            return values, texts, end + 1
        position = _skip(text, end)
        if text[position : position + 1] == "]":
            return values, texts, position + 1
        position = _expect(text, position, ",")


def _skip(text: str, position: int) -> int:
    if text[position : position + 1] not in _SPACES:
        return position
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _expect(text: str, position: int, char: str) -> int:
    position = _skip(text, position)
    if text[position : position + 1] != char:
        raise ValueError(f"expected {char!r} at {position}")
    return _skip(text, position + 1)
