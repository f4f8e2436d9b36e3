"""Error bodies are told apart by what their schemas say, and parse as the generated models."""

from __future__ import annotations

from typing import Any

import pytest
from kapso_contacts_api import models

import kapso_contacts.contract as core

CONTRACT = core.default_contract()
LEGACY = CONTRACT.pagination.legacy
#: A value of each JSON type, as json.loads gives it (a boolean is no number).
JSON = (("boolean", True), ("integer", 1), ("number", 1.5), ("string", "x"), ("null", None))


def example(status: int, name: str) -> Any:
    return CONTRACT.response(status)["content"]["application/json"]["examples"][name]["value"]


def problems(name: str, body: Any) -> list[str]:
    return core.schema_problems(CONTRACT, name, body)


def test_the_legacy_limit_body_is_told_from_the_generic_one_by_its_constant() -> None:
    legacy, generic = example(400, "legacy_limit_exceeded"), example(400, "invalid_parameter")
    code = CONTRACT.schema(LEGACY.limit_error_body)["properties"]["message"]["const"]
    assert LEGACY.limit_error_code == code == legacy["message"]
    assert core.error_body_schema(CONTRACT, 400, legacy) == LEGACY.limit_error_body
    assert core.error_body_schema(CONTRACT, 400, generic) == CONTRACT.refusal_body
    assert core.error_body_schema(CONTRACT, 400, {**legacy, "message": code + "!"}) is None
    assert core.error_body_schema(CONTRACT, 400, {**legacy, "message": "", "error": ""}) == "Error"


@pytest.mark.parametrize("name", ["Contact", "LegacyPaginationLimitError", "Error"])
def test_schema_problems_name_missing_fields_wrong_json_types_and_constants(name: str) -> None:
    schema, expected = CONTRACT.schema(name), []
    wrong: dict[str, Any] = {}
    for field, prop in schema["properties"].items():
        types = [prop["type"]] if isinstance(prop.get("type"), str) else prop.get("type", [])
        if "const" in prop:
            wrong[field] = "other"
            expected.append(f"{field} must be {prop['const']!r}")
        elif types:  # the first value of another JSON type
            kind, wrong[field] = next((k, v) for k, v in JSON if k not in types)
            expected.append(f"{field} must be {' or '.join(types)}, got {kind}")
    assert problems(name, wrong) == expected and not core.schema_checker(CONTRACT, name)(wrong)
    assert problems(name, {}) == [f"{field} is missing" for field in schema["required"]]
    assert problems(name, [wrong]) == ["expected an object, got array"]
    assert [core.json_type(value) for _, value in JSON] == [kind for kind, _ in JSON]


def test_documented_bodies_pass_and_parse_as_the_generated_models() -> None:
    legacy, generic = example(400, "legacy_limit_exceeded"), example(400, "invalid_parameter")
    contact = example(200, "docs_page")["data"][0]
    for name, body in [(LEGACY.limit_error_body, legacy), ("Error", generic), ("Contact", contact)]:
        assert problems(name, body) == [] and core.schema_checker(CONTRACT, name)(body)
    parsed = core.parse_error_body(CONTRACT, 400, legacy)
    assert isinstance(parsed, models.LegacyPaginationLimitError) and parsed.to_dict() == legacy
    error = core.parse_error_body(CONTRACT, 400, generic)
    assert isinstance(error, models.Error) and error.to_dict() == generic
    unauthorized = core.parse_error_body(CONTRACT, 401, example(401, "unauthorized"))
    assert isinstance(unauthorized, models.Error)
    for body in [{"message": "Unauthorized"}, [], "text", None, {"error": 5}]:
        assert core.parse_error_body(CONTRACT, 401, body) is None
