"""A cursor page's body: every value parsed, and each contact's JSON text as sent.

For an export, the body is decoded element by element (``json.scanner``), so
one pass gives both the parsed values (for the cursors and the CSV) and the
exact text of each contact (written as the API sent it, unknown fields and
number spellings included, without re-encoding). For the models, one
``json.loads`` is faster (the walk costs 330 us a page against 210 us), and
the texts are found only if someone asks for them.
"""

from __future__ import annotations

import json
import re
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


class Listing:
    """A cursor page's body.

    Attributes:
        body: The whole body, parsed.
        items: The contacts, as parsed JSON objects (``pagination.items`` of the body).
        next_cursor: The cursor of the next page (``paging.next``), or ``None``.
        previous_cursor: The cursor of the previous page (``paging.previous``), or ``None``.
    """

    def __init__(
        self,
        response: httpx.Response,
        field: str,
        body: dict[str, Any],
        texts: list[str] | None,
        cursors: tuple[str | None, str | None],
    ) -> None:
        self._response = response
        self._field = field
        self._texts = texts
        self.body = body
        self.items: list[dict[str, Any]] = body[field]
        self.next_cursor, self.previous_cursor = cursors

    @property
    def texts(self) -> list[str]:
        """Each contact's JSON text exactly as the body carries it (decoded for it if need be)."""
        if self._texts is None:
            self._texts = _decode_object(self._response.text, self._field)[1] or []
        return self._texts


def parse_listing(response: httpx.Response, contract: Contract, *, keep_texts: bool) -> Listing:
    """Read a 200 answer to a cursor request.

    Args:
        response: The answer, body read.
        contract: Where the contacts and the cursors are in the body.
        keep_texts: Decode element by element, keeping each contact's text (for
            a reader that writes them); else one ``json.loads``, the faster, and
            the texts only if asked for later.

    Returns:
        The page's body, contacts and cursors.

    Raises:
        APIResponseValidationError: If the body is not JSON, not an object, has
            no array of contact objects, or is not a cursor page.
    """
    field = contract.pagination.items.path
    texts: list[str] | None = None
    try:
        if keep_texts:
            body, texts = _decode_object(response.text, field)
        else:
            body = json.loads(response.content)
    except ValueError as exc:
        body, problem = None, f" ({exc})"
    else:
        problem = ""
    if not isinstance(body, dict):
        raise APIResponseValidationError(
            f"The API answered 200 with a body that is not a JSON object{problem}.",
            response=response,
        )
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
    cursors = (cursor.next.get(body), cursor.previous.get(body))
    for path, value in zip((cursor.next, cursor.previous), cursors, strict=True):
        if value is not None and not isinstance(value, str):
            raise APIResponseValidationError(
                f"The API answered a cursor page whose `{path.path}` is {value!r}, not a cursor.",
                response=response,
            )
    return Listing(response, field, body, texts, cursors)


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
