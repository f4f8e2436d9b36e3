"""The contract the suite holds a server to, and what its schemas say about a body.

Every expectation comes from here: `suite_contract()` is the spec shipped in
the generated client (`kapso_contacts_api/openapi.json`), or an edited copy
named by ``KAPSO_CONTRACT_SPEC`` (so a team can change an assumption without
forking the suite), read by `kapso_contacts.contract`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import jsonschema_rs
import yaml

from kapso_contacts.contract import Contract, body_schemas, load_contract

from ._env import ENV_SPEC


@cache
def suite_contract() -> Contract:
    """The contract of this run: ``KAPSO_CONTRACT_SPEC`` (YAML or JSON) or the shipped spec.

    Raises:
        RuntimeError: the spec named cannot be read or says what the suite needs in no
            shape it can read.
    """
    path = os.environ.get(ENV_SPEC, "").strip()
    try:
        return load_contract(path or None)
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise RuntimeError(f"{ENV_SPEC}={path or '(the packaged spec)'}: {exc}") from None


def items_field(contract: Contract) -> str:
    """The property of a 200 body that holds the contacts (the list schema's one array)."""
    properties = contract.schema(_list_schema(contract)).get("properties", {})
    return str(next(name for name, prop in properties.items() if prop.get("type") == "array"))


def identity_field(contract: Contract) -> str:
    """The field that tells contacts apart: the order's last key, which breaks every tie."""
    return contract.order[-1].field


def success_status(contract: Contract) -> int:
    """The status of a served page (the one 2xx the operation documents)."""
    return min(status for status in contract.statuses if 200 <= status < 300)


def _list_schema(contract: Contract) -> str:
    return body_schemas(contract, success_status(contract))[0]


class BodyValidator:
    """Validates bodies against the schema documented for their status (formats included)."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._validators: dict[int, Any] = {}

    def problem(self, status: int, body: Any) -> str | None:
        """The first way `body` breaks the schema documented for `status`, or None."""
        validator = self._validator(status)
        if validator is None:
            return None
        for error in validator.iter_errors(body):
            where = "".join(
                f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.instance_path
            )
            return f"body{where}: {error.message[:160]}"
        return None

    def _validator(self, status: int) -> Any:
        if status not in self._validators:
            operation = self.contract.spec["paths"][self.contract.operation_path]["get"]
            response = operation["responses"].get(str(status), {})
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            self._validators[status] = (
                None
                if schema is None
                else jsonschema_rs.Draft202012Validator(
                    {**schema, "components": self.contract.spec["components"]},
                    validate_formats=True,
                )
            )
        return self._validators[status]


def undocumented_fields(
    contract: Contract, schema_name: str, body: Any
) -> Iterator[tuple[str, str]]:
    """(schema, field) for every field of `body` its schema (and the schemas it nests) omits.

    Free-form objects (a schema without `properties`, such as `metadata`) are not looked into.
    """
    if not isinstance(body, Mapping):
        return
    properties: Mapping[str, Any] = contract.schema(schema_name).get("properties", {})
    if not properties:
        return
    for name, value in body.items():
        prop = properties.get(name)
        if prop is None:
            yield schema_name, name
            continue
        nested = _ref_name(prop)
        if nested is not None:
            yield from undocumented_fields(contract, nested, value)
        item = _ref_name(prop.get("items", {}))
        if item is not None and isinstance(value, list):
            for element in value:
                yield from undocumented_fields(contract, item, element)


def _ref_name(node: Mapping[str, Any]) -> str | None:
    ref = node.get("$ref") if isinstance(node, Mapping) else None
    return str(ref).rsplit("/", 1)[-1] if ref else None
