"""Lint the spec's `x-kapso-*` extensions: their shape, and that every name they use exists.

Run by `make lint` (after the OpenAPI linters), so that a typo in an
extension fails before any test runs:

- each block validates against `openapi/extensions.schema.json`;
- the contract reader builds from the spec (`kapso_contacts.contract`);
- every parameter, response field and header an extension names exists: a
  pagination output points at a field of the 200 body, a cursor input and its
  output are both strings, a filter reads a Contact field, a legacy header is
  a documented header of the 200, a refusal body is a body of its status;
- every integer bound of a parameter says where it comes from.

Exit 1 with one line per problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from kapso_contacts.contract import Contract, ContractError, FieldPath, build_contract
from kapso_contacts.contract import body_schemas as _body_schemas

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "openapi" / "contacts.yaml"
SCHEMA = REPO / "openapi" / "extensions.schema.json"


def shape_problems(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> Iterator[str]:
    """Where the extensions break their own schema."""
    operation = spec["paths"]["/whatsapp/contacts"]["get"]
    defs = {"$defs": schema["$defs"]}
    checks = [("operation", operation, "#/paths/~1whatsapp~1contacts/get")]
    for index, parameter in enumerate(operation.get("parameters", [])):
        where = f"#/paths/~1whatsapp~1contacts/get/parameters/{index}"
        checks.append(("parameter", parameter, where))
    for kind, node, where in checks:
        validator = jsonschema.Draft202012Validator({**defs, "$ref": f"#/$defs/{kind}"})
        for error in validator.iter_errors(node):
            path = "/".join(str(part) for part in error.absolute_path)
            yield f"{where}/{path}: {error.message[:200]}"


def _field_schema(contract: Contract, path: FieldPath) -> Mapping[str, Any] | None:
    node: Mapping[str, Any] = contract.schema("ContactList")
    for part in path.parts:
        node = _resolve(contract, node).get("properties", {}).get(part)
        if node is None:
            return None
    return _resolve(contract, node)


def _resolve(contract: Contract, node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        node = contract.schema(str(node["$ref"]).rsplit("/", 1)[-1])
    return node


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    return {kind} if isinstance(kind, str) else set(kind or ())


def name_problems(contract: Contract) -> Iterator[str]:
    """Names an extension uses that the spec does not define."""
    cursor, legacy = contract.pagination.cursor, contract.pagination.legacy
    body_fields = contract.schema("ContactList").get("properties", {})
    for envelope in (cursor.envelope, legacy.envelope):
        if envelope not in body_fields:
            yield f"x-kapso-pagination: envelope {envelope!r} is not a field of ContactList"
    outputs = [cursor.next, cursor.previous, cursor.first, cursor.last, *legacy.meta.values()]
    for output in outputs:
        if _field_schema(contract, output) is None:
            yield f"x-kapso-pagination: {output.path!r} is not a field of the 200 body"
    for input_, output in ((cursor.after, cursor.next), (cursor.before, cursor.previous)):
        output_schema = _field_schema(contract, output) or {}
        if "string" not in _types(output_schema) or input_.kind != "cursor":
            yield (
                f"x-kapso-pagination: {output.path} must be a string cursor, the type of"
                f" the `{input_.name}` it is passed back as"
            )
    documented_200 = contract.response_headers(200)
    for header in legacy.headers:
        if header.lower() not in documented_200:
            yield f"x-kapso-pagination: legacy header {header} is not a header of the 200"
    for name, filter_ in contract.filters.items():
        field = filter_.field.split(".", 1)[-1] if filter_.on_customer else filter_.field
        if not filter_.on_customer and field not in contract.contact_fields:
            yield f"{name}: x-kapso-filter reads {filter_.field!r}, not a Contact field"
        if filter_.match in ("after", "before"):
            kind = contract.contact_fields.get(field)
            if kind is None or kind.format != "date-time":
                yield f"{name}: a time bound must read a date-time field, not {field!r}"
    for key in contract.order:
        if key.field not in contract.contact_fields:
            yield f"x-kapso-order: {key.field!r} is not a Contact field"
    for parameter in contract.parameters.values():
        for keyword in ("minimum", "maximum"):
            if parameter.schema.get(keyword) is not None and keyword not in parameter.provenance:
                yield f"{parameter.name}: `{keyword}` has no x-kapso-provenance entry"
        if "default" in parameter.schema:
            yield f"{parameter.name}: declares `default:` (use x-kapso-default, see `page`)"
    for status, body in (
        (contract.refusal.status, contract.refusal.body),
        (legacy.limit_error_status, legacy.limit_error_body),
    ):
        if body not in _body_schemas(contract, status):
            yield f"{body} is not a documented body of status {status}"
    for header in (contract.rate_limit.limit_header, contract.rate_limit.remaining_header):
        if header.lower() not in documented_200:
            yield f"x-kapso-rate-limit: {header} is not a header of the 200"


def problems(spec_path: Path) -> list[str]:
    """Every problem with the spec's extensions."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    found = list(shape_problems(spec, schema))
    if found:
        return found
    try:
        contract = build_contract(spec)
    except (ContractError, KeyError, TypeError, ValueError) as exc:
        return [f"the contract cannot be read: {exc!r}"]
    return list(name_problems(contract))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("spec", nargs="?", type=Path, default=SPEC)
    args = parser.parse_args()
    found = problems(args.spec)
    for problem in found:
        print(f"{args.spec.name}: {problem}")
    if found:
        return 1
    print(f"{args.spec.name}: x-kapso-* extensions OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
