"""Target, shared client, Hypothesis profiles and the run summary for the contract suite."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis
import pytest

from contract_tests import _budget, _profiles, _target
from contract_tests import hooks as _hooks  # noqa: F401  (registers hooks and checks)
from contract_tests._api import Api
from contract_tests._constants import ENV_SEED, JUNIT_PATH
from contract_tests._report import ContractReport
from contract_tests._target import Target, open_client, target_from_env
from contract_tests._transport import RequestLog
from contract_tests._windows import Anchor, load_anchor

_REPORT = pytest.StashKey[ContractReport]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Pick the target and profile, start the summary, put JUnit XML under reports/."""
    try:
        target = target_from_env()
    except RuntimeError as exc:
        raise pytest.UsageError(str(exc)) from None
    _target.CURRENT = target
    profile = _profiles.register()
    seed: int | None = None
    current = hypothesis.settings.default
    if current is not None and not current.derandomize:
        seed = int(os.environ.get(ENV_SEED) or random.SystemRandom().randrange(2**32))
    _profiles.SEED = seed
    log = RequestLog()
    _budget.LEDGER = _budget.Ledger(log, target.budget)
    report = ContractReport(target=target, log=log, profile=profile, seed=seed)
    config.stash[_REPORT] = report
    config.pluginmanager.register(report, "contract-report")
    if not getattr(config.option, "xmlpath", None):
        JUNIT_PATH.parent.mkdir(parents=True, exist_ok=True)
        config.option.xmlpath = str(JUNIT_PATH)


def cost_class(item: pytest.Item) -> str:
    """probe (a request or two), walk (a few walks), property (Hypothesis), schema."""
    explicit = getattr(getattr(item, "obj", None), "contract_cost", None)
    if isinstance(explicit, str):
        return explicit
    if "test_schema" in item.nodeid:
        return _budget.SCHEMA
    if hasattr(getattr(item, "obj", None), "hypothesis"):
        return _budget.PROPERTY
    return _budget.PROBE


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Seed Hypothesis, skip ground-truth tests off the embedded fake, cheapest checks first.

    Cheap, high-yield checks run first so that a small request budget still
    reaches them; each property then gets a share of what is left (`_budget`).
    """
    report = config.stash[_REPORT]
    for item in items:
        function = getattr(item, "obj", None)
        if function is not None and hasattr(function, "hypothesis"):
            if report.seed is not None:
                hypothesis.seed(report.seed)(function)
            inner = function.hypothesis.inner_test
            if not getattr(inner, "_contract_budgeted", False):
                wrapped = _budget.budgeted(inner)
                wrapped._contract_budgeted = True  # type: ignore[attr-defined]
                function.hypothesis.inner_test = wrapped
        if not report.target.in_process and item.get_closest_marker("ground_truth"):
            item.add_marker(pytest.mark.skip(reason="ground truth needs the embedded fake's data"))
    items.sort(key=lambda item: _budget.COST_CLASSES.index(cost_class(item)))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Plan the budget shares of the tests that will run (after any deselection)."""
    if _budget.LEDGER is None:
        return
    weights = {
        item.nodeid: _budget.SHARE_WEIGHT.get(cost_class(item), 0)
        for item in session.items
        if not item.get_closest_marker("skip")
    }
    _budget.LEDGER.plan({nodeid: weight for nodeid, weight in weights.items() if weight})


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Open the test's account (its share of the budget is fixed now)."""
    if _budget.LEDGER is not None:
        _budget.LEDGER.start(item.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Any:
    """A property that stopped at its share of the budget passed (every example it drew did)."""
    try:
        return (yield)
    except _budget.ShareSpent:
        return True


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Close the test's account."""
    if _budget.LEDGER is not None:
        _budget.LEDGER.finish()


@pytest.fixture(scope="session")
def report(pytestconfig: pytest.Config) -> ContractReport:
    """The run's summary collector."""
    return pytestconfig.stash[_REPORT]


@pytest.fixture(scope="session")
def target(report: ContractReport) -> Target:
    """The server under test."""
    return report.target


@pytest.fixture(scope="session")
def request_log(report: ContractReport) -> RequestLog:
    """Every request sent by the suite."""
    return report.log


@pytest.fixture(scope="session")
def http(target: Target, request_log: RequestLog) -> Iterator[httpx.Client]:
    """The one budgeted, paced client that carries the API key."""
    with open_client(target, request_log) as client:
        yield client


@pytest.fixture(scope="session")
def http_without_key(target: Target, request_log: RequestLog) -> Iterator[httpx.Client]:
    """A client on the same budget that sends no API key."""
    with open_client(target, request_log, with_key=False) as client:
        yield client


@pytest.fixture(scope="session")
def api(http: httpx.Client) -> Api:
    """The List contacts operation through the generated client."""
    return Api(http)


@pytest.fixture(scope="session")
def anchor(api: Api) -> Anchor:
    """The newest contacts, from which bounded windows are cut."""
    return load_anchor(api)


@pytest.fixture(scope="session")
def store(target: Target) -> Any:
    """The embedded fake's store (ground truth); ground-truth tests only."""
    if not target.in_process:
        pytest.skip("ground truth needs the embedded fake's data")
    return target.app.state.store
