"""Which documented body an answer carries, and that body as the generated model.

The spec gives some statuses more than one body (the 400 is ``anyOf`` the
legacy-limit body and the generic ``Error``); they are told apart by what the
schemas themselves say: required fields and ``const`` values. The client's
errors and the contract suite both read error bodies through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapso_contacts_api import models

from ._model import Contract

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def body_schemas(contract: Contract, status: int) -> list[str]:
    """The component schemas a status's JSON body may be, in the spec's order."""
    response = contract.spec["paths"][contract.operation_path]["get"]["responses"].get(
        str(status), {}
    )
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if not isinstance(schema, Mapping):
        return []
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return [str(o["$ref"]).rsplit("/", 1)[-1] for o in options if "$ref" in o]


def matches_schema(contract: Contract, name: str, body: Any) -> bool:
    """Whether ``body`` has the required fields, constants and simple types of schema ``name``."""
    return not schema_problems(contract, name, body)


def schema_problems(contract: Contract, name: str, body: Any) -> list[str]:
    """What keeps ``body`` from being schema ``name`` (required fields, constants, simple types).

    Returns:
        One line per problem (``wa_id must be string or null, got integer``); empty if none.
    """
    if not isinstance(body, Mapping):
        return [f"expected an object, got {json_type(body)}"]
    schema = contract.schema(name)
    problems = [f"{field} is missing" for field in schema.get("required", ()) if field not in body]
    for field, prop in schema.get("properties", {}).items():
        if field not in body:
            continue
        value = body[field]
        if "const" in prop and value != prop["const"]:
            problems.append(f"{field} must be {prop['const']!r}")
        types = prop.get("type")
        allowed = [types] if isinstance(types, str) else list(types or ())
        if allowed and not _has_type(value, allowed):
            problems.append(f"{field} must be {' or '.join(allowed)}, got {json_type(value)}")
    return problems


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value (``integer``, ``null``, ...)."""
    return next((name for name in _JSON_TYPES if _has_type(value, [name])), type(value).__name__)


def _has_type(value: Any, allowed: list[str]) -> bool:
    for name in allowed:
        kinds = _JSON_TYPES.get(name, ())
        if isinstance(value, bool) and name in ("integer", "number"):
            continue
        if isinstance(value, kinds):
            return True
    return False


def error_body_schema(contract: Contract, status: int, body: Any) -> str | None:
    """The name of the documented schema ``body`` is for ``status``, or None if none fits."""
    return next(
        (name for name in body_schemas(contract, status) if matches_schema(contract, name, body)),
        None,
    )


def parse_error_body(contract: Contract, status: int, body: Any) -> Any:
    """The generated model (``Error``, ``LegacyPaginationLimitError``, ...) of a body.

    Returns:
        The model instance, or None when no documented schema fits the body.
    """
    name = error_body_schema(contract, status, body)
    if name is None:
        return None
    model = getattr(models, name)
    return model.from_dict(body)
