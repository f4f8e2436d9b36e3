"""Error bodies are told apart by what their schemas say, and parse as the generated models."""

from __future__ import annotations

from typing import Any

from kapso_contacts_api.models import Error, LegacyPaginationLimitError

from kapso_contacts.contract import default_contract, error_body_schema, parse_error_body

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
