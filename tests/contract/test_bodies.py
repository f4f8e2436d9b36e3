"""Error bodies are told apart by what their schemas say, and parse as the generated models."""

from __future__ import annotations

from typing import Any

from kapso_contacts_api.models import Error, LegacyPaginationLimitError

from kapso_contacts.contract import (
    default_contract,
    error_body_schema,
    json_type,
    parse_error_body,
    schema_problems,
)

CONTRACT = default_contract()


def _example(status: int, name: str) -> Any:
    operation = CONTRACT.spec["paths"][CONTRACT.operation_path]["get"]
    content = operation["responses"][str(status)]["content"]["application/json"]
    return content["examples"][name]["value"]


def test_the_legacy_limit_body_is_told_from_the_generic_one_by_its_constant() -> None:
    legacy = _example(400, "legacy_limit_exceeded")
    generic = _example(400, "invalid_parameter")
    assert error_body_schema(CONTRACT, 400, legacy) == CONTRACT.pagination.legacy.limit_error_body
    assert error_body_schema(CONTRACT, 400, generic) == CONTRACT.refusal.body
    assert isinstance(parse_error_body(CONTRACT, 400, legacy), LegacyPaginationLimitError)
    assert isinstance(parse_error_body(CONTRACT, 400, generic), Error)


def test_a_legacy_looking_body_with_another_message_is_the_generic_one_or_none() -> None:
    legacy = dict(_example(400, "legacy_limit_exceeded"), message="something_else")
    assert error_body_schema(CONTRACT, 400, legacy) != CONTRACT.pagination.legacy.limit_error_body


def test_a_body_no_documented_schema_fits_is_none() -> None:
    bodies: list[Any] = [{"message": "Unauthorized"}, [], "text", None, {"error": 5}]
    for body in bodies:
        assert error_body_schema(CONTRACT, 401, body) is None
        assert parse_error_body(CONTRACT, 401, body) is None


def test_a_401_body_is_the_generic_error() -> None:
    parsed = parse_error_body(CONTRACT, 401, _example(401, "unauthorized"))
    assert isinstance(parsed, Error) and parsed.error


def test_schema_problems_name_each_missing_field_wrong_type_and_constant() -> None:
    contact = {"id": "x", "wa_id": 15551234567, "profile_name": "Ana", "metadata": []}
    problems = schema_problems(CONTRACT, "Contact", contact)
    assert "wa_id must be string or null, got integer" in problems
    assert "metadata must be object or null, got array" in problems
    assert "created_at is missing" in problems
    assert not any(p.startswith(("id ", "profile_name ")) for p in problems)
    limit_error = CONTRACT.pagination.legacy
    legacy = dict(_example(400, "legacy_limit_exceeded"), message="other")
    assert schema_problems(CONTRACT, limit_error.limit_error_body, legacy) == [
        f"message must be {limit_error.limit_error_code!r}"
    ]
    assert schema_problems(CONTRACT, "Contact", [1]) == ["expected an object, got array"]
    assert json_type(True) == "boolean" and json_type(1) == "integer" and json_type(None) == "null"
