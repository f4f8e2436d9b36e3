"""Schemathesis hooks for `st run`: the suite's checks, issued cursors, failures sorted by contract.

`schemathesis.toml` names this module (`hooks = "contract_tests.hooks"`), so
that from the repository root

    st --config-file contract_tests/schemathesis.toml run openapi/contacts.yaml \\
        --url http://127.0.0.1:8080/platform/v1 -H "X-API-Key: $KEY"

holds a server to the same checks as the suite's schema layer. The pytest
suite does not import this module: it sends and sorts cases itself, with the
run's state (`_schema_layer`). Here one `st run` process is one run, so its
cursor pool lives in the hooks' closure.

- `before_call` gives positive requests cursors the server issued.
- `filter_failure` drops a failure of schemathesis' status checks when the
  contract asks for exactly that answer (a refused schema-valid query, say);
  `st run` knows no assumption mismatches, so those stay failures here.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from schemathesis import Case, HookContext, Response
from schemathesis.core.failures import Failure

from . import _schema_checks
from ._cursors import CursorPool
from ._refusals import judge_schema_failure, verdict_for
from ._schema_layer import prepare_case
from ._spec import suite_contract


def _install() -> None:
    contract = suite_contract()
    cursors = CursorPool(contract)

    @schemathesis.hook
    def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
        """Swap made-up cursors for issued ones, priming the pool with a short walk."""
        base_url = str(kwargs.get("base_url") or case.operation.base_url or "")
        headers = dict(kwargs.get("headers") or {})

        def fetch(query: dict[str, Any]) -> tuple[int, Any]:
            # Straight through httpx: a `case.call` here would run this hook again.
            response = httpx.get(
                base_url.rstrip("/") + contract.operation_path,
                params=query,
                headers=headers,
                timeout=30.0,
            )
            try:
                return response.status_code, response.json()
            except ValueError:
                return response.status_code, None

        prepare_case(contract, cursors, case, fetch)

    @schemathesis.hook
    def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
        """Harvest cursors from every answer."""
        cursors.record(response.status_code, _schema_checks.body_of(response))

    @schemathesis.hook
    def filter_failure(
        context: HookContext, failure: Failure, case: Case[Any], response: Response
    ) -> bool:
        """Keep every failure but an answer the contract asks for."""
        verdict = verdict_for(contract, _schema_checks.sent_pairs(response), cursors.knows)
        judged = judge_schema_failure(
            contract,
            verdict,
            response.status_code,
            _schema_checks.body_of(response),
            str(response.request.url),
            failure,
        )
        return judged is not None


_install()
