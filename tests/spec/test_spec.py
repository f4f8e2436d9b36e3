"""The handwritten spec: traceable to the docs page, 3.1-correct, and its examples valid."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import yaml
from referencing.jsonschema import DRAFT202012

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "openapi" / "contacts.yaml"
DOCS_PAGE = REPO.parent / "shared" / "seed" / "list-contacts-docs-page.txt"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
OPERATION: dict[str, Any] = SPEC["paths"]["/whatsapp/contacts"]["get"]
PARAMETERS: dict[str, dict[str, Any]] = {p["name"]: p for p in OPERATION["parameters"]}
SPEC_URI = "urn:kapso-contacts-spec"
REGISTRY: referencing.Registry[Any] = referencing.Registry().with_resource(
    SPEC_URI, referencing.Resource.from_contents(SPEC, default_specification=DRAFT202012)
)


def _walk(node: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every (path, key, value) pair in the document."""
    found: list[tuple[str, Any, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((path, key, value))
            found.extend(_walk(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_walk(value, f"{path}/{index}"))
    return found


def _validator_for(pointer: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=REGISTRY,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _named_examples() -> list[tuple[str, str, Any]]:
    """(name, JSON pointer of the schema, example value) for every named example."""
    examples: list[tuple[str, str, Any]] = []
    base = "/paths/~1whatsapp~1contacts/get/responses"
    for status, response in OPERATION["responses"].items():
        for media_type, content in response.get("content", {}).items():
            pointer = f"{base}/{status}/content/{media_type.replace('/', '~1')}/schema"
            for name, example in content.get("examples", {}).items():
                examples.append((f"{status} {name}", pointer, example["value"]))
    return examples


def _docs_page_example() -> Any:
    text = DOCS_PAGE.read_text()
    start = text.index('{\n  "data"')
    decoded, _ = json.JSONDecoder().raw_decode(text[start:])
    return decoded


def test_spec_is_openapi_3_1_with_the_api_key_on_the_operation() -> None:
    assert SPEC["openapi"] == "3.1.0"
    scheme = SPEC["components"]["securitySchemes"]["apiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert OPERATION["security"] == [{"apiKey": []}]


def test_every_docs_page_query_parameter_is_in_the_spec() -> None:
    section = DOCS_PAGE.read_text().split("Query Parameters", 1)[1].split("Response", 1)[0]
    documented = set(
        re.findall(r"^([a-z_]+)\n(?:string|boolean|integer)", section, flags=re.MULTILINE)
    )
    assert len(documented) == 12, documented
    assert documented | {"business_scoped_user_id"} == set(PARAMETERS)


@pytest.mark.parametrize(
    ("name", "schema_type", "minimum", "maximum"),
    [
        ("limit", "integer", 1, 100),
        ("per_page", "integer", 1, 100),
        ("page", "integer", 1, 50),
        ("has_customer", "boolean", None, None),
    ],
)
def test_parameter_ranges_are_as_documented(
    name: str, schema_type: str, minimum: int | None, maximum: int | None
) -> None:
    schema = PARAMETERS[name]["schema"]
    assert schema["type"] == schema_type
    assert schema.get("minimum") == minimum
    assert schema.get("maximum") == maximum


def test_page_is_deprecated_and_dates_are_date_times() -> None:
    assert PARAMETERS["page"]["deprecated"] is True
    for name in ("created_after", "created_before"):
        assert PARAMETERS[name]["schema"] == {"type": "string", "format": "date-time"}
        assert "exclusive" in PARAMETERS[name]["description"]


def test_no_schema_declares_a_default_or_the_3_0_nullable_keyword() -> None:
    # A `default` would be sent by the generated client on every call; `nullable`
    # has no effect in OpenAPI 3.1 (`type: [T, "null"]` is the 3.1 way).
    offending = [f"{path}/{key}" for path, key, _ in _walk(SPEC) if key in {"default", "nullable"}]
    assert offending == []


def test_contact_requires_every_field_the_docs_example_always_shows() -> None:
    contact = SPEC["components"]["schemas"]["Contact"]
    docs_fields = set(_docs_page_example()["data"][0])
    assert set(contact["required"]) == docs_fields
    assert contact["properties"]["display_name"]["type"] == ["string", "null"]


def test_every_object_schema_allows_unknown_fields() -> None:
    closed = [
        f"{path}/{key}"
        for path, key, value in _walk(SPEC)
        if isinstance(value, dict) and value.get("type") == "object"
        if value.get("additionalProperties") is not True
    ]
    assert closed == []


def test_docs_page_example_is_reproduced_verbatim() -> None:
    content = OPERATION["responses"]["200"]["content"]["application/json"]
    assert content["examples"]["docs_page"]["value"] == _docs_page_example()


@pytest.mark.parametrize(("name", "pointer", "value"), _named_examples(), ids=lambda v: str(v))
def test_named_example_validates_against_its_schema(name: str, pointer: str, value: Any) -> None:
    _validator_for(pointer).validate(value)


def test_named_examples_cover_both_modes_and_the_errors() -> None:
    names = {name for name, _, _ in _named_examples()}
    assert {
        "200 docs_page",
        "200 cursor_page",
        "400 legacy_limit_exceeded",
        "401 unauthorized",
    } <= names


def test_schema_validation_rejects_what_the_contract_forbids() -> None:
    # The examples test is only meaningful if the schemas can say no.
    contact_list = _validator_for("/components/schemas/ContactList")
    valid = _docs_page_example()
    broken_contact = {**valid["data"][0], "created_at": "yesterday"}
    for broken in (
        {"meta": valid["meta"]},
        {**valid, "data": [broken_contact]},
        {**valid, "data": [{k: v for k, v in valid["data"][0].items() if k != "id"}]},
        {**valid, "meta": {**valid["meta"], "page": 0}},
    ):
        assert not contact_list.is_valid(broken)


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, p["example"]) for name, p in PARAMETERS.items() if "example" in p],
)
def test_parameter_examples_validate(name: str, value: Any) -> None:
    schema = PARAMETERS[name]["schema"]
    jsonschema.Draft202012Validator(
        schema, registry=REGISTRY, format_checker=jsonschema.FormatChecker()
    ).validate(value)
