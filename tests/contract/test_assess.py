"""`assess` reads a query as the contract says, and each assumption as each of its readings says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

import kapso_contacts.contract as core
from kapso_contacts.contract import Contract, Instant, Parameter

CONVERSATIONS = Path(__file__).resolve().parents[2] / "tests/specs/conversations.yaml"
CONTRACTS = (core.default_contract(), core.load_contract(CONVERSATIONS))
UNREADABLE, NOT_VALID = "bm90IG91cnM", "not valid!"  # the latter: of no type, UUID or enum
MOMENT = Instant(datetime(2025, 3, 26, 15, 5, tzinfo=UTC))
ISO_FORMS = ["2025-03-26", "2025-03-26 15:05:00Z", "2025-03-26T15:05:00", "2025-03-26T15:05+02",
             "2025-03-26T15:05:00,5Z", "2025-03-26T15:05:00+0230"]  # fmt: skip
SAID = CONTRACTS[0].query.booleans
SPELLINGS = sorted({s for r in (SAID.raw, *SAID.readings) for s in r["true"] + r["false"]})
REFUSED = "refused with x-kapso-refusal"
Query = dict[str, Any]


def verdict(contract: Contract, query: Query) -> core.Assessment:
    return core.assess(contract, query, readable=lambda name, value: value != UNREADABLE)


def outcome(contract: Contract, query: Query, name: str) -> Any:
    """The status a parameter is refused with, else its value, else ``ignored``."""
    found = verdict(contract, query)
    statuses = [r.status for r in found.refusals if r.parameter == name]
    return statuses[0] if statuses else found.values.get(name, "ignored")


def iso(text: str) -> Instant:
    """ISO 8601 as Python reads it, no offset read as UTC."""
    moment = datetime.fromisoformat(text)
    return Instant(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


#: Per assumption: the parameter sent (its role), the values sent, what a reading makes of each.
PROBES: dict[str, tuple[str, list[Any], Callable[[Any, Any], Any]]] = {
    "leading-zeros": ("limit", ["05"], lambda v, _: 5 if v == "accepted" else REFUSED),
    "plus-sign": ("limit", ["+5"], lambda v, _: 5 if v == "accepted" else REFUSED),
    "out-of-range": ("limit", ["0"], lambda v, _: 1 if v == "clamp" else REFUSED),
    "repeated": ("limit", [["5", "7"]], lambda v, _: 7 if v == "last" else 5),
    "status": ("limit", ["five"], lambda v, _: v),
    "unreadable-cursor": ("after", [UNREADABLE], lambda v, _: v),
    "unknown": ("unknown", ["1"], lambda v, _: "ignored" if v == "ignore" else REFUSED),
    "booleans": ("boolean", SPELLINGS, lambda v, s: s in v["true"] if s in v["true"] + v["false"]
                 else REFUSED),
    "forms": ("date-time", ISO_FORMS, lambda v, text: iso(text) if v == "iso8601" else REFUSED),
    "lowercase": ("date-time", ["2025-03-26t15:05:00z"],
                  lambda v, _: MOMENT if v == "accepted" else REFUSED),
    "sub-microsecond": ("date-time", ["2025-03-26T15:05:00.0000001Z"],
                        lambda v, _: Instant(MOMENT.floor, v == "kept")),
}  # fmt: skip


def name_of(contract: Contract, role: str) -> str:
    cursor = contract.pagination.cursor
    kinds = [n for n, p in contract.parameters.items() if p.kind == role] or [role]
    return {"limit": cursor.limit.name, "after": cursor.after.name}.get(role, kinds[0])


def valid(contract: Contract, name: str) -> str:
    p = contract.parameters[name]
    kinds = {"integer": str(p.minimum), "boolean": "true", "cursor": "Y3Vyc29y"}
    found = {**kinds, "date-time": "2025-03-26T15:05:00Z"}.get(p.kind)
    return found or (str(p.enum[0]) if p.enum else "550e8400-e29b-41d4-a716-446655440000")


def empty(contract: Contract, name: str, reading: str) -> Any:
    """What the spec says an empty value becomes: a text filter is one whose schema takes ''."""
    p = contract.parameters[name]
    schema = Draft202012Validator(p.schema, format_checker=FormatChecker())
    text = p.filter is not None and schema.is_valid("")
    if reading == "ignore" or (reading == "ignore-text" and text):
        return "ignored"
    return "" if reading == "literal" and text else contract.refusal_status.value


def rule_holds(contract: Contract, rule: core.Rule, effect: Any) -> Query:
    """A request naming one parameter of each group gets the effect; dropped values are checked."""
    trigger = {group[0]: valid(contract, group[0]) for group in rule.groups}
    found, refusal = verdict(contract, trigger), contract.refusal_status.value
    if effect == "refuse":
        assert [(r.provenance, r.status) for r in found.refusals] == [(rule.provenance, refusal)]
    else:
        dropped = set(trigger) & set(effect["ignore"])
        assert not found.refused and set(found.ignored) == dropped
        assert set(found.values) == set(trigger) - dropped
    assert all(outcome(contract, {**trigger, n: NOT_VALID}, n) == refusal for n in trigger)
    return trigger


READINGS = [(c, f, v) for c in CONTRACTS for f in c.assumptions for v in (f.raw, *f.readings)]
READ = [f"{c.noun}:{c.relative(f.pointer)}={v}" for c, f, v in READINGS]


@pytest.mark.parametrize(("contract", "fact", "value"), READINGS, ids=READ)
def test_each_reading_of_each_assumption_changes_the_verdict_its_way(
    contract: Contract, fact: core.Fact[Any], value: Any
) -> None:
    pointer = contract.relative(fact.pointer)
    read = contract.read_as({pointer: value})
    key, index = pointer.rsplit("/", 1)[-1], pointer.split("/")[1]
    query: Query | None = None
    if key in PROBES:
        role, sent, meaning = PROBES[key]
        name = name_of(read, role)
        for text in sent:
            expected = meaning(value, text)
            expected = read.refusal_status.value if expected == REFUSED else expected
            assert outcome(read, {name: text}, name) == expected, text
        query = {name: sent[0]}
    elif key == "empty-value":
        seen = {n: outcome(read, {n: ""}, n) for n in read.parameters}
        assert seen == {n: empty(read, n, value) for n in read.parameters}
        query = {name_of(read, "limit"): ""}
    elif key == "effect":
        query = rule_holds(read, read.rules[int(index)], value)
    elif key == "bare-request":
        assert verdict(read, {}).mode == value
        query = {}
    elif key == "direction":
        assert read.order[int(index)].descending == (value == "descending")
    else:  # facts of the model
        model: dict[str, core.Fact[Any]] = {"nulls": read.item.nulls}
        assert {**model, "one-envelope": read.pagination.one_envelope}[key].value == value
    if query is not None:  # the verdict names the fact it rests on
        found = verdict(read, query)
        named = [*found.assumed, *(p for r in found.refusals for p in (r.provenance, r.answer))]
        assert fact.pointer in {p.pointer for p in named}


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.noun)
def test_a_plain_query_rests_on_no_assumption(contract: Contract) -> None:
    limit = name_of(contract, "limit")
    found, plain = verdict(contract, {limit: "20"}), ({limit: 20}, (), "cursor", ())
    assert (found.values, found.refusals, found.mode, found.assumed) == plain


INTEGERS = [(c, p) for c in CONTRACTS for p in c.parameters.values() if p.kind == "integer"]


@pytest.mark.parametrize(("contract", "parameter"), INTEGERS, ids=lambda x: getattr(x, "name", ""))
def test_every_integer_bound_holds_at_its_edge_and_one_past_is_refused_or_clamped(
    contract: Contract, parameter: Parameter
) -> None:
    clamping = contract.read_as({"x-kapso-query/out-of-range": "clamp"})
    legacy, name = contract.pagination.legacy, parameter.name
    error = (legacy.limit_error_status, legacy.limit_error_body, legacy.limit_error)
    for keyword, step in (("minimum", -1), ("maximum", 1)):
        edge = getattr(parameter, keyword)
        past = {name: str(edge + step)}
        assert outcome(contract, {name: str(edge)}, name) == edge
        refused = verdict(contract, past).refusals[0]
        answer, why = (refused.status, refused.body, refused.answer), refused.provenance
        if name == legacy.page.name and keyword == "maximum":  # documented: the legacy limit
            assert answer == error
            assert why == parameter.source_of(keyword) and why.documented
            assert verdict(clamping, past).refusals[0] == refused
        else:
            status = contract.refusal_status
            assert answer == (status.value, contract.refusal_body, status.provenance)
            assert why == contract.query.out_of_range.provenance
            assert outcome(clamping, past, name) == edge


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.noun)
def test_past_the_largest_page_or_window_is_the_legacy_limit_answer(contract: Contract) -> None:
    legacy = contract.pagination.legacy
    page, per_page = legacy.page.name, legacy.per_page.name
    window, last = legacy.max_window, legacy.max_page
    assert last is not None

    def limit_answers(query: Query) -> list[Any]:
        found = verdict(contract, query).refusals
        return [(r.provenance, r.status) for r in found if r.answer == legacy.limit_error]

    past_page = [(legacy.page.source_of("maximum"), legacy.limit_error_status)]
    assert limit_answers({page: str(last + 1)}) == past_page
    assert limit_answers({page: str(last + 1), name_of(contract, "limit"): "1"}) == past_page
    assert not verdict(contract, {page: str(last), per_page: str(window.value // last)}).refused
    past_window = [(window.provenance, legacy.limit_error_status)]
    assert limit_answers({page: "1", per_page: str(window.value + 1)}) == past_window


MOMENTS = st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30))
DIGITS = st.text("0123456789", max_size=3)  # past the microsecond
WRITTEN = st.builds(lambda m, d: m.isoformat(timespec="microseconds") + d + "Z", MOMENTS, DIGITS)
INSTANTS = WRITTEN | st.sampled_from(["0000-12-31T00:00:00Z", "9999-12-31T23:59:59-01:00"])


def accepted(parameter: Parameter) -> st.SearchStrategy[Any]:
    """The values a parameter accepts, as `read_value` types them."""
    if parameter.kind == "integer":
        return st.integers(parameter.minimum, parameter.maximum)
    if parameter.kind == "cursor":
        return st.from_regex(parameter.pattern or ".+", fullmatch=True)
    if parameter.enum or parameter.schema.get("format") == "uuid":
        return st.sampled_from(parameter.enum) if parameter.enum else st.uuids().map(str)
    kinds = {"boolean": st.booleans(), "date-time": INSTANTS.map(core.parse_rfc3339)}
    return kinds.get(parameter.kind, st.text())


PARAMETERS = [(i, name) for i, c in enumerate(CONTRACTS) for name in c.parameters]
NAMES = [f"{CONTRACTS[i].noun}:{name}" for i, name in PARAMETERS]


@pytest.mark.parametrize(("spec", "name"), PARAMETERS, ids=NAMES)
@given(data=st.data())
def test_every_accepted_value_reads_back_from_its_query_form(
    spec: int, name: str, data: st.DataObject
) -> None:
    contract = CONTRACTS[spec]
    parameter = contract.parameters[name]
    value = data.draw(accepted(parameter))
    written = core.to_query_value(contract, parameter, value)
    assert core.read_value(contract, parameter, written) == value
