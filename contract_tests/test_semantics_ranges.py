"""Every bound at its edge and one past it, the legacy limit body, unreadable values, auth,
and awkward strings: what each must get is read from the contract (`assess`)."""

from __future__ import annotations

import httpx
import pytest

from kapso_contacts.contract import Contract, error_body_schema

from . import _budget
from ._api import Api, Reply
from ._findings import promise
from ._probes import AWKWARD, Edge, edges, string_filters, unreadable
from ._refusals import expect_refusal, expect_verdict, snippet
from ._response_checks import one_page
from ._spec import suite_contract

CONTRACT = suite_contract()
EDGES = edges(CONTRACT)
FAR = edges(CONTRACT, far=True)
UNREADABLE = list(unreadable(CONTRACT))


@pytest.mark.parametrize("edge", EDGES, ids=[edge.id for edge in EDGES])
def test_documented_bound_is_accepted_at_its_edge_and_refused_one_past(
    api: Api, edge: Edge
) -> None:
    """Every bound of the contract holds exactly at its edge (each traced to its keyword)."""
    _holds(api, edge)


@_budget.cost(_budget.SWEEP, rank=2)
@pytest.mark.parametrize("edge", FAR, ids=[edge.id for edge in FAR])
def test_a_value_far_past_a_bound_is_refused(api: Api, edge: Edge) -> None:
    """Twice a maximum is refused too (a server may check only the first value past it)."""
    _holds(api, edge)


def _holds(api: Api, edge: Edge) -> None:
    reply = api.raw(edge.query)
    verdict = reply.verdict()
    what = f"{edge.label} is {'past' if verdict.refused else 'within'} the range"
    expect_verdict(
        api.contract, verdict, reply.status, reply.body, what, reply.url, edge.provenance
    )
    if not verdict.refused:
        one_page(api.contract, verdict, reply.headers, reply.body)


def _past_the_largest_page() -> dict[str, int]:
    per_page = CONTRACT.pagination.legacy.per_page
    sizes = {"default": per_page.default, "maximum": per_page.maximum}
    return {role: size for role, size in sizes.items() if isinstance(size, int)}


PAST_THE_LARGEST = _past_the_largest_page()


@pytest.mark.parametrize("per_page", list(PAST_THE_LARGEST.values()), ids=list(PAST_THE_LARGEST))
def test_page_past_the_largest_gets_the_documented_legacy_limit_body(
    api: Api, per_page: int
) -> None:
    """The page after the largest gets the legacy limit body: requested and maximum values."""
    legacy = api.contract.pagination.legacy
    if legacy.max_page is None:
        pytest.skip("the contract gives page no maximum")
    page = legacy.max_page + 1
    reply = api.raw({legacy.page.name: str(page), legacy.per_page.name: str(per_page)})
    verdict = reply.verdict()
    expect_refusal(
        api.contract, verdict, reply.status, reply.body, f"page={page} is refused", reply.url
    )
    legacy_limit_body(api.contract, reply, page, per_page)


def legacy_limit_body(contract: Contract, reply: Reply, page: int, per_page: int) -> None:
    """The legacy limit body echoes the request and states the limits.

    Its fields are the spec's `LegacyPaginationLimitError` (`requested_<parameter>`,
    `requested_window`, `max_<parameter>`, `max_window`); the values are the request's
    and the contract's.
    """
    legacy = contract.pagination.legacy
    body = reply.body if isinstance(reply.body, dict) else {}
    expected = {
        f"requested_{legacy.page.name}": page,
        f"requested_{legacy.per_page.name}": per_page,
        "requested_window": page * per_page,
        f"max_{legacy.page.name}": legacy.max_page,
        "max_window": legacy.max_window,
    }
    fields = contract.schema(legacy.limit_error_body).get("properties", {})
    unknown = sorted(set(expected) - set(fields))
    if unknown:
        raise AssertionError(
            f"the suite reads {unknown} of {legacy.limit_error_body}; the spec has none"
        )
    wrong = {k: body.get(k) for k, v in expected.items() if body.get(k) != v}
    is_it = error_body_schema(contract, reply.status, body) == legacy.limit_error_body
    promise(
        is_it and not wrong,
        legacy.limit_error,
        f"the legacy limit {legacy.limit_error_status} carries {expected} as a"
        f" {legacy.limit_error_body}; got {wrong or snippet(body)} (GET {reply.url})",
    )


@_budget.cost(_budget.SWEEP)
@pytest.mark.parametrize(("name", "value"), UNREADABLE, ids=[f"{n}={v}" for n, v in UNREADABLE])
def test_a_value_of_the_wrong_type_is_refused(api: Api, name: str, value: str) -> None:
    """A value no reading of the parameter's type accepts is refused (by the contract's rule)."""
    reply = api.raw({name: value})
    served = api.contract.parameters[name].source_of("type")
    expect_verdict(
        api.contract, reply.verdict(), reply.status, reply.body,
        f"{name}={value} is not of the declared type", reply.url, served,
    )  # fmt: skip


def test_a_request_without_a_valid_key_is_a_401_with_an_error_body(
    api: Api, http_without_key: httpx.Client
) -> None:
    """Missing or invalid key: HTTP's 401, with the body the spec documents for it."""
    contract = api.contract
    unauthorized = 401
    for headers, what in (
        ({}, "no key"),
        ({contract.api_key_header: "invalid-key"}, "a wrong key"),
    ):
        http_without_key.headers.update(headers)
        reply = api.raw({}, client=http_without_key)
        reply.expect(unauthorized, f"a request with {what} is refused")
        if error_body_schema(contract, reply.status, reply.body) is None:
            raise AssertionError(
                f"a {unauthorized} body is a documented one; got {snippet(reply.body)}"
            )


@_budget.cost(_budget.SWEEP)
@pytest.mark.parametrize("value", sorted(AWKWARD))
@pytest.mark.parametrize("name", string_filters(CONTRACT))
def test_every_string_filter_accepts_any_string(api: Api, name: str, value: str) -> None:
    """Every string filter takes any string: a page the client parses, never a 5xx.

    Soundness too: whatever comes back matches the filter.
    """
    query = {name: AWKWARD[value]}
    reply = api.raw(query).served(
        f"{name} accepts any string ({value})", api.contract.filters[name].provenance
    )
    one_page(api.contract, reply.verdict(), reply.headers, reply.body)
