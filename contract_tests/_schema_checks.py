"""The suite's own schemathesis checks: what schemathesis cannot know without the contract.

Registered with schemathesis on import (by `test_schema.py`, and by `hooks.py`
for `st run`). Each reads the query the case really sent with `assess` and
holds the answer to the contract (`suite_contract()`), through the same
one-response checks as the semantic layer. A failure is a violation or an
`AssumptionMismatch`, by the provenance of the rule it breaks.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import schemathesis
from schemathesis import Case, CheckContext, Response

from kapso_contacts.contract import Assessment, Contract, assess, body_schemas, parse_error_body

from . import _response_checks
from ._refusals import expect_refusal
from ._spec import success_status, suite_contract


def sent_pairs(response: Response) -> list[tuple[str, str]]:
    """The query the case really sent, as (name, value) pairs."""
    query = urlsplit(str(response.request.url)).query
    return parse_qsl(query, keep_blank_values=True)


def body_of(response: Response) -> Any:
    """The JSON body, or None when there is none."""
    try:
        return response.json()
    except ValueError:
        return None


def is_positive(case: Case[Any]) -> bool:
    """Whether schemathesis generated the case as schema-valid."""
    return case.meta is not None and case.meta.generation.mode.is_positive


def _read(response: Response) -> tuple[Contract, Assessment, Any]:
    contract = suite_contract()
    return contract, assess(contract, sent_pairs(response)), body_of(response)


def _served(case: Case[Any], response: Response) -> bool:
    return case.method == "GET" and response.status_code == success_status(suite_contract())


@schemathesis.check
def refusals_follow_the_contract(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """A schema-valid query the contract refuses (a rule, a bound) gets the contract's refusal.

    Schema-invalid cases are schemathesis' `negative_data_rejection`; the suite
    sorts its failures by the same rules (`_refusals.judge_schema_failure`).
    """
    if case.method != "GET" or not is_positive(case):
        return None
    contract, verdict, body = _read(response)
    # HTTP's own answers about the key and the rate say nothing about the query.
    if verdict.refused and response.status_code not in (401, 429):
        url = str(response.request.url)
        expect_refusal(contract, verdict, response.status_code, body, "the refused query", url)
    return None


@schemathesis.check
def envelope_matches_mode(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """One envelope, the one of the query's mode; legacy pages carry the legacy headers."""
    if _served(case, response):
        contract, verdict, body = _read(response)
        _response_checks.envelope_matches_mode(contract, verdict, response.headers, body)
    return None


@schemathesis.check
def page_respects_limit(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A page holds at most the page size in force."""
    if _served(case, response):
        contract, verdict, body = _read(response)
        _response_checks.page_respects_size(contract, verdict, body)
    return None


@schemathesis.check
def contacts_in_order(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Contacts follow the contract's order."""
    if _served(case, response):
        contract, _, body = _read(response)
        _response_checks.in_order(contract, _response_checks.contacts_of(contract, body))
    return None


@schemathesis.check
def filter_is_sound(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every returned contact matches every filter the server read."""
    if _served(case, response):
        contract, verdict, body = _read(response)
        contacts = _response_checks.contacts_of(contract, body)
        _response_checks.filters_sound(contract, verdict, contacts)
    return None


@schemathesis.check
def legacy_totals_agree(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """`meta`, the legacy headers and the page length agree."""
    if _served(case, response):
        contract, verdict, body = _read(response)
        _response_checks.legacy_totals(contract, verdict, response.headers, body)
    return None


@schemathesis.check
def parses_with_generated_client(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Every documented answer, error bodies included, parses with the generated client."""
    contract, status, body = suite_contract(), response.status_code, body_of(response)
    if status not in contract.statuses:
        return None
    try:
        parsed = parse_error_body(contract, status, body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AssertionError(
            f"a {status} body parses with the generated client; it did not ({exc!r})"
        ) from None
    if parsed is None:
        raise AssertionError(
            f"a {status} body parses with the generated client; it is none of"
            f" {body_schemas(contract, status)}"
        )
    return None
