"""What any query must get, read from the contract (`assess`): ranges at every edge, the legacy
limit, the key, every parameter at the edges of its type's domain, the rules between
parameters, how a query is read, and every other spelling of a value."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from kapso_contacts.contract import Parameter, matches_schema

from ._api import Api, schema_promise
from ._data import (
    Anchor,
    Window,
    bounds,
    domain_edges,
    inverted_windows,
    range_edges,
    value_spellings,
)
from ._run import suite_contract
from ._verdicts import promise, snippet

CONTRACT = suite_contract()
RANGES = range_edges(CONTRACT)
DOMAIN = domain_edges(CONTRACT)
SWEEP = pytest.mark.cost("sweep")


def _spelled() -> list[Any]:
    """Other spellings of values; the first of each kind (``010``, ``0``) probes early."""
    cases, kinds = [], set[str]()
    for name, label, text in value_spellings(CONTRACT):
        kind = label.split()[0]  # "leading zero", "as <word>"
        cost = "sweep" if kind in kinds else "probe"
        kinds.add(kind)
        marks = [pytest.mark.cost(cost)]
        cases.append(pytest.param(name, label, text, id=f"{name} {label}", marks=marks))
    return cases


SPELLED = _spelled()
UNREADABLE = base64.urlsafe_b64encode(
    b'{"values":["not","issued"],"columns":["by","anyone"]}'
).decode()


@pytest.mark.promises(
    "parameters/*/schema", "parameters/*/x-kapso-provenance/*", "x-kapso-pagination/legacy*",
    "x-kapso-query/out-of-range", "x-kapso-refusal/status", "responses/400",
)  # fmt: skip
@pytest.mark.parametrize(
    ("edge", "query", "keyword"),
    # Twice past a bound tells little that once past it did not: after the other probes.
    [pytest.param(*r, id=r[0], marks=[SWEEP] * r[0].endswith("2x maximum")) for r in RANGES],
)
def test_every_range_holds_at_its_edges(
    api: Api, edge: str, query: dict[str, str], keyword: str
) -> None:
    """At a bound: served; one or more past it: refused as the contract says (status and body)."""
    contract = api.contract
    (name,) = [n for n in query if n in contract.parameters][-1:]
    why = (
        contract.pagination.legacy.max_window.provenance
        if keyword == "window"
        else contract.parameters[name].source_of(keyword)
    )
    api.answered(api.raw(query), why, f"{edge} ({'&'.join(f'{k}={v}' for k, v in query.items())})")


@pytest.mark.promises("x-kapso-pagination/legacy/*", "parameters/*/x-kapso-provenance/maximum")
@pytest.mark.parametrize("per_page", ["default", "maximum"])
def test_the_legacy_limit_body_echoes_the_request(api: Api, per_page: str) -> None:
    """The page after the largest gets the documented legacy body, echoing the request."""
    legacy = api.contract.pagination.legacy
    size = legacy.per_page.default if per_page == "default" else legacy.per_page.maximum
    if legacy.max_page is None or not isinstance(size, int):
        pytest.skip("the contract gives page no maximum")
    page = legacy.max_page + 1
    reply = api.answered(
        api.raw({legacy.page.name: str(page), legacy.per_page.name: str(size)}),
        legacy.provenance,
        f"page={page}",
    )
    expected = {
        f"requested_{legacy.page.name}": page,
        f"requested_{legacy.per_page.name}": size,
        "requested_window": page * size,
        f"max_{legacy.page.name}": legacy.max_page,
        "max_window": legacy.max_window.value,
    }
    body = reply.body if isinstance(reply.body, dict) else {}
    wrong = {k: body.get(k) for k, v in expected.items() if body.get(k) != v}
    promise(
        matches_schema(api.contract, legacy.limit_error_body, body) and not wrong,
        legacy.limit_error,
        f"the legacy limit's body carries {expected}; got {wrong or snippet(body)}"
        f" (GET {reply.url})",
    )


@pytest.mark.promises("security", "responses/401")
def test_a_request_without_a_valid_key_is_a_401(api: Api, http_without_key: httpx.Client) -> None:
    """No key, an empty key, a wrong key: 401 with the documented body."""
    contract = api.contract
    why = schema_promise(contract, 401)
    for headers in ({}, {contract.api_key_header: ""}, {contract.api_key_header: "invalid-key"}):
        http_without_key.headers.clear()
        http_without_key.headers.update(headers)
        reply = api.raw([], client=http_without_key)
        promise(
            reply.status == 401,
            why,
            f"a request with {headers or 'no key'} gets 401; got {reply.status}",
        )
        promise(
            matches_schema(contract, contract.body_schemas(401)[0], reply.body),
            why,
            f"a 401 body is documented; got {snippet(reply.body)}",
        )


@pytest.mark.promises(
    "parameters/*",
    "x-kapso-query/*",
    "x-kapso-pagination/cursor/unreadable-cursor",
    "x-kapso-refusal/status",
    "responses/*",
)
@pytest.mark.parametrize(
    ("name", "value"), DOMAIN, ids=[f"{d.values[0]}={d.values[1][:12]!r}" for d in DOMAIN]
)
def test_every_parameter_at_the_edges_of_its_domain(api: Api, name: str, value: str) -> None:
    """Served or refused as the contract reads it; never a server error; a documented answer
    (an integer past 64 bits is refused, with a body of the server's choice)."""
    huge = value.lstrip("+-").isdigit() and int(value) >= 2**63
    reply = api.raw({name: value})
    api.answered(
        reply,
        api.contract.parameters[name].source_of("type"),
        f"{name}={snippet(value)}",
        body_too=not huge,
    )


@pytest.mark.cost("sweep")
@pytest.mark.promises("parameters/*/x-kapso-filter")
@pytest.mark.parametrize("query", inverted_windows(CONTRACT), ids=lambda q: "+".join(q))
def test_bounds_that_cannot_both_hold_keep_nothing(api: Api, query: dict[str, str]) -> None:
    """A lower bound after an upper one: an empty page, not an error."""
    name = next(iter(query))
    reply = api.answered(
        api.raw(query), api.contract.filters[name].provenance, f"the inverted window {query}"
    )
    promise(
        not reply.items,
        api.contract.filters[name].provenance,
        f"an inverted window keeps nothing; got {len(reply.items)} items",
    )


def _sample(api: Api, parameter: Parameter, cursors: dict[str, str]) -> Any:
    if parameter.name in cursors:
        return cursors[parameter.name]
    return {
        "integer": parameter.default or parameter.minimum or 1,
        "boolean": True,
        "string": "00000000-0000-4000-8000-000000000000",  # any text, a UUID too
    }.get(parameter.kind, "x")


def _small_window(api: Api, anchor: Anchor) -> Window:
    window = anchor.of_size(4) or anchor.widest()
    if window is None:
        pytest.skip("the account holds fewer than 3 items")
    return window


@pytest.mark.promises("x-kapso-rules/*", "responses")
@pytest.mark.parametrize("rule", CONTRACT.rules, ids=[r.id for r in CONTRACT.rules])
def test_a_rule_between_parameters_is_kept(api: Api, enough: Anchor, rule: Any) -> None:
    """Triggered: refused, or served as the query without the parameters it drops."""
    contract = api.contract
    window = _small_window(api, enough)
    cursor = contract.pagination.cursor
    first = api.get(**window.query(), **{cursor.limit.name: 1})
    second = api.get(**window.query(), **{cursor.limit.name: 1, cursor.after.name: first.next})
    cursors = {
        cursor.after.name: first.next,
        cursor.before.name: second.previous,
    }
    if not all(isinstance(c, str) for c in cursors.values()):
        pytest.skip("too few items for two cursors")
    window_names = set(window.query())
    for index in range(max(len(group) for group in rule.groups)):
        names = [group[index % len(group)] for group in rule.groups]
        query = {n: _sample(api, contract.parameters[n], cursors) for n in names}
        extra = {} if window_names & set(names) else window.query()
        api.read_as(api.get(**extra, **query), rule.provenance, f"{', '.join(names)} together")


@pytest.mark.promises("x-kapso-pagination/cursor/unreadable-cursor", "responses/404")
@pytest.mark.parametrize("name", [p.name for p in CONTRACT.pagination.cursor.parameters[1:]])
def test_a_cursor_the_server_never_issued_is_refused(api: Api, name: str) -> None:
    """A well-formed cursor nobody issued names no position: the contract's answer."""
    api.answered(
        api.raw({name: UNREADABLE}),
        api.contract.pagination.cursor.unreadable.provenance,
        f"{name} never issued",
    )


@pytest.mark.cost("sweep")
@pytest.mark.promises("x-kapso-query/*")
def test_a_query_is_read_as_the_contract_says(api: Api, enough: Anchor) -> None:
    """Unknown parameters, empty filters of every kind, a parameter sent twice: read as assessed."""
    contract = api.contract
    query = contract.query
    window = list(api.query(**_small_window(api, enough).query()))
    limit = contract.pagination.cursor.limit.name
    cases: list[tuple[list[tuple[str, str]], Any, str]] = [
        (
            [*window, ("no_such_parameter", "1")],
            query.unknown,
            "a parameter the spec does not list",
        ),
        ([*window, (limit, "not-a-number"), (limit, "2")], query.repeated, f"{limit} sent twice"),
    ]
    window_filters = set(bounds(contract) or ())
    for name, rule in contract.filters.items():
        if rule not in window_filters:
            cases.append(([*window, (name, "")], query.empty_value, f"an empty {name}"))
    for pairs, fact, what in cases:
        api.read_as(api.raw(pairs), fact.provenance, what)


@pytest.mark.promises("x-kapso-query/*", "parameters/*/schema")
@pytest.mark.parametrize(("name", "label", "text"), SPELLED)
def test_every_other_spelling_reads_as_its_value(
    api: Api, enough: Anchor, name: str, label: str, text: str
) -> None:
    """A value in another spelling (``010``, a boolean's other words) reads as the plain value, or
    is refused, as the contract says."""
    window = list(api.query(**_small_window(api, enough).query()))
    api.read_as(
        api.raw([*window, (name, text)]),
        api.contract.parameters[name].source_of("type"),
        f"{name}={text}",
    )
