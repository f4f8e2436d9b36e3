"""The contract reads each fact where its spec says it, with its readings, or refuses the spec."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import kapso_contacts.contract as core
from kapso_contacts.contract import Contract, ContractError, Fact, Provenance

REPO = Path(__file__).resolve().parents[2]
OPERATION = "/paths/~1whatsapp~1contacts/get"
CONVERSATIONS = REPO / "tests/specs/conversations.yaml"
SPECS = {  # each spec as written, and its contract
    "contacts": (yaml.safe_load((REPO / core.SPEC_FILE).read_text()), core.default_contract()),
    "conversations": (yaml.safe_load(CONVERSATIONS.read_text()), core.load_contract(CONVERSATIONS)),
}


def raw() -> Any:
    return copy.deepcopy(SPECS["contacts"][0])


def node(tree: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        tree = tree[int(token)] if isinstance(tree, list) else tree[token]
    return tree


def resolve(spec: Any, schema: Any) -> Any:
    return resolve(spec, node(spec, schema["$ref"][1:])) if "$ref" in schema else schema


def words(text: str) -> str:
    return " ".join(text.split())


def held(obj: Any) -> Iterator[Any]:
    """Every provenance and fact the contract holds."""
    if isinstance(obj, Provenance | Fact):
        yield obj
    if is_dataclass(obj) and not isinstance(obj, Provenance):
        for f in fields(obj):
            yield from held(getattr(obj, f.name))
    elif isinstance(obj, Mapping | tuple):
        yield from (y for v in (obj.values() if isinstance(obj, Mapping) else obj) for y in held(v))


def said(tree: Any, at: str, wanted: Callable[[Any], bool], inside: bool = False) -> Iterator[str]:
    """Pointers of the nodes under an ``x-kapso-*`` key that ``wanted`` picks, in order."""
    if isinstance(tree, dict) and inside and wanted(tree):
        yield at
    children = dict(enumerate(tree)) if isinstance(tree, list) else tree
    for key, value in children.items() if isinstance(children, dict) else ():
        step = str(key)
        yield from said(value, f"{at}/{core.escape(step)}", wanted, inside or "x-kapso-" in step)


def test_the_packaged_spec_is_openapi_contacts_yaml() -> None:
    assert core.packaged_spec() == raw() and core.default_contract().file == "openapi/contacts.yaml"


@pytest.mark.parametrize("name", SPECS)
def test_every_fact_is_read_with_a_provenance_pointing_at_the_node_that_says_it(name: str) -> None:
    spec, contract = SPECS[name]
    found = list(held(contract))
    provenances = {p for p in found if isinstance(p, Provenance)}
    for p in provenances:
        at = node(spec, p.pointer)
        assert p.location == f"{contract.file}#{p.pointer}"
        if p.documented:
            assert p.source in spec["info"]["x-kapso-sources"] and at["source"] == p.source
            assert p.quote == words(at["quote"])
        else:
            assert p.reason == words(at["assumed"])
    for fact in (f for f in found if isinstance(f, Fact) and "value" in node(spec, f.pointer)):
        at = node(spec, fact.pointer)
        assert (fact.raw, fact.readings) == (at["value"], tuple(at.get("readings", ())))
    operation = contract.operation_pointer
    every = said(node(spec, operation), operation, lambda n: "source" in n or "assumed" in n)
    assert {p.pointer for p in provenances} == set(every)


def fields_of(spec: Any, schema: Any) -> dict[str, core.Field]:
    """The item fields the schema writes (nested objects with their own)."""
    found = {}
    for name, written in schema.get("properties", {}).items():
        prop, types = resolve(spec, written), written.get("type", "object")
        enum = tuple(prop["enum"]) if "enum" in prop else None
        types = tuple(types) if isinstance(types, list) else (types,)
        nested, sample = fields_of(spec, prop), prop.get("x-kapso-sample", {})
        required = name in schema.get("required", [])
        found[name] = core.Field(name, types, prop.get("format"), enum, required, nested, sample)
    return found


@pytest.mark.parametrize("name", SPECS)
def test_parameters_filters_order_rules_rate_limit_and_fields_are_as_written(name: str) -> None:
    spec, contract = SPECS[name]
    op = node(spec, contract.operation_pointer)
    item = resolve(spec, spec["components"]["schemas"][contract.item.schema])
    assert list(contract.parameters) == [p["name"] for p in op["parameters"] if p["in"] == "query"]
    for p in contract.parameters.values():
        written = node(spec, p.pointer)
        schema = resolve(spec, written["schema"])
        expected = {k: schema.get(k) for k in ("minimum", "maximum", "pattern")}
        expected["enum"] = tuple(schema["enum"]) if "enum" in schema else None
        expected["default"] = written.get("x-kapso-default", {}).get("value")
        expected["deprecated"] = written.get("deprecated", False)
        assert {k: getattr(p, k) for k in expected} == expected and p.name == written["name"]
        meaning = written.get("x-kapso-filter")
        assert contract.filters.get(p.name) is p.filter and (p.filter is None) == (meaning is None)
        if meaning:
            kind = "contains-any-case" if meaning.get("case") == "insensitive" else meaning["kind"]
            hidden = meaning["field"].split(".")[0] not in item["properties"]
            where = f"{p.pointer}/x-kapso-filter"
            says = Provenance(where, contract.file, meaning["source"], words(meaning["quote"]))
            read = core.Filter(p.name, meaning["field"], kind, says, meaning.get("through"), hidden)
            assert p.filter == read
    order = [(n["field"], n["direction"]) for n in op["x-kapso-order"]]
    directions = [(f, d["value"] if isinstance(d, dict) else d) for f, d in order]
    assert [(key.field, key.direction.value) for key in contract.order] == directions
    rules = [(r["id"], r["together"], r["effect"]["value"]) for r in op["x-kapso-rules"]]
    assert [(r.id, [list(g) for g in r.groups], r.effect.raw) for r in contract.rules] == rules
    effects = ["refuse" if e == "refuse" else tuple(e["ignore"]) for *_, e in rules]
    assert [r.effect.value for r in contract.rules] == effects
    rate, limit = op["x-kapso-rate-limit"], contract.rate_limit
    headers = (rate["window-seconds"], rate["limit-header"], rate["remaining-header"])
    assert (limit.window_seconds, limit.limit_header, limit.remaining_header) == headers
    assert contract.item.fields == fields_of(spec, item)


@pytest.mark.parametrize("name", SPECS)
def test_the_assumptions_are_the_assumed_facts_listing_readings_each_read_once(name: str) -> None:
    spec, contract = SPECS[name]
    at = contract.operation_pointer
    listed = list(said(node(spec, at), at, lambda n: {"assumed", "readings"} <= n.keys()))
    assert [f.pointer for f in contract.assumptions] == listed
    seen = [(f.pointer, json.dumps(v)) for f, v, _ in contract.alternatives()]
    assert seen == [(p, json.dumps(v)) for p in listed for v in node(spec, p)["readings"]]
    for fact, value, read in contract.alternatives():  # pointers relative or absolute
        relative = contract.relative(fact.pointer)
        assert not relative.startswith("/") and contract.absolute(relative) == fact.pointer
        for pointer in (relative, fact.pointer):
            assert read.fact(pointer).raw == contract.read_as({pointer: value}).fact(pointer).raw
            assert read.fact(pointer).raw == value


def test_read_as_refuses_a_value_not_listed_or_a_fact_without_readings_naming_what_is() -> None:
    contract = core.default_contract()
    for fact in contract.assumptions:
        with pytest.raises(ValueError, match="reads one of") as refused:
            contract.read_as({contract.relative(fact.pointer): "no such reading"})
        assert all(json.dumps(v) in str(refused.value) for v in (fact.raw, *fact.readings))
    with pytest.raises(KeyError) as unknown:  # documented: it has no readings
        contract.read_as({contract.relative(contract.order[0].direction.pointer): "ascending"})
    assert all(contract.relative(f.pointer) in str(unknown.value) for f in contract.assumptions)


EXTENSIONS = [key for key in node(raw(), OPERATION) if key.startswith("x-kapso-")]
MALFORMED = [  # the node edited (under the operation), the edit, where the refusal must point
    ("/parameters/0/x-kapso-filter", lambda n: n.pop("quote"), ""),  # documented, no words
    ("/parameters/2/x-kapso-filter", lambda n: n.update(source="a-blog"), ""),  # no such source
    ("/x-kapso-items/nulls", lambda n: n.pop("assumed"), ""),  # assumed, no reason
    ("/parameters/0/x-kapso-filter", lambda n: n.update(kind="regex"), "/kind"),
    ("/parameters/1/x-kapso-filter", lambda n: n.update(through="customer"), "/through"),
    ("/x-kapso-order/0", lambda n: n.update(direction="sideways"), "/direction"),
    ("/x-kapso-rules/0", lambda n: n.update(together=[["since"]]), "/together"),
    ("/x-kapso-rules/1/effect", lambda n: n.update(value="warn"), ""),
    *(("", lambda n, e=e: n.pop(e), e) for e in EXTENSIONS),  # named, not pointed at
]


@pytest.mark.parametrize(("at", "edit", "named"), MALFORMED, ids=[m[0] + m[2] for m in MALFORMED])
def test_a_malformed_spec_is_refused_naming_the_location(
    at: str, edit: Callable[[Any], Any], named: str
) -> None:
    spec = raw()
    edit(node(spec, OPERATION + at))
    where = named if named.startswith("x-kapso-") else OPERATION + at + named
    with pytest.raises(ContractError, match=re.escape(where)):
        Contract.read(spec)


def test_the_operation_is_the_get_with_x_kapso_pagination_whatever_its_name() -> None:
    spec = raw()
    node(spec, OPERATION)["operationId"] = "enumerate_people"
    spec["paths"]["/other"] = {"get": {"operationId": "list_contacts", "responses": {}}}
    renamed = Contract.read(spec)
    assert (renamed.operation_id, renamed.operation_pointer) == ("enumerate_people", OPERATION)
    assert renamed.parameters == core.default_contract().parameters
    with pytest.raises(ContractError, match="x-kapso-pagination"):
        Contract.read(spec, operation_id="list_contacts")
    spec["paths"]["/copy"] = spec["paths"]["/whatsapp/contacts"]  # two list operations
    with pytest.raises(ContractError, match="x-kapso-pagination"):
        Contract.read(spec)
