"""The schema layer: schemathesis, every default check plus the suite's, all phases, both modes.

The schema is the suite's contract (`suite_contract()`) with the suite's
`schemathesis.toml`, built at import with nothing target-specific; each case
is sent through the run's budgeted client and validated against the target
(`_schema_layer`). Failures of schemathesis' own status checks are sorted by
the contract: the answer it asks for is no failure, an answer that differs
only from assumed rules is an assumption mismatch.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings
from schemathesis import Case

from . import _profiles
from . import _schema_checks as _schema_checks  # registers the suite's checks
from ._api import Api
from ._run import ContractRun
from ._schema_layer import load_schema, send_case, validate
from ._spec import suite_contract

schema = load_schema(suite_contract())


@pytest.fixture(scope="session", autouse=True)
def _cursor_pool(run: ContractRun, api: Api) -> None:
    """Issued cursors for the positive cases, before the first one is sent."""

    def fetch(query: dict[str, Any]) -> tuple[int, Any]:
        reply = api.list(**query)
        return reply.status, reply.body

    run.cursors.prime(fetch)


@schema.parametrize()
@settings(max_examples=_profiles.sizes().schema)
def test_schema_contract(case: Case[Any], run: ContractRun, api: Api) -> None:
    """Every default check and the suite's own, on positive and negative data."""
    response = send_case(run, api, case)
    if response is not None:
        validate(run, case, response)
