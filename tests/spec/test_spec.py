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
# Kapso's docs page and facts, beside a clone of this repo in CI (never in a user's clone):
# the checks that trace the spec to them skip, with this reason, when they are absent.
SHARED = REPO.parent / "shared"
DOCS_PAGE = SHARED / "seed" / "list-contacts-docs-page.txt"
FACTS = SHARED / "kapso-api-facts.md"
NO_SHARED = "needs ../shared (Kapso's docs page and facts), present in CI, not in a user's clone"
needs_docs = pytest.mark.skipif(not DOCS_PAGE.is_file(), reason=NO_SHARED)
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


@needs_docs
def test_every_docs_page_query_parameter_is_in_the_spec() -> None:
    section = DOCS_PAGE.read_text().split("Query Parameters", 1)[1].split("Response", 1)[0]
    documented = set(
        re.findall(r"^([a-z_]+)\n(?:string|boolean|integer)", section, flags=re.MULTILINE)
    )
    assert len(documented) == 12, documented
    assert documented | {"business_scoped_user_id"} == set(PARAMETERS)


def _facts() -> list[tuple[str, dict[str, Any]]]:
    """(JSON pointer, node) of every x-kapso-* fact that names a source."""
    return [
        (f"{path}/{key}", value)
        for path, key, value in _walk(SPEC)
        if isinstance(value, dict) and "source" in value and "quote" in value
    ]


def _normalized(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.skipif(not DOCS_PAGE.is_file() or not FACTS.is_file(), reason=NO_SHARED)
@pytest.mark.parametrize(("pointer", "fact"), _facts(), ids=[p for p, _ in _facts()])
def test_every_documented_fact_quotes_its_source_word_for_word(
    pointer: str, fact: dict[str, Any]
) -> None:
    # "Documented" means Kapso said it: the quote must be there, in those words.
    source = DOCS_PAGE if fact["source"] == "docs-page" else FACTS
    assert _normalized(fact["quote"]) in _normalized(source.read_text()), pointer


def test_every_documented_bound_quotes_its_own_number() -> None:
    # A maximum of 250 that cites "x <= 100" would be a fact with the wrong source.
    for name, parameter in PARAMETERS.items():
        provenance = parameter.get("x-kapso-provenance", {})
        for keyword in ("minimum", "maximum"):
            fact = provenance.get(keyword, {})
            if "quote" in fact:
                assert str(parameter["schema"][keyword]) in fact["quote"], (name, keyword)
    window = OPERATION["x-kapso-pagination"]["legacy"]["max-window"]
    assert f"{window['value']:,}" in window["quote"]


def test_the_spec_says_documented_or_assumed_for_every_bound_and_rule() -> None:
    for name, parameter in PARAMETERS.items():
        for keyword in ("minimum", "maximum"):
            if keyword in parameter.get("schema", {}):
                assert keyword in parameter.get("x-kapso-provenance", {}), (name, keyword)
    for rule in OPERATION["x-kapso-rules"]:
        assert ("assumed" in rule) != ("source" in rule), rule["id"]


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


@needs_docs
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


@needs_docs
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
    content = OPERATION["responses"]["200"]["content"]["application/json"]
    valid = content["examples"]["docs_page"]["value"]
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
