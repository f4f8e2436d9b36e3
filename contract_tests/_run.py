"""The state of one run of the suite, in one object kept in pytest's `config.stash`.

Fixtures and hooks reach it with `run_of(config)`; nothing about a run lives
in a module global, so two runs in one process (the suite's own tests) never
share a budget, a cursor pool, a drift log or findings.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

import httpx
import pytest

from kapso_contacts.contract import Contract

from ._api import Api
from ._budget import Ledger
from ._coverage import Coverage
from ._cursors import CursorPool
from ._drift import DriftLog
from ._env import (
    ENV_SEED,
    ENV_STRICT_ASSUMPTIONS,
    ENV_STRICT_BUDGET,
    ENV_STRICT_DRIFT,
    flag,
)
from ._findings import AssumptionMismatch, Mismatch
from ._spec import suite_contract
from ._target import Target, open_client, target_from_env
from ._transport import RequestLog


@dataclass(frozen=True)
class Strictness:
    """Which warnings fail the run."""

    assumptions: bool
    budget: bool
    drift: bool


@dataclass
class Findings:
    """What the run found besides plain failures: mismatches and checks the budget skipped."""

    mismatches: list[Mismatch] = field(default_factory=list)
    budget_skipped: set[str] = field(default_factory=set)

    def of(self, nodeid: str) -> list[Mismatch]:
        """The mismatches found by one check."""
        return [m for m in self.mismatches if m.nodeid == nodeid]


@dataclass
class ContractRun:
    """Everything one run of the suite knows: contract, target, budget, pools, findings."""

    contract: Contract
    target: Target
    profile: str
    seed: int | None
    strict: Strictness
    log: RequestLog
    ledger: Ledger
    cursors: CursorPool
    drift: DriftLog
    findings: Findings = field(default_factory=Findings)
    coverage: Coverage = field(default_factory=Coverage)
    # The schema layer's `ignored_auth` probe has run (once per run is enough).
    auth_probed: bool = False

    def client(self, *, with_key: bool = True) -> httpx.Client:
        """A client of the target on the run's budget (with or without the API key)."""
        return open_client(self.target, self.log, self.contract, with_key=with_key)

    def api(self, client: httpx.Client) -> Api:
        """The operation through `client`, reporting drift to the run."""
        return Api(client, self.contract, self.drift)

    def record_mismatches(self, found: list[AssumptionMismatch], nodeid: str | None = None) -> None:
        """Keep mismatches of the current check (one per spec location and check)."""
        if nodeid is None:
            current = self.ledger.current
            nodeid = current.nodeid if current is not None else "(outside a check)"
        start = self.ledger.current.start if self.ledger.current is not None else 0
        sent = self.log.since(start)
        curl = sent[-1].curl() if sent else None
        seen = {m.location for m in self.findings.of(nodeid)}
        for mismatch in found:
            if mismatch.provenance.location not in seen:
                seen.add(mismatch.provenance.location)
                self.findings.mismatches.append(
                    Mismatch(nodeid, mismatch.found, mismatch.provenance, curl)
                )


def start_run(profile: str, derandomized: bool) -> ContractRun:
    """A run from the environment (see docs/contract-suite.md).

    Raises:
        RuntimeError: the environment is inconsistent (a server but no key, a bad flag...).
    """
    contract = suite_contract()
    target = target_from_env(contract)
    seed: int | None = None
    if not derandomized:
        seed = int(os.environ.get(ENV_SEED) or random.SystemRandom().randrange(2**32))
    log = RequestLog(contract.api_key_header)
    return ContractRun(
        contract=contract,
        target=target,
        profile=profile,
        seed=seed,
        # The embedded fake implements every assumption; a live server may read them otherwise.
        strict=Strictness(
            assumptions=flag(ENV_STRICT_ASSUMPTIONS, default=target.in_process),
            budget=flag(ENV_STRICT_BUDGET),
            drift=flag(ENV_STRICT_DRIFT),
        ),
        log=log,
        ledger=Ledger(log, target.budget),
        cursors=CursorPool(contract),
        drift=DriftLog(contract),
    )


RUN = pytest.StashKey["ContractRun"]()


def run_of(config: pytest.Config) -> ContractRun:
    """The run of this pytest session."""
    return config.stash[RUN]
