"""The schema layer: schemathesis, every default check, all phases, positive and negative data.

Each case goes through the run's budgeted client and is checked on arrival like
every answer (schema, identity, drift), then by schemathesis' checks and the
contract's (`_schema.judge`): what the contract asks for is no failure.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import settings
from schemathesis import Case, Response
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import ignored_auth

from ._api import Api, BudgetSpent
from ._data import Anchor
from ._run import BudgetExhausted, Run, suite_contract
from ._schema import judge, load_schema, prepare, raise_found, wire
from .conftest import SIZES, current_profile

schema = load_schema(suite_contract())


@pytest.mark.promises("responses/*", "parameters/*", "x-kapso-*")
@schema.parametrize()  # type: ignore[untyped-decorator]
@settings(max_examples=SIZES[current_profile()][1])
def test_schema(case: Case[Any], run: Run, api: Api, anchor: Anchor) -> None:
    """Every default check and the contract's, on positive and negative data."""
    contract = api.contract
    if case.method != "GET" and not run.target.in_process:
        return  # only GET requests reach a real server
    prepare(contract, case, list(api.pool))
    kwargs = case.as_transport_kwargs(base_url=run.target.base_url)
    headers = {
        k: v
        for k, v in (kwargs.get("headers") or {}).items()
        if k.lower() not in ("accept-encoding", "connection")
    }
    url = kwargs["url"].split("?")[0]
    try:
        response = api.http.request(
            case.method, url, params=httpx.QueryParams(tuple(wire(contract, case))), headers=headers
        )
    except BudgetExhausted as exc:
        raise BudgetSpent(str(exc)) from None
    if case.method == "GET":
        api.received(response)
    case.operation.app = case.operation.schema.app = run.target.app
    excluded = [ignored_auth] if run.memo.get("auth probed") else []
    failures: list[Any] = []
    try:
        case.validate_response(
            Response.from_httpx(response, verify=True),
            headers={contract.api_key_header: run.target.api_key},
            transport_kwargs={
                "headers": {contract.api_key_header: run.target.api_key},
                "base_url": run.target.base_url,
            },
            excluded_checks=excluded,
        )
    except FailureGroup as group:
        failures = list(group.exceptions)
    run.memo["auth probed"] = True
    if case.method == "GET":
        raise_found(*judge(contract, response, api.knows, failures, api.known))
    elif failures:
        raise_found(failures, [])
