"""Schema defects: a field missing, renamed, of the wrong type, or null where it may not be."""

from __future__ import annotations

from json import dumps
from typing import Any

from ._exchange import Answer, Call, Forward
from ._model import Registry, body_rewrite, contact_rewrite, register

CATALOGUE: Registry = []


def _without_nulls(contact: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in contact.items() if value is not None}


def _renamed(contact: dict[str, Any]) -> dict[str, Any]:
    contact["profileName"] = contact.pop("profile_name", None)
    return contact


def _wa_id_number(contact: dict[str, Any]) -> dict[str, Any]:
    wa_id = contact.get("wa_id")
    if isinstance(wa_id, str) and wa_id.isdigit():
        contact["wa_id"] = int(wa_id)
    return contact


def _null_name(contact: dict[str, Any]) -> dict[str, Any]:
    if contact.get("wa_id") is None:
        contact["profile_name"] = None
    return contact


def _naive(contact: dict[str, Any]) -> dict[str, Any]:
    for name in ("created_at", "updated_at"):
        if isinstance(contact.get(name), str):
            contact[name] = contact[name].rstrip("Z")
    return contact


def _metadata_text(contact: dict[str, Any]) -> dict[str, Any]:
    if contact.get("metadata") is not None:
        contact["metadata"] = dumps(contact["metadata"])
    return contact


def _count_text(_call: Call, body: dict[str, Any]) -> dict[str, Any]:
    meta = body.get("meta")
    if isinstance(meta, dict):
        meta["total_count"] = str(meta["total_count"])
    return body


for _name, _description, _handler in (
    (
        "omits-null-fields",
        "null fields are left out of contacts (wa_id, display_name, customer_id, metadata)",
        contact_rewrite(_without_nulls),
    ),
    (
        "profile-name-renamed",
        "profile_name is serialized as profileName",
        contact_rewrite(_renamed),
    ),
    (
        "wa-id-as-number",
        "wa_id is a JSON number instead of a string",
        contact_rewrite(_wa_id_number),
    ),
    (
        "profile-name-null",
        "profile_name is null for contacts without a wa_id",
        contact_rewrite(_null_name),
    ),
    (
        "timestamps-without-zone",
        "created_at and updated_at lose their Z: 2025-03-26T15:05:00.000000",
        contact_rewrite(_naive),
    ),
    (
        "metadata-as-string",
        "metadata is double-encoded: a JSON string instead of an object",
        contact_rewrite(_metadata_text),
    ),
    (
        "total-count-as-string",
        "meta.total_count is a string",
        body_rewrite(_count_text),
    ),
):
    register(CATALOGUE, _name, "schema", _description)(_handler)


@register(
    CATALOGUE,
    "html-content-type",
    "schema",
    "200 answers are sent as text/html; charset=utf-8 (the JSON body is unchanged)",
)
async def _html(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if answer.status != 200:
        return answer
    return answer.with_header("content-type", "text/html; charset=utf-8")
