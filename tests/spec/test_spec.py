"""The specs: traceable to their sources, 3.1-correct, tolerant, and their examples served.

The rules every spec of a Kapso list operation keeps are checked on both specs
(`openapi/contacts.yaml`, shipped, and `tests/specs/conversations.yaml`, the
second member of the family); what only List contacts' docs page says is
checked on contacts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
from referencing.jsonschema import DRAFT202012

from kapso_contacts.contract import (
    FILTER_KINDS,
    Contract,
    Field,
    assess,
    escape,
    read_spec,
    to_query_value,
)

REPO = Path(__file__).resolve().parents[2]
SPECS = {
    "contacts": REPO / "openapi" / "contacts.yaml",
    "conversations": REPO / "tests" / "specs" / "conversations.yaml",
}
RAW = {name: read_spec(path) for name, path in SPECS.items()}
CONTRACTS = {
    name: Contract.read(RAW[name], file=str(path.relative_to(REPO))) for name, path in SPECS.items()
}
CONTACTS = CONTRACTS["contacts"]
SCHEMA_URI = "urn:kapso-spec"


def _walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every (pointer of the parent, key, value) in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield pointer, key, value
            yield from _walk(value, f"{pointer}/{escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield pointer, str(index), value
            yield from _walk(value, f"{pointer}/{index}")


def _validator(spec: str, pointer: str) -> jsonschema.Draft202012Validator:
    """A validator for the schema at ``pointer`` of a spec, its ``$ref``s resolved in it."""
    resource = referencing.Resource.from_contents(RAW[spec], default_specification=DRAFT202012)
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(SCHEMA_URI, resource)
    return jsonschema.Draft202012Validator(
        {"$ref": f"{SCHEMA_URI}#{pointer}"},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _documented_facts() -> list[Any]:
    return [
        pytest.param(spec, f"{pointer}/{escape(key)}", value, id=f"{spec}{pointer}/{key}")
        for spec, raw in RAW.items()
        for pointer, key, value in _walk(raw)
        if isinstance(value, dict) and "source" in value and "quote" in value
    ]


def _named_examples() -> list[Any]:
    found = []
    for spec, contract in CONTRACTS.items():
        for status in sorted(contract.statuses):
            content = contract.response(status).get("content", {}).get("application/json", {})
            schema = f"{contract.operation_pointer}/responses/{status}/content/application~1json"
            for name, example in content.get("examples", {}).items():
                found.append(
                    pytest.param(
                        spec, f"{schema}/schema", example["value"], id=f"{spec}-{status}-{name}"
                    )
                )
    return found


def _parameter_examples() -> list[Any]:
    return [
        pytest.param(spec, parameter.pointer, raw["example"], id=f"{spec}-{name}")
        for spec, contract in CONTRACTS.items()
        for name, parameter in contract.parameters.items()
        if "example" in (raw := _raw_parameter(contract, parameter.pointer))
    ]


def _raw_parameter(contract: Contract, pointer: str) -> Mapping[str, Any]:
    index = int(pointer.rsplit("/", 1)[-1])
    found: Mapping[str, Any] = contract.operation["parameters"][index]
    return found


def _readings() -> list[Any]:
    found = []
    for spec, contract in CONTRACTS.items():
        for fact in contract.assumptions:
            for value in fact.readings:
                shown = f"{contract.relative(fact.pointer)}={json.dumps(value)}"
                found.append(pytest.param(spec, fact.pointer, value, id=f"{spec}-{shown}"))
    return found


# -- traceable ----------------------------------------------------------------


@pytest.mark.parametrize(("spec", "pointer", "fact"), _documented_facts())
def test_every_documented_fact_quotes_its_source_word_for_word(
    spec: str, pointer: str, fact: dict[str, Any], source_text: Callable[[str], str]
) -> None:
    # "Documented" means Kapso said it: the quote must be there, in those words.
    assert fact["source"] in RAW[spec]["info"]["x-kapso-sources"], pointer
    quote = " ".join(fact["quote"].split())
    assert quote in " ".join(source_text(fact["source"]).split()), pointer


@pytest.mark.parametrize("spec", SPECS)
def test_every_documented_bound_quotes_its_own_number(spec: str) -> None:
    # A maximum of 250 that cites "x <= 100" would be a fact with the wrong source.
    contract = CONTRACTS[spec]
    for parameter in contract.parameters.values():
        for keyword in ("minimum", "maximum"):
            bound, why = getattr(parameter, keyword), parameter.provenance.get(keyword)
            if bound is not None and why is not None and why.documented:
                assert re.search(rf"(?<![0-9]){bound}(?![0-9])", str(why.quote)), parameter.name
    window = contract.pagination.legacy.max_window
    assert f"{window.value:,}" in str(window.provenance.quote)


@pytest.mark.parametrize("spec", SPECS)
def test_the_spec_says_documented_or_assumed_for_every_bound_and_rule(spec: str) -> None:
    contract = CONTRACTS[spec]
    for parameter in contract.parameters.values():
        for keyword in ("minimum", "maximum"):
            if getattr(parameter, keyword) is not None:
                why = parameter.provenance[keyword]
                assert why.documented != bool(why.reason), (parameter.name, keyword)
    assert len({rule.id for rule in contract.rules}) == len(contract.rules) > 0
    for rule in contract.rules:
        assert rule.provenance.documented != bool(rule.provenance.reason), rule.id
        if rule.effect.readings:  # another reading is only plausible where the docs are silent
            assert not rule.provenance.documented, rule.id


@pytest.mark.parametrize(("spec", "pointer", "value"), _readings())
def test_each_listed_reading_of_each_assumed_fact_reads(
    spec: str, pointer: str, value: Any
) -> None:
    contract = CONTRACTS[spec]
    read = contract.read_as({pointer: value})
    assert read.fact(pointer).raw == value
    assert contract.fact(pointer).raw != value
    assert not contract.fact(pointer).provenance.documented


@pytest.mark.parametrize("spec", SPECS)
def test_the_spec_reads_and_its_extensions_lint_clean(spec: str, lint_spec: Any) -> None:
    assert lint_spec.problems(SPECS[spec]) == []


def test_the_extensions_schema_is_valid_and_names_every_filter_kind_of_the_registry() -> None:
    schema = json.loads((REPO / "openapi" / "extensions.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    kind = schema["$defs"]["parameter"]["properties"]["x-kapso-filter"]["properties"]["kind"]
    assert sorted(kind["enum"]) == sorted(FILTER_KINDS)


# -- List contacts' docs page -------------------------------------------------


def test_every_docs_page_query_parameter_is_in_the_spec(source_text: Callable[[str], str]) -> None:
    section = source_text("docs-page").split("Query Parameters", 1)[1].split("Response", 1)[0]
    documented = set(
        re.findall(r"^([a-z_]+)\n(?:string|boolean|integer)", section, flags=re.MULTILINE)
    )
    assert len(documented) == 12, documented
    assert documented | {"business_scoped_user_id"} == set(CONTACTS.parameters)


def test_docs_page_example_is_reproduced_verbatim(source_text: Callable[[str], str]) -> None:
    text = source_text("docs-page")
    example, _ = json.JSONDecoder().raw_decode(text[text.index('{\n  "data"') :])
    content = CONTACTS.response(200)["content"]["application/json"]
    assert content["examples"]["docs_page"]["value"] == example


# -- 3.1-correct and tolerant -------------------------------------------------


@pytest.mark.parametrize("spec", SPECS)
def test_the_spec_is_openapi_3_1_with_the_api_key_on_the_operation(spec: str) -> None:
    contract = CONTRACTS[spec]
    assert RAW[spec]["openapi"] == "3.1.0"
    assert contract.api_key_header == "X-API-Key"
    assert contract.operation["security"] == [{"apiKey": []}]


@pytest.mark.parametrize("spec", SPECS)
def test_no_schema_declares_a_default_or_the_3_0_nullable_keyword(spec: str) -> None:
    # A `default` would be sent by the generated client on every call; `nullable`
    # has no effect in OpenAPI 3.1 (`type: [T, "null"]` is the 3.1 way).
    offending = [f"{p}/{key}" for p, key, _ in _walk(RAW[spec]) if key in {"default", "nullable"}]
    assert offending == []


@pytest.mark.parametrize("spec", SPECS)
def test_every_object_schema_allows_unknown_fields(spec: str) -> None:
    # Kapso adds response fields over time: a new one must never break a client.
    objects = [
        (f"{pointer}/{key}", value)
        for pointer, key, value in _walk(RAW[spec])
        if isinstance(value, dict) and "object" in _types(value)
    ]
    assert len(objects) >= 8
    assert [p for p, value in objects if value.get("additionalProperties") is not True] == []


def _types(schema: Mapping[str, Any]) -> list[Any]:
    kind = schema.get("type")
    return kind if isinstance(kind, list) else [kind]


def _required(fields: Mapping[str, Field]) -> set[str]:
    found = {name for name, field in fields.items() if field.required}
    return found | {f"{n}.{r}" for n, f in fields.items() for r in _required(f.fields)}


@pytest.mark.parametrize("spec", SPECS)
def test_only_the_keyset_fields_and_data_are_required(spec: str) -> None:
    contract = CONTRACTS[spec]
    pagination, ok = contract.pagination, contract.success_status
    assert _required(contract.item.fields) == {key.field for key in contract.order}
    (body,) = contract.body_schemas(ok)
    assert contract.schema(body)["required"] == [pagination.items.path]
    # A cursor page that also carries a total count must still read.
    assert "required" not in (contract.body_field(ok, pagination.legacy.envelope) or {})


@pytest.mark.parametrize("spec", SPECS)
def test_time_bounds_read_date_times_and_say_they_are_exclusive(spec: str) -> None:
    contract = CONTRACTS[spec]
    bounds = [f for f in contract.filters.values() if f.meaning.value == "instant"]
    assert len(bounds) >= 2
    for bound in bounds:
        parameter = contract.parameters[bound.parameter]
        assert parameter.schema == {"type": "string", "format": "date-time"}
        assert "exclusive" in parameter.description
    assert contract.pagination.legacy.page.deprecated


# -- examples -----------------------------------------------------------------


@pytest.mark.parametrize(("spec", "pointer", "value"), _named_examples())
def test_named_example_validates_against_its_schema(spec: str, pointer: str, value: Any) -> None:
    _validator(spec, pointer).validate(value)


@pytest.mark.parametrize("spec", SPECS)
def test_named_examples_cover_both_modes_and_the_errors(spec: str) -> None:
    contract = CONTRACTS[spec]
    pagination = contract.pagination

    def examples(status: int) -> list[Any]:
        content = contract.response(status).get("content", {}).get("application/json", {})
        return [example["value"] for example in content.get("examples", {}).values()]

    pages = examples(contract.success_status)
    assert any(pagination.cursor.envelope in page for page in pages)
    assert any(pagination.legacy.envelope in page for page in pages)
    limit, refusal = pagination.legacy.limit_error_body, contract.refusal_body
    for status, body in (
        (pagination.legacy.limit_error_status, limit),
        (contract.refusal_status.value, refusal),
        (pagination.cursor.unreadable.value, refusal),
        (401, refusal),
        (429, refusal),
    ):
        required = set(contract.schema(body).get("required", []))
        assert any(required <= set(example) for example in examples(status)), (status, body)


@pytest.mark.parametrize("spec", SPECS)
def test_schema_validation_rejects_what_the_contract_forbids(spec: str) -> None:
    # The examples test is only meaningful if the schemas can say no.
    contract = CONTRACTS[spec]
    (body,) = contract.body_schemas(contract.success_status)
    page = _validator(spec, f"/components/schemas/{body}")
    content = contract.response(contract.success_status)["content"]["application/json"]
    valid = next(
        e["value"]
        for e in content["examples"].values()
        if contract.pagination.legacy.envelope in e["value"]
    )
    item = valid["data"][0]
    first_key, identity = contract.order[0].field, contract.identity
    assert page.is_valid(valid)
    for broken in (
        {"meta": valid["meta"]},
        {**valid, "data": [{**item, first_key: "yesterday"}]},
        {**valid, "data": [{k: v for k, v in item.items() if k != identity}]},
        {**valid, "data": [{**item, identity: None}]},
        {**valid, "meta": {**valid["meta"], "page": 0}},
    ):
        assert not page.is_valid(broken)


@pytest.mark.parametrize(("spec", "pointer", "value"), _parameter_examples())
def test_parameter_examples_validate(spec: str, pointer: str, value: Any) -> None:
    _validator(spec, f"{pointer}/schema").validate(value)


@pytest.mark.parametrize("spec", SPECS)
def test_no_two_parameter_examples_combine_into_a_request_any_reading_refuses(spec: str) -> None:
    # A tool (schemathesis' examples phase) sends every parameter's example at once: the
    # spec must serve that request, whichever plausible reading the server holds.
    contract = CONTRACTS[spec]
    query = {
        name: to_query_value(contract, parameter, raw["example"])
        for name, parameter in contract.parameters.items()
        if "example" in (raw := _raw_parameter(contract, parameter.pointer))
    }
    assert len(query) >= 8
    readings = [contract, *(read for _, _, read in contract.alternatives())]
    for read in readings:
        refused = assess(read, query).refusals
        assert refused == (), [(r.parameter, r.message) for r in refused]
