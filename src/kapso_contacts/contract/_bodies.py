"""Which documented body an answer carries, and that body as the generated model.

The spec gives some statuses more than one body (the 400 is ``anyOf`` the
legacy-limit body and the generic ``Error``); they are told apart by what the
schemas themselves say: required fields and ``const`` values. The client's
errors and the contract suite both read error bodies through here.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, NamedTuple

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
    return schema_checker(contract, name).matches(body)


def schema_problems(contract: Contract, name: str, body: Any) -> list[str]:
    """What keeps ``body`` from being schema ``name`` (required fields, constants, simple types).

    Returns:
        One line per problem (``wa_id must be string or null, got integer``); empty if none.
    """
    return schema_checker(contract, name).problems(body)


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value (``integer``, ``null``, ...)."""
    return next(
        (name for name, kinds in _JSON_TYPES.items() if _is(value, name, kinds)),
        type(value).__name__,
    )


def _is(value: Any, name: str, kinds: tuple[type, ...]) -> bool:
    # bool is an int to Python, not to JSON: a number type does not admit true.
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, kinds)


class _FieldCheck(NamedTuple):
    """One listed field's checks: its constant (if any) and its JSON types (if any)."""

    name: str
    const: Any
    types: tuple[str, ...]
    #: The Python types those JSON types admit (None: any type).
    kinds: tuple[type, ...] | None
    #: Whether a bool must be refused though ``kinds`` has int (a number type, no boolean).
    refuse_bool: bool


class SchemaCheck:
    """One schema's checks (required fields, constants, simple types), worked out once.

    ``matches`` is the fast yes/no for loops over many bodies (the contacts of
    every page of a walk); ``problems`` says what is wrong, one line each.
    Fields the schema does not list are allowed (Kapso adds fields over time).
    """

    def __init__(self, contract: Contract, name: str) -> None:
        schema = contract.schema(name)
        self.name = name
        self.required = tuple(schema.get("required", ()))
        self._required = frozenset(self.required)
        self._fields: list[_FieldCheck] = []
        for field, prop in schema.get("properties", {}).items():
            types = prop.get("type")
            allowed = (types,) if isinstance(types, str) else tuple(types or ())
            kinds = tuple(kind for type_ in allowed for kind in _JSON_TYPES.get(type_, ()))
            self._fields.append(
                _FieldCheck(
                    field,
                    prop.get("const", _NO_CONST),
                    allowed,
                    kinds if allowed else None,
                    "boolean" not in allowed,
                )
            )

    def matches(self, body: Any) -> bool:
        """Whether ``body`` passes every check."""
        if not isinstance(body, Mapping) or not self._required <= body.keys():
            return False
        # `_passes`, inlined: this loop runs for every contact of every page of a walk.
        for name, const, _, kinds, refuse_bool in self._fields:
            if name not in body:
                continue
            value = body[name]
            if const is not _NO_CONST and value != const:
                return False
            if kinds is not None and (
                not isinstance(value, kinds) or (refuse_bool and value.__class__ is bool)
            ):
                return False
        return True

    __call__ = matches

    def problems(self, body: Any) -> list[str]:
        """One line per failed check (empty when ``body`` matches)."""
        if not isinstance(body, Mapping):
            return [f"expected an object, got {json_type(body)}"]
        found = [f"{field} is missing" for field in self.required if field not in body]
        for check in self._fields:
            if check.name not in body or _passes(check, value := body[check.name]):
                continue
            if check.const is not _NO_CONST and value != check.const:
                found.append(f"{check.name} must be {check.const!r}")
            else:
                found.append(
                    f"{check.name} must be {' or '.join(check.types)}, got {json_type(value)}"
                )
        return found


def _passes(check: _FieldCheck, value: Any) -> bool:
    if check.const is not _NO_CONST and value != check.const:
        return False
    if check.kinds is None:
        return True
    return isinstance(value, check.kinds) and not (check.refuse_bool and value.__class__ is bool)


def schema_checker(contract: Contract, name: str) -> SchemaCheck:
    """The checks of schema ``name`` of ``contract``, built once per contract and schema."""
    return _checkers(contract).setdefault(name, SchemaCheck(contract, name))


_CHECKERS: weakref.WeakKeyDictionary[Contract, dict[str, SchemaCheck]] = weakref.WeakKeyDictionary()


def _checkers(contract: Contract) -> dict[str, SchemaCheck]:
    return _CHECKERS.setdefault(contract, {})


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
