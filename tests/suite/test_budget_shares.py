"""The request budget: shares per property, failures it must not hide, runs it cut short."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from contract_tests._budget import BudgetSpent, Ledger, failure_text
from contract_tests._transport import RequestLog
from kapso_fake.testing import serve_app

from ._servers import mutated

ROOT = Path(__file__).resolve().parents[2]


def _log(count: int) -> RequestLog:
    log = RequestLog("X-API-Key")
    for _ in range(count):
        log.record(httpx.Request("GET", "http://127.0.0.1:9/x"), 200)
    return log


def test_each_budgeted_test_gets_its_weighted_share_of_what_is_left() -> None:
    log = _log(20)
    ledger = Ledger(log, budget=100)
    ledger.plan({"a": 1, "b": 1, "schema": 2})
    assert ledger.start("a").share == 80 // 4
    ledger.finish()
    assert ledger.start("probe").share is None  # unbudgeted tests have no share
    ledger.finish()
    assert ledger.start("b").share == 80 // 3


def test_a_test_stops_before_an_example_that_would_overrun_its_share() -> None:
    log = _log(0)
    ledger = Ledger(log, budget=100)
    ledger.plan({"a": 1})
    ledger.start("a")
    assert not ledger.share_spent()  # the first example always runs
    for _ in range(60):
        log.record(httpx.Request("GET", "http://127.0.0.1:9/x"), 200)
    ledger.example_done()
    assert ledger.share_spent()
    ledger.saw_failure("filter x is sound")
    assert not ledger.share_spent()  # a failing test may replay its failure


def test_budget_skips_are_recognised_by_type_and_failures_read_as_one_line() -> None:
    spent = BudgetSpent("request budget of 5 spent before GET /x")
    # A pytest skip (pytest and Hypothesis let it through at once), of its own type...
    assert isinstance(spent, pytest.skip.Exception)
    # ...so another skip is never taken for one, whatever its words.
    assert not isinstance(pytest.skip.Exception("request budget of 5 spent"), BudgetSpent)
    assert failure_text(AssertionError("one\ntwo")) == "one"


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KAPSO_", "CI"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "contract_tests", "-p", "no:cacheprovider", "-q",
         "--junitxml", os.devnull, *args],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_a_run_cut_short_by_the_budget_says_so_and_fails_when_strict() -> None:
    run = _run(
        {
            "KAPSO_CONTRACT_MAX_REQUESTS": "3",
            "KAPSO_CONTRACT_STRICT_BUDGET": "1",
            "KAPSO_CONTRACT_FAKE_CONTACTS": "200",
        },
        "-k",
        "test_documented_bound",
    )
    output = run.stdout + run.stderr
    assert "INCOMPLETE (FAILURE (strict))" in output, output[-2000:]
    assert "checks skipped, the request budget of 3 was spent" in output
    assert run.returncode == 1, output[-2000:]


@pytest.mark.loopback
def test_a_failure_found_before_the_budget_ran_out_is_reported_not_skipped() -> None:
    """The failing example fails at the budget's last request; its replay cannot be sent."""
    key = "kapso_canary_" + secrets.token_hex(8)
    app = mutated("profile-name-ascii-case-folding", key=key)
    with serve_app(app) as server:
        # 2 anchor pages + the window + the first filtered walk: the first example fails.
        run = _run(
            {
                "KAPSO_BASE_URL": server.base_url,
                "KAPSO_API_KEY": key,
                "KAPSO_CONTRACT_MAX_REQUESTS": "4",
                "KAPSO_CONTRACT_SEED": "1",
            },
            "-k",
            "test_name_filter_folds_the_case_of_every_letter",
        )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    failed = output.split("FAILED contract_tests/test_semantics_filters.py::", 1)
    assert len(failed) == 2, output[-3000:]
    message = failed[1].splitlines()[1]
    assert "are complete" in message and "request budget" not in message, message
    # It was the budget that stopped the replay: the failure was kept, not skipped.
    assert "failed before the budget ran out" in output, output[-3000:]
    assert key not in output
