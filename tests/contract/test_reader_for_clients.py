"""What the client reads from the contract besides parameters: ranges in words, the items field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kapso_contacts.contract import (
    ContractError,
    Parameter,
    assess,
    build_contract,
    matches_schema,
    schema_checker,
)

REPO = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = yaml.safe_load((REPO / "openapi" / "contacts.yaml").read_text("utf-8"))
CONTRACT = build_contract(SPEC)


def _parameter(minimum: int | None, maximum: int | None) -> Parameter:
    return Parameter("n", "integer", {}, "/x", minimum=minimum, maximum=maximum)


@pytest.mark.parametrize(
    ("minimum", "maximum", "span"),
    [
        (1, 100, "from 1 to 100"),
        (1, None, "of at least 1"),
        (None, 7, "of at most 7"),
        (None, None, ""),
    ],
)
def test_span_says_the_range_in_words(minimum: int | None, maximum: int | None, span: str) -> None:
    assert _parameter(minimum, maximum).span == span


def test_a_refusal_past_a_bound_quotes_the_span() -> None:
    limit = CONTRACT.pagination.cursor.limit
    assert limit.maximum is not None
    refusal = assess(CONTRACT, {limit.name: str(limit.maximum + 1)}).first
    assert refusal is not None
    assert f"{limit.name} must be an integer {limit.span}" in refusal.message


def test_a_cursor_that_is_not_base64_is_refused_saying_what_a_cursor_is() -> None:
    after = CONTRACT.pagination.cursor.after.name
    refusal = assess(CONTRACT, {after: "not a cursor!"}).first
    assert refusal is not None
    assert refusal.message.startswith(f"{after} must be a cursor")
    assert "'not a cursor!'" in refusal.message


def test_a_contact_list_without_an_array_of_contacts_is_a_contract_error() -> None:
    spec = copy.deepcopy(SPEC)
    del spec["components"]["schemas"]["ContactList"]["properties"][CONTRACT.pagination.items.path]
    with pytest.raises(ContractError, match="no array of Contact"):
        build_contract(spec)


# --------------------------------------------------------------------------- schema_checker

CONTACT = {
    "id": "123e4567-e89b-12d3-a456-426614174000",
    "wa_id": None,
    "profile_name": "María",
    "display_name": None,
    "customer_id": None,
    "metadata": {"n": 1},
    "created_at": "2025-03-26T15:05:00.000000Z",
    "updated_at": "2025-03-26T15:05:00.000000Z",
    "a_field_the_spec_does_not_list": True,
}


@pytest.mark.parametrize(
    ("body", "fits"),
    [
        (CONTACT, True),
        ({**CONTACT, "wa_id": "15551234567", "username": None}, True),
        ({k: v for k, v in CONTACT.items() if k != "id"}, False),  # a required field missing
        ({**CONTACT, "profile_name": None}, False),  # null where the type says string
        ({**CONTACT, "profile_name": True}, False),
        ({**CONTACT, "metadata": []}, False),  # an array where an object or null goes
        ({**CONTACT, "username": 7}, False),  # an optional field of the wrong type
        ([CONTACT], False),
        ("contact", False),
    ],
)
def test_schema_checker_checks_required_fields_and_json_types(body: object, fits: bool) -> None:
    check = schema_checker(CONTRACT, "Contact")
    assert check(body) is fits
    assert matches_schema(CONTRACT, "Contact", body) is fits


def test_schema_checker_checks_constants_and_keeps_booleans_out_of_numbers() -> None:
    legacy = CONTRACT.pagination.legacy
    operation = SPEC["paths"][CONTRACT.operation_path]["get"]
    body = operation["responses"]["400"]["content"]["application/json"]["examples"]
    example = body["legacy_limit_exceeded"]["value"]
    check = schema_checker(CONTRACT, legacy.limit_error_body)
    assert check(example)
    assert not check({**example, "message": "another_code"})
    assert not check({**example, "max_page": True})  # true is no integer in JSON
    assert not check({**example, "max_page": 50.5})
