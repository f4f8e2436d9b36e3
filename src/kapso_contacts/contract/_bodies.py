"""Which documented body an answer carries, and that body as the generated model.

The spec gives some statuses more than one body (the 400 is ``anyOf`` the
legacy-limit body and the generic ``Error``); they are told apart by what the
schemas themselves say: required fields and ``const`` values. The client's
errors and the contract suite both read error bodies through here.
"""

from __future__ import annotations

import functools
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


class SchemaCheck:
    """One schema's checks (required fields, constants, simple types), worked out once.

    ``matches`` is the fast yes/no for loops over many bodies (a page of
    contacts); ``problems`` says what is wrong, one line each.
    """

    def __init__(self, contract: Contract, name: str) -> None:
        schema = contract.schema(name)
        self.name = name
        self.required = tuple(schema.get("required", ()))
        self._required = frozenset(self.required)
        self._fields: list[tuple[str, Any, tuple[str, ...]]] = []
        for field, prop in schema.get("properties", {}).items():
            types = prop.get("type")
            allowed = (types,) if isinstance(types, str) else tuple(types or ())
            self._fields.append((field, prop.get("const", _NO_CONST), allowed))

    def matches(self, body: Any) -> bool:
        """Whether ``body`` passes every check."""
        if not isinstance(body, Mapping) or not self._required <= body.keys():
            return False
        return all(self._field_problem(field, body) is None for field in body)

    __call__ = matches

    def problems(self, body: Any) -> list[str]:
        """One line per failed check (empty when ``body`` matches)."""
        if not isinstance(body, Mapping):
            return [f"expected an object, got {json_type(body)}"]
        found = [f"{field} is missing" for field in self.required if field not in body]
        found += [problem for field in body if (problem := self._field_problem(field, body))]
        return found

    def _field_problem(self, field: str, body: Mapping[str, Any]) -> str | None:
        spec = self._lookup.get(field)
        if spec is None:
            return None  # a field the schema does not list: allowed (unknown fields)
        const, allowed = spec
        value = body[field]
        if const is not _NO_CONST and value != const:
            return f"{field} must be {const!r}"
        if allowed and not any(_is(value, name, _JSON_TYPES.get(name, ())) for name in allowed):
            return f"{field} must be {' or '.join(allowed)}, got {json_type(value)}"
        return None

    @functools.cached_property
    def _lookup(self) -> dict[str, tuple[Any, tuple[str, ...]]]:
        return {field: (const, allowed) for field, const, allowed in self._fields}


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
