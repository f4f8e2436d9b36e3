"""Which documented body an answer carries, and that body as the generated model.

The spec gives some statuses more than one body (the 400 is ``anyOf`` the
legacy-limit body and the generic ``Error``); they are told apart by what the
schemas themselves say: required fields and ``const`` values. The client's
errors, the fake and the contract suite read bodies through here. (The suite
also validates every answer in full with jsonschema-rs; these checks are the
few a client needs, with no dependency.)
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from kapso_contacts_api import models

from ._contract import Contract

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


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value (``integer``, ``null``, ...)."""
    # bool is an int to Python, not to JSON: a number type does not admit true.
    if isinstance(value, bool):
        return "boolean"
    return next((n for n, kinds in _JSON_TYPES.items() if isinstance(value, kinds)), "unknown")


class SchemaCheck:
    """One schema's checks (required fields, constants, simple JSON types), worked out once.

    Fields the schema does not list are allowed (Kapso adds fields over time).
    """

    def __init__(self, contract: Contract, name: str) -> None:
        schema = contract.schema(name)
        self.name = name
        self.required = tuple(schema.get("required", ()))
        self._fields: list[tuple[str, Any, tuple[str, ...]]] = []
        for field, prop in schema.get("properties", {}).items():
            types = prop.get("type")
            allowed = (types,) if isinstance(types, str) else tuple(types or ())
            self._fields.append((field, prop.get("const", _NO_CONST), allowed))

    def problems(self, body: Any) -> list[str]:
        """One line per failed check (``wa_id must be string or null, got integer``)."""
        if not isinstance(body, Mapping):
            return [f"expected an object, got {json_type(body)}"]
        found = [f"{field} is missing" for field in self.required if field not in body]
        for field, const, types in self._fields:
            if field not in body:
                continue
            value = body[field]
            if const is not _NO_CONST and value != const:
                found.append(f"{field} must be {const!r}")
            elif (
                types
                and json_type(value) not in types
                and not (json_type(value) == "integer" and "number" in types)
            ):
                found.append(f"{field} must be {' or '.join(types)}, got {json_type(value)}")
        return found

    def matches(self, body: Any) -> bool:
        """Whether ``body`` passes every check."""
        return not self.problems(body)

    __call__ = matches


_CHECKERS: weakref.WeakKeyDictionary[Contract, dict[str, SchemaCheck]] = weakref.WeakKeyDictionary()


def schema_checker(contract: Contract, name: str) -> SchemaCheck:
    """The checks of schema ``name`` of ``contract``, built once per contract and schema."""
    checkers = _CHECKERS.setdefault(contract, {})
    if name not in checkers:
        checkers[name] = SchemaCheck(contract, name)
    return checkers[name]


def matches_schema(contract: Contract, name: str, body: Any) -> bool:
    """Whether ``body`` has the required fields, constants and simple types of schema ``name``."""
    return schema_checker(contract, name).matches(body)


def schema_problems(contract: Contract, name: str, body: Any) -> list[str]:
    """What keeps ``body`` from being schema ``name`` (one line each; empty if nothing)."""
    return schema_checker(contract, name).problems(body)


def error_body_schema(contract: Contract, status: int, body: Any) -> str | None:
    """The name of the documented schema ``body`` is for ``status``, or None if none fits."""
    names = contract.body_schemas(status)
    return next((name for name in names if matches_schema(contract, name, body)), None)


def parse_error_body(contract: Contract, status: int, body: Any) -> Any:
    """The generated model (``Error``, ``LegacyPaginationLimitError``, ...) of a body.

    Returns:
        The model instance, or None when no documented schema of the packaged
        spec's generated models fits the body.
    """
    name = error_body_schema(contract, status, body)
    model = getattr(models, name, None) if name is not None else None
    return None if model is None else model.from_dict(body)
