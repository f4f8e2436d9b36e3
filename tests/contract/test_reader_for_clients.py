"""What the client reads from the contract besides parameters: ranges in words, the items field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kapso_contacts.contract import ContractError, Parameter, assess, build_contract

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


def test_items_field_is_the_contact_list_array_of_contacts() -> None:
    properties = SPEC["components"]["schemas"]["ContactList"]["properties"]
    assert properties[CONTRACT.items_field]["items"] == {"$ref": "#/components/schemas/Contact"}


def test_items_field_follows_a_renamed_array() -> None:
    spec = copy.deepcopy(SPEC)
    properties = spec["components"]["schemas"]["ContactList"]["properties"]
    properties["contacts"] = properties.pop(CONTRACT.items_field)
    assert build_contract(spec).items_field == "contacts"


def test_a_contact_list_without_an_array_of_contacts_is_a_contract_error() -> None:
    spec = copy.deepcopy(SPEC)
    del spec["components"]["schemas"]["ContactList"]["properties"][CONTRACT.items_field]
    with pytest.raises(ContractError, match="no array of Contact"):
        build_contract(spec)
