"""The schema layer's plumbing: the schemathesis schema, sending a case, sorting its failures.

The schema is built from the suite's contract (`suite_contract().spec`) and
the suite's own `schemathesis.toml`, with nothing target-specific: the target
(base URL, key, in-process app) is attached per case by `send_case` and
`validate`, from the run. So it can be loaded at import, in any order.
"""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from schemathesis import Case, Response
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import ignored_auth

from kapso_contacts.contract import Contract, to_query_value

from ._api import Api
from ._budget import BudgetSpent
from ._cursors import CursorPool, Fetch
from ._findings import AssumptionMismatch
from ._refusals import judge_schema_failure, verdict_for
from ._run import ContractRun
from ._schema_checks import is_positive
from ._spec import success_status
from ._transport import BudgetExhausted

SETTINGS = Path(__file__).with_name("schemathesis.toml")


def schemathesis_config(contract: Contract) -> SchemathesisConfig:
    """The suite's `schemathesis.toml`; the statuses its status checks expect, from the contract.

    Its `hooks` key is for `st run` only: this layer imports its checks itself.
    """
    data: dict[str, Any] = tomllib.loads(SETTINGS.read_text(encoding="utf-8"))
    data.pop("hooks", None)
    checks = data.setdefault("checks", {})
    for name, status in (
        ("negative_data_rejection", contract.refusal.status),
        ("positive_data_acceptance", success_status(contract)),
    ):
        checks[name] = {**checks.get(name, {}), "expected-statuses": [str(status)]}
    return SchemathesisConfig.from_dict(data)


def load_schema(contract: Contract) -> schemathesis.BaseSchema:
    """The operation as schemathesis tests it."""
    return schemathesis.openapi.from_dict(
        copy.deepcopy(dict(contract.spec)), config=schemathesis_config(contract)
    )


def obey_rules(contract: Contract, query: dict[str, Any]) -> dict[str, Any]:
    """`query` made to obey the refusing rules: the first group of each broken rule dropped."""
    fixed = {name: value for name, value in query.items() if value is not None}
    for rule in contract.rules:
        if rule.effect == "refuse" and rule.triggered_by(set(fixed)):
            for name in rule.groups[0]:
                fixed.pop(name, None)
    return fixed


def prepare_case(
    contract: Contract, cursors: CursorPool, case: Case[Any], fetch: Fetch | None
) -> Case[Any]:
    """Give a positive case issued cursors in place of made-up ones.

    Fuzzed positive cases are also made to obey the rules, so that they
    exercise the filters; examples and coverage cases keep their combinations
    and meet `refusals_follow_the_contract`.
    """
    if not is_positive(case):
        return case
    query = dict(case.query or {})
    if case.meta is not None and case.meta.phase.name.value == "fuzzing":
        query = obey_rules(contract, query)
    query = cursors.with_issued(query, fetch)
    if query != case.query:
        case.query = query
    return case


def send_case(run: ContractRun, api: Api, case: Case[Any]) -> httpx.Response | None:
    """Send a case through the run's client (budget, pacing, key) and harvest its cursors.

    Only GET requests ever reach a server other than the embedded fake: a case
    probing another method (schemathesis' unsupported-method scenario) is not sent.
    """
    if case.method != "GET" and not run.target.in_process:
        return None
    if run.ledger.share_spent():
        run.ledger.withhold()  # the schema layer's share of the budget is spent
        return None
    prepare_case(run.contract, run.cursors, case, lambda query: _fetch(api, query))
    kwargs = case.as_transport_kwargs(base_url=run.target.base_url)
    params = [(name, _wire(run.contract, name, value)) for name, value in _items(kwargs)]
    headers = {
        name: value
        for name, value in (kwargs.get("headers") or {}).items()
        if name.lower() not in ("accept-encoding", "connection")
    }
    url = httpx.URL(kwargs["url"], params=params)
    try:
        response = api.http.request(case.method, str(url), headers=headers)
    except BudgetExhausted as exc:
        raise BudgetSpent(str(exc)) from None
    body = body_of_httpx(response)
    run.cursors.record(response.status_code, body)
    if case.method == "GET":
        run.drift.observe(response.status_code, response.headers, body, str(response.url))
    return response


def validate(run: ContractRun, case: Case[Any], response: httpx.Response) -> None:
    """Every check (schemathesis' and the suite's); its failures sorted by the contract.

    Raises:
        FailureGroup: the contract violations.
        ExceptionGroup: of `AssumptionMismatch`, when nothing else failed.
    """
    target, contract = run.target, run.contract
    transport: dict[str, Any] = {
        "headers": {contract.api_key_header: target.api_key},
        "base_url": target.base_url,
    }
    # Checks that send requests themselves (ignored_auth) reach the embedded fake in-process.
    case.operation.app = case.operation.schema.app = target.app
    # ignored_auth probes the server without the key; once per run is enough.
    excluded = [ignored_auth] if run.auth_probed else []
    checked = Response.from_httpx(response, verify=True)
    # Schemathesis 4.32.5 builds this request with the query in the URL and again as params.
    checked.request.url = str(response.request.url)
    try:
        case.validate_response(
            checked,
            headers={contract.api_key_header: target.api_key},
            transport_kwargs=transport,
            excluded_checks=excluded,
        )
    except FailureGroup as group:
        _sort(run, response, group)
    if response.status_code == success_status(contract) and not excluded:
        run.auth_probed = True


def _sort(run: ContractRun, response: httpx.Response, group: FailureGroup) -> None:
    pairs = list(response.request.url.params.multi_items())
    verdict = verdict_for(run.contract, pairs, run.cursors.knows)
    body = body_of_httpx(response)
    violations: list[Failure] = []
    mismatches: list[AssumptionMismatch] = []
    for failure in group.exceptions:
        judged = judge_schema_failure(
            run.contract, verdict, response.status_code, body, str(response.url), failure
        )
        if isinstance(judged, AssumptionMismatch):
            mismatches.append(judged)
        elif judged is not None:
            violations.append(failure)
    if violations:
        raise FailureGroup(violations, group.message) from None
    if mismatches:
        raise ExceptionGroup("assumption mismatches", mismatches)


def _fetch(api: Api, query: dict[str, Any]) -> tuple[int, Any]:
    reply = api.list(**query)
    return reply.status, reply.body


def _items(kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for name, value in (kwargs.get("params") or {}).items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((name, item) for item in values)
    return pairs


def _wire(contract: Contract, name: str, value: Any) -> str:
    """A generated value as the query carries it (the contract's spelling for typed values)."""
    parameter = contract.parameters.get(name)
    if isinstance(value, dict):
        return json.dumps(value)
    if value is None:
        return ""
    if parameter is None:
        return str(value)
    return to_query_value(contract, parameter, value)


def body_of_httpx(response: httpx.Response) -> Any:
    """The JSON body of an httpx response, or None."""
    try:
        return response.json()
    except ValueError:
        return None
