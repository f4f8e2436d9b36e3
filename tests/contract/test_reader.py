"""The contract reader: what it reports is what the YAML says, keyword for keyword."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kapso_contacts.contract import (
    Contract,
    ContractError,
    assess,
    build_contract,
    default_contract,
    load_contract,
    packaged_spec,
)

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "openapi" / "contacts.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
OPERATION: dict[str, Any] = SPEC["paths"]["/whatsapp/contacts"]["get"]
RAW_PARAMETERS = {p["name"]: p for p in OPERATION["parameters"]}
CONTRACT = default_contract()


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_the_packaged_spec_is_the_yaml_spec() -> None:
    # `make generate` ships the spec as JSON; a stale copy would be a second contract.
    assert packaged_spec() == SPEC
    assert load_contract(SPEC_PATH).parameters.keys() == CONTRACT.parameters.keys()


def test_every_query_parameter_is_read_with_its_schema_keywords() -> None:
    assert list(CONTRACT.parameters) == list(RAW_PARAMETERS)
    for name, raw in RAW_PARAMETERS.items():
        schema = _resolve(raw["schema"])
        parameter = CONTRACT.parameters[name]
        assert parameter.minimum == schema.get("minimum"), name
        assert parameter.maximum == schema.get("maximum"), name
        assert parameter.pattern == schema.get("pattern"), name
        assert parameter.deprecated == raw.get("deprecated", False), name
        assert parameter.default == raw.get("x-kapso-default", {}).get("value"), name


def test_each_filter_is_read_from_its_x_kapso_filter() -> None:
    declared = {
        name: p["x-kapso-filter"] for name, p in RAW_PARAMETERS.items() if "x-kapso-filter" in p
    }
    assert set(CONTRACT.filters) == set(declared)
    for name, raw in declared.items():
        filter_ = CONTRACT.filters[name]
        assert (filter_.field, filter_.match) == (raw["field"], raw["match"])
        assert filter_.case_insensitive == (raw.get("case") == "insensitive")


def _provenances(contract: Contract) -> Iterator[Any]:
    for parameter in contract.parameters.values():
        yield from parameter.provenance.values()
        if parameter.filter is not None:
            yield parameter.filter.provenance
    pagination = contract.pagination
    yield from (pagination.cursor.provenance, pagination.cursor.full_pages)
    yield from (pagination.cursor.unissued, pagination.legacy.provenance)
    yield from (pagination.legacy.window, pagination.legacy.limit_error)
    yield from (pagination.one_envelope, pagination.bare)
    for key in contract.order:
        yield from (key.provenance, key.direction)
    for rule in contract.rules:
        yield rule.provenance
    query = contract.query
    yield from (query.integers, query.booleans.provenance, query.date_times)
    yield from (query.repeated_provenance, query.empty_filter_provenance, query.unknown_provenance)
    yield from (contract.refusal.provenance, contract.rate_limit.provenance)


def test_every_provenance_points_at_the_node_that_says_it() -> None:
    seen = 0
    for provenance in _provenances(CONTRACT):
        node = _pointer(SPEC, provenance.pointer)
        if provenance.documented:
            assert node["source"] == provenance.source
            assert " ".join(node["quote"].split()) == provenance.quote
        else:
            assert " ".join(node["assumed"].split()) == provenance.reason
        assert provenance.location.startswith("openapi/contacts.yaml#/paths/")
        seen += 1
    assert seen > 20


def test_documented_and_assumed_bounds_follow_x_kapso_provenance() -> None:
    for name, raw in RAW_PARAMETERS.items():
        for keyword, node in raw.get("x-kapso-provenance", {}).items():
            source = CONTRACT.parameters[name].source_of(keyword)
            assert source.documented == ("source" in node), (name, keyword)


def _edges() -> list[tuple[str, int, bool, str]]:
    """(parameter, value, accepted, keyword at fault) at every integer bound and one past it."""
    edges = []
    for name, parameter in CONTRACT.parameters.items():
        if parameter.minimum is not None:
            edges += [
                (name, parameter.minimum, True, ""),
                (name, parameter.minimum - 1, False, "minimum"),
            ]
        if parameter.maximum is not None:
            edges += [
                (name, parameter.maximum, True, ""),
                (name, parameter.maximum + 1, False, "maximum"),
            ]
    return edges


@pytest.mark.parametrize(("name", "value", "accepted", "keyword"), _edges())
def test_integer_bounds_are_refused_one_past_with_the_keywords_provenance(
    name: str, value: int, accepted: bool, keyword: str
) -> None:
    verdict = assess(CONTRACT, {name: str(value)})
    assert verdict.refused is not accepted
    if not accepted:
        refusal = verdict.first
        assert refusal is not None and refusal.parameter == name
        assert refusal.provenance == CONTRACT.parameters[name].source_of(keyword)


def test_past_the_largest_page_or_window_is_the_legacy_limit_answer() -> None:
    legacy = CONTRACT.pagination.legacy
    assert legacy.max_page is not None
    per_page = legacy.per_page.maximum
    assert per_page is not None
    past_page = assess(CONTRACT, {"page": str(legacy.max_page + 1)}).first
    assert past_page is not None and past_page.answer == "legacy-limit"
    # The first page whose window passes the maximum, at the largest page size.
    page = legacy.max_window // per_page + 1
    verdict = assess(CONTRACT, {"page": str(page), "per_page": str(per_page)})
    if page <= legacy.max_page:
        assert verdict.first is not None and verdict.first.provenance == legacy.window
    inside = assess(
        CONTRACT, {"page": str(legacy.max_window // per_page), "per_page": str(per_page)}
    )
    assert not inside.refused


@given(st.text(alphabet="0123456789-+ .e", max_size=6))
def test_an_integer_is_accepted_exactly_when_it_is_spelled_as_one_and_in_range(text: str) -> None:
    limit = CONTRACT.pagination.cursor.limit
    verdict = assess(CONTRACT, {limit.name: text})
    spelled = re.fullmatch(CONTRACT.query.integer_pattern, text) is not None
    in_range = spelled and limit.minimum <= int(text) <= limit.maximum  # type: ignore[operator]
    assert verdict.refused is not in_range


def test_each_rule_refuses_or_ignores_as_the_spec_says() -> None:
    for rule in CONTRACT.rules:
        query = {group[0]: _valid_value(group[0]) for group in rule.groups}
        verdict = assess(CONTRACT, query)
        if rule.effect == "refuse":
            assert verdict.first is not None and verdict.first.provenance == rule.provenance
        else:
            assert not verdict.refused and set(rule.ignore) <= set(verdict.ignored)


def _valid_value(name: str) -> str:
    parameter = CONTRACT.parameters[name]
    if parameter.kind == "integer":
        return str(parameter.minimum or 1)
    if parameter.kind == "cursor":
        return "eyJ2YWx1ZXMiOltdfQ=="
    return "x"


def test_an_ignore_rule_drops_its_parameters_instead_of_refusing() -> None:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    rules = spec["paths"]["/whatsapp/contacts"]["get"]["x-kapso-rules"]
    legacy_rule = next(rule for rule in rules if rule["id"] == "legacy-with-cursor")
    legacy_rule.update(effect="ignore", ignore=["page", "per_page"])
    cursor_wins = build_contract(spec)
    verdict = assess(cursor_wins, {"page": "3", "limit": "5"})
    assert not verdict.refused
    assert verdict.mode == "cursor" and verdict.ignored == ("page",)
    assert dict(verdict.values) == {"limit": 5}


def test_booleans_accept_exactly_the_declared_spellings() -> None:
    spellings = CONTRACT.query.booleans
    for text in (*spellings.true, *spellings.false):
        assert not assess(CONTRACT, {"has_customer": text}).refused
    for text in ("1", "0", "yes", "TRUE", "t"):  # ("" is an empty filter: x-kapso-query)
        if text not in (*spellings.true, *spellings.false):
            refusal = assess(CONTRACT, {"has_customer": text}).first
            assert refusal is not None and refusal.provenance == spellings.provenance


def test_repeated_empty_and_unknown_parameters_follow_x_kapso_query() -> None:
    query = CONTRACT.query
    verdict = assess(
        CONTRACT, [("limit", "5"), ("limit", "7"), ("nope", "1"), ("wa_id_contains", "")]
    )
    expected_limit = 7 if query.repeated == "last" else 5
    assert verdict.values["limit"] == expected_limit
    assert ("nope" in verdict.ignored) == (query.unknown == "ignore")
    assert ("wa_id_contains" in verdict.ignored) == (query.empty_filter == "ignore")


def test_the_mode_of_a_bare_request_is_the_spec_s_choice() -> None:
    assert assess(CONTRACT, {}).mode == CONTRACT.pagination.bare_mode
    assert assess(CONTRACT, {"limit": "3"}).mode == "cursor"
    assert assess(CONTRACT, {"per_page": "3"}).mode == "legacy"


def test_a_spec_without_an_extension_is_refused_with_its_location() -> None:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    del spec["paths"]["/whatsapp/contacts"]["get"]["x-kapso-order"]
    with pytest.raises(ContractError, match="x-kapso-order"):
        build_contract(spec)


def test_a_fact_without_its_source_is_refused() -> None:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    filter_ = spec["paths"]["/whatsapp/contacts"]["get"]["parameters"][0]["x-kapso-filter"]
    del filter_["quote"]
    with pytest.raises(ContractError, match="x-kapso-filter"):
        build_contract(spec)


def test_the_path_and_key_header_come_from_the_servers_and_security_scheme() -> None:
    server = SPEC["servers"][0]["url"]
    assert CONTRACT.server_url == server
    assert CONTRACT.path == urlsplit(server).path + next(iter(SPEC["paths"]))
    assert CONTRACT.api_key_header == SPEC["components"]["securitySchemes"]["apiKey"]["name"]


def test_the_items_field_is_the_contact_list_s_array_of_contacts() -> None:
    properties = SPEC["components"]["schemas"]["ContactList"]["properties"]
    items = CONTRACT.pagination.items
    assert properties[items.path]["items"] == {"$ref": "#/components/schemas/Contact"}
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    renamed = spec["components"]["schemas"]["ContactList"]["properties"]
    renamed["contacts"] = renamed.pop(items.path)
    assert build_contract(spec).pagination.items.path == "contacts"
