"""The schema layer: schemathesis, every default check plus ours, all phases, both modes.

Loaded from openapi/contacts.yaml with schemathesis.toml (hooks, checks,
phases, generation modes). Each case is sent through the suite's budgeted
client and validated with `case.validate_response`.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import settings
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import ignored_auth

from contract_tests import _budget, _profiles, _target
from contract_tests._api import Api
from contract_tests._constants import API_KEY_HEADER, ENV_BASE_URL, FAKE_BASE_URL, SPEC_PATH
from contract_tests._cursors import POOL
from contract_tests._drift import DRIFT
from contract_tests._target import Target
from contract_tests._transport import BudgetExhausted
from contract_tests.hooks import prepare_case

_AUTH_CONFIRMED: list[bool] = []


def _load() -> schemathesis.BaseSchema:
    """The spec with the project's schemathesis.toml, seeded like the rest of the run."""
    config = SchemathesisConfig.discover()
    if _profiles.SEED is not None:
        config.update(seed=_profiles.SEED, max_failures=None)
    loaded = schemathesis.openapi.from_path(SPEC_PATH, config=config)
    base_url = os.environ.get(ENV_BASE_URL, "").strip().rstrip("/") or FAKE_BASE_URL
    loaded.config.update(base_url=base_url)
    if _target.CURRENT is not None and _target.CURRENT.in_process:
        # Checks that probe the server themselves (ignored_auth) reach the embedded fake.
        loaded.app = _target.CURRENT.app
    return loaded


@pytest.fixture(scope="session", autouse=True)
def _cursor_pool(api: Api) -> None:
    """Issued cursors for the positive cases, before the first one is sent."""
    POOL.prime(lambda query: _fetch(api, query))


def _fetch(api: Api, query: dict[str, Any]) -> tuple[int, Any]:
    answer = api.list(**query)
    return answer.status, answer.body


def _wire(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_wire(item) for item in value]
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def send(case: Case[Any], api: Api, target: Target) -> httpx.Response | None:
    """Send a case through the suite's client (budget, pacing, key) and harvest cursors.

    Only GET requests ever reach a server other than the embedded fake: a case
    probing another method (schemathesis' unsupported-method scenario) is not sent.
    """
    if case.method != "GET" and not target.in_process:
        return None
    ledger = _budget.LEDGER
    if ledger is not None and ledger.share_spent():
        ledger.withhold()  # the schema layer's share of the budget is spent
        return None
    prepare_case(case, lambda query: _fetch(api, query))
    kwargs = case.as_transport_kwargs(base_url=target.base_url)
    params = {k: _wire(v) for k, v in (kwargs.get("params") or {}).items()}
    url = httpx.URL(kwargs["url"], params=params)
    headers = {
        name: value
        for name, value in (kwargs.get("headers") or {}).items()
        if name.lower() not in ("accept-encoding", "connection")
    }
    try:
        response = api.http.request(case.method, str(url), headers=headers)
    except BudgetExhausted as exc:
        pytest.skip(str(exc))
    body: Any = None
    with contextlib.suppress(ValueError):
        body = response.json()
    POOL.record(response.status_code, body)
    if case.method == "GET":
        DRIFT.observe(response.status_code, response.headers, body, str(response.url))
    return response


schema = _load()


@schema.parametrize()
@settings(max_examples=_profiles.sizes().schema)
def test_schema_contract(case: Case[Any], api: Api, target: Target) -> None:
    """Every default check and the suite's own, on positive and negative data."""
    response = send(case, api, target)
    if response is None:
        return
    transport: dict[str, Any] = {"headers": {API_KEY_HEADER: target.api_key}}
    if not target.in_process:
        transport["base_url"] = target.base_url
    # ignored_auth probes the server without the key; once per run is enough.
    excluded = [ignored_auth] if _AUTH_CONFIRMED else []
    try:
        case.validate_response(
            response,
            headers={API_KEY_HEADER: target.api_key},
            transport_kwargs=transport,
            excluded_checks=excluded,
        )
    except Exception as exc:
        if _budget.LEDGER is not None:
            _budget.LEDGER.saw_failure(_budget.failure_text(exc))
        raise
    if _budget.LEDGER is not None:
        _budget.LEDGER.example_done()
    if response.status_code == 200 and not excluded:
        _AUTH_CONFIRMED.append(True)
