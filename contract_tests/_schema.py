"""The schemathesis layer: the schema, sending a case, the suite's checks, and the `st run` hooks.

Schemathesis' status checks know only "schema-valid or not"; the contract
knows more (an unreadable cursor, a rule, a reading of an assumption). Their
failures are sorted the way every answer is (`_verdicts.answer` on the query
the case really sent): the answer the contract asks for is no failure, one
another reading explains is an assumption mismatch, the rest stand.
Positive cases get cursors the server issued instead of made-up ones, and
fuzzed ones obey the refusing rules so that they reach the filters.

`install_hooks()` (``hooks.py``, named by ``schemathesis.toml``) gives
``st --config-file contract_tests/schemathesis.toml run ...`` the same checks,
cursors and sorting; the pytest layer sends and sorts cases itself.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import schemathesis
from schemathesis import Case, Response
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure

from kapso_contacts.contract import Contract, Readable, assess, to_query_value

from ._api import schema_promise
from ._pages import one_page
from ._verdicts import (
    AssumptionMismatch,
    answer,
    broken,
    explained,
    first_line,
    served_by,
    served_verdict,
)

SETTINGS = Path(__file__).with_name("schemathesis.toml")
#: Schemathesis' checks that judge a status by "schema-valid or not" alone.
STATUS_CHECKS = frozenset(
    {
        "positive_data_acceptance",
        "negative_data_rejection",
        "status_code_conformance",
        "missing_required_header",
    }
)


def load_schema(contract: Contract) -> Any:
    """The operation as schemathesis tests it, with the suite's settings (no hooks)."""
    data: dict[str, Any] = tomllib.loads(SETTINGS.read_text(encoding="utf-8"))
    data.pop("hooks", None)
    config = SchemathesisConfig.from_dict(data)
    return schemathesis.openapi.from_dict(copy.deepcopy(dict(contract.spec)), config=config)


def sent_pairs(response: Response | httpx.Response) -> list[tuple[str, str]]:
    """The query the case really sent."""
    return parse_qsl(urlsplit(str(response.request.url)).query, keep_blank_values=True)


def body_of(response: Response | httpx.Response) -> Any:
    """The JSON body, or None."""
    try:
        return response.json()
    except ValueError:
        return None


def is_positive(case: Case[Any]) -> bool:
    """Whether schemathesis generated the case as schema-valid."""
    return case.meta is not None and case.meta.generation.mode.is_positive


def prepare(contract: Contract, case: Case[Any], issued: list[str]) -> None:
    """A positive case's made-up cursors swapped for issued ones; fuzzed ones obey the rules."""
    if not is_positive(case) or not case.query:
        return
    query = {k: v for k, v in case.query.items() if v is not None}
    if case.meta is not None and case.meta.phase.name.value == "fuzzing":
        for rule in contract.rules:
            if rule.effect.value == "refuse" and rule.triggered_by(set(query)):
                for name in rule.groups[0]:
                    query.pop(name, None)
    for parameter in contract.pagination.cursor.parameters:
        if parameter.name in query and query[parameter.name] not in issued:
            if issued:
                query[parameter.name] = issued[
                    sum(str(query[parameter.name]).encode()) % len(issued)
                ]
            else:
                del query[parameter.name]
    case.query = query


def wire(contract: Contract, case: Case[Any]) -> list[tuple[str, str]]:
    """A case's query as it goes on the wire (the contract's spelling for typed values)."""
    pairs = []
    for name, value in (case.query or {}).items():
        for one in value if isinstance(value, list) else [value]:
            parameter = contract.parameters.get(name)
            text = (
                ""
                if one is None
                else to_query_value(contract, parameter, one)
                if parameter
                else str(one)
            )
            pairs.append((name, text))
    return pairs


def judge(
    contract: Contract,
    response: Response | httpx.Response,
    readable: Readable | None,
    failures: list[Failure],
    known: Collection[str] = (),
) -> tuple[list[AssertionError], list[AssumptionMismatch]]:
    """The contract's own checks of an answer, and schemathesis' failures sorted by the contract.

    Returns:
        (violations, mismatches).
    """
    pairs, status, body = sent_pairs(response), response.status_code, body_of(response)
    violations: list[AssertionError] = []
    mismatches: list[AssumptionMismatch] = []

    def run(check: Callable[[], object]) -> bool:
        try:
            check()
        except AssumptionMismatch as mismatch:
            mismatches.append(mismatch)
        except AssertionError as failure:
            violations.append(failure)
            return False
        return True

    values = assess(contract, pairs, readable=readable).values
    served = served_by(contract, values, contract.pagination.cursor.provenance)
    found = len(mismatches)
    if status not in (
        401,
        429,
    ):  # HTTP's answers about the key and the rate say nothing of the query
        fine = run(
            lambda: answer(
                contract,
                pairs,
                status,
                body,
                readable=readable,
                served=served,
                what="the case",
                known=known,
            )
        )
        # A mismatch says the server read the query otherwise: no reading of ours to page by.
        if status == contract.success_status and fine and len(mismatches) == found:
            page = lambda c: one_page(c, served_verdict(c, pairs, readable), response.headers, body)  # noqa: E731
            run(lambda: explained(contract, page, known))
    else:
        fine = True
    for failure in failures:  # schemathesis' own: the response's promise, by its location
        if not (set(getattr(failure, "checks", ())) & STATUS_CHECKS and fine):
            message = f"{getattr(failure, 'title', '')}: {first_line(str(failure.message))}"
            violations.append(broken(schema_promise(contract, status), message))
    return violations, mismatches


def raise_found(violations: list[AssertionError], mismatches: list[AssumptionMismatch]) -> None:
    """Raise what a case found: violations first."""
    if violations or mismatches:
        found = violations or mismatches
        raise ExceptionGroup("violations" if violations else "assumption mismatches", found)


def install_hooks() -> None:
    """The `st run` side: issued cursors, the suite's checks, failures sorted by the contract."""
    from ._run import suite_contract

    contract = suite_contract()
    issued: list[str] = []

    def record(body: Any) -> None:
        for path in (contract.pagination.cursor.next, contract.pagination.cursor.previous):
            value = path.get(body)
            if isinstance(value, str) and value not in issued:
                issued.append(value)

    @schemathesis.hook
    def before_call(context: Any, case: Case[Any], kwargs: dict[str, Any]) -> None:
        """Swap made-up cursors for issued ones (a short walk first, when none is known)."""
        if not issued:
            base = str(kwargs.get("base_url") or case.operation.base_url or "").rstrip("/")
            headers = dict(kwargs.get("headers") or {})
            limit = contract.pagination.cursor.limit.name
            record(
                body_of(
                    httpx.get(
                        base + contract.operation_path,
                        params={limit: 2},
                        headers=headers,
                        timeout=30,
                    )
                )
            )
        prepare(contract, case, issued)

    @schemathesis.hook
    def after_call(context: Any, case: Case[Any], response: Response) -> None:
        """Harvest cursors from every answer."""
        record(body_of(response))

    @schemathesis.hook
    def filter_failure(context: Any, failure: Failure, case: Case[Any], response: Response) -> bool:
        """Keep every failure but a status the contract asks for."""
        violations, _ = judge(contract, response, lambda _, value: value in issued, [failure])
        return bool(violations)

    @schemathesis.check
    def answers_as_the_contract_says(ctx: Any, response: Response, case: Case[Any]) -> bool | None:
        """Served or refused as `assess` says; a served page sound on its own."""
        if case.method == "GET":
            violations, mismatches = judge(contract, response, lambda _, v: v in issued, [])
            for found in [*violations, *mismatches][:1]:
                raise found  # `st run` knows no assumption mismatches: both are failures
        return None
