"""What the spec documents, read once from openapi/contacts.yaml."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs
import yaml

from contract_tests._constants import OPERATION_PATH, SPEC_PATH


@cache
def spec() -> dict[str, Any]:
    """The parsed spec."""
    with SPEC_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def operation() -> dict[str, Any]:
    """The List contacts operation object."""
    found: dict[str, Any] = spec()["paths"][OPERATION_PATH]["get"]
    return found


def documented_statuses() -> frozenset[int]:
    """Status codes the operation documents."""
    return frozenset(int(code) for code in operation()["responses"])


def documented_headers(status: int) -> frozenset[str]:
    """Response headers documented for a status (lowercase)."""
    response = operation()["responses"].get(str(status), {})
    return frozenset(name.lower() for name in response.get("headers", {}))


def schema_properties(name: str) -> frozenset[str]:
    """Property names a component schema lists."""
    return frozenset(spec()["components"]["schemas"][name].get("properties", {}))


def documented_fields() -> dict[str, frozenset[str]]:
    """Documented properties per response object kind."""
    return {
        kind: schema_properties(kind)
        for kind in (
            "ContactList",
            "Contact",
            "LegacyMeta",
            "CursorPaging",
            "CursorPair",
            "Error",
            "LegacyPaginationLimitError",
        )
    }


@cache
def _contact_list_validator() -> Any:
    schema = {"$ref": "#/components/schemas/ContactList", "components": spec()["components"]}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def contact_list_problem(body: Any) -> str | None:
    """The first way `body` breaks the ContactList schema (formats included), or None."""
    for error in _contact_list_validator().iter_errors(body):
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.instance_path
        )
        return f"body{where}: {error.message[:160]}"
    return None
