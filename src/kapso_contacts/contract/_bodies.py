"""Which documented body an answer carries, and that body as the generated model.

The spec gives some statuses more than one body (the 400 is ``anyOf`` the
legacy-limit body and the generic ``Error``); they are told apart by what the
schemas themselves say: required fields and ``const`` values. The client's
errors and the contract suite both read error bodies through here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
_NO_CONST = object()


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
    return schema_checker(contract, name)(body)


def schema_checker(contract: Contract, name: str) -> Callable[[Any], bool]:
    """``matches_schema`` for one schema, its checks worked out once (for a loop over many bodies).

    Returns:
        A function of a body: whether it has the schema's required fields, its
        constants and the simple JSON types of its properties.
    """
    schema = contract.schema(name)
    required = frozenset(schema.get("required", ()))
    checks: list[tuple[str, Any, tuple[type, ...] | None, bool]] = []
    for field, prop in schema.get("properties", {}).items():
        types = prop.get("type")
        allowed = [types] if isinstance(types, str) else list(types or ())
        kinds = tuple(kind for type_ in allowed for kind in _JSON_TYPES.get(type_, ()))
        # bool is an int to Python, not to JSON: a number type does not admit true.
        no_bool = "boolean" not in allowed
        checks.append((field, prop.get("const", _NO_CONST), kinds if allowed else None, no_bool))

    def check(body: Any) -> bool:
        if not isinstance(body, Mapping) or not required <= body.keys():
            return False
        for field, const, kinds, no_bool in checks:
            if field not in body:
                continue
            value = body[field]
            if const is not _NO_CONST and value != const:
                return False
            if kinds is not None and (
                not isinstance(value, kinds) or (no_bool and isinstance(value, bool))
            ):
                return False
        return True

    return check


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
