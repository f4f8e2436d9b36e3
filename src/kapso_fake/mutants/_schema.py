"""Schema defects: a field missing, renamed, of the wrong type, or null where it may not be."""

from __future__ import annotations

from json import dumps
from typing import Any

from ._exchange import Answer, Call, Forward
from ._facts import CONTRACT, ENVELOPES, filter_by, legacy_pages
from ._model import Mutant, body_rewrite, contact_rewrite

# The fields the defects touch, found by what the spec says of them.
_NAME = filter_by(CONTRACT, "contains", case_insensitive=True).field
_PHONE = filter_by(CONTRACT, "contains", case_insensitive=False).field
_TIMES = [f.name for f in CONTRACT.contact_fields.values() if f.format == "date-time"]
_OBJECTS = [f.name for f in CONTRACT.contact_fields.values() if "object" in f.types]


def _without_nulls(_call: Call, contact: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in contact.items() if value is not None}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _renamed(_call: Call, contact: dict[str, Any]) -> dict[str, Any]:
    contact[_camel(_NAME)] = contact.pop(_NAME, None)
    return contact


def _phone_number(_call: Call, contact: dict[str, Any]) -> dict[str, Any]:
    value = contact.get(_PHONE)
    if isinstance(value, str) and value.isdigit():
        contact[_PHONE] = int(value)
    return contact


def _null_name(_call: Call, contact: dict[str, Any]) -> dict[str, Any]:
    if contact.get(_PHONE) is None:
        contact[_NAME] = None
    return contact


def _naive(_call: Call, contact: dict[str, Any]) -> dict[str, Any]:
    for name in _TIMES:
        if isinstance(contact.get(name), str):
            contact[name] = contact[name].rstrip("Zz")
    return contact


def _as_text(_call: Call, contact: dict[str, Any]) -> dict[str, Any]:
    for name in _OBJECTS:
        if contact.get(name) is not None:
            contact[name] = dumps(contact[name])
    return contact


def _count_text(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    path = call.contract.pagination.legacy.meta["total-count"]
    parent = body
    for part in path.parts[:-1]:
        parent = parent.get(part, {}) if isinstance(parent, dict) else {}
    if isinstance(parent, dict) and path.parts[-1] in parent:
        parent[path.parts[-1]] = str(parent[path.parts[-1]])
    return body


async def _html(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if answer.status != 200:
        return answer
    return answer.with_header("content-type", "text/html; charset=utf-8")


def _schema(
    name: str, description: str, handler: Any, checks: tuple[str, ...] = (ENVELOPES,)
) -> Mutant:
    return Mutant(name, "schema", description, "documented", checks, handler)


CATALOGUE: tuple[Mutant, ...] = (
    _schema(
        "omits-null-fields",
        "null fields are left out of contacts (wa_id, display_name, customer_id, metadata)",
        contact_rewrite(_without_nulls),
    ),
    _schema(
        "profile-name-renamed",
        f"{_NAME} is serialized as {_camel(_NAME)}",
        contact_rewrite(_renamed),
    ),
    _schema(
        "wa-id-as-number",
        f"{_PHONE} is a JSON number instead of a string",
        contact_rewrite(_phone_number),
    ),
    _schema(
        "profile-name-null",
        f"{_NAME} is null for contacts without a {_PHONE}",
        contact_rewrite(_null_name),
    ),
    _schema(
        "timestamps-without-zone",
        f"{' and '.join(_TIMES)} lose their Z: 2025-03-26T15:05:00.000000",
        contact_rewrite(_naive),
    ),
    _schema(
        "metadata-as-string",
        f"{', '.join(_OBJECTS)} is double-encoded: a JSON string instead of an object",
        contact_rewrite(_as_text),
    ),
    _schema(
        "total-count-as-string",
        "meta.total_count is a string",
        body_rewrite(_count_text),
        (ENVELOPES, legacy_pages("maximum")),
    ),
    _schema(
        "html-content-type",
        "200 answers are sent as text/html; charset=utf-8 (the JSON body is unchanged)",
        _html,
    ),
)
