"""The run (`config.stash`), its fixtures, Hypothesis profiles, budget order and the summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis
import pytest

from . import _budget, _profiles
from ._api import Api
from ._coverage import Coverage
from ._env import junit_path
from ._report import ContractReport
from ._run import RUN, ContractRun, run_of, start_run
from ._target import Target
from ._windows import Anchor, load_anchor

MARKERS = ("ground_truth: needs to know the server's data; runs only against the embedded fake",)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Start the run: target, profile, seed, budget; the summary; JUnit XML under ./reports."""
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    try:
        profile = _profiles.register()
        current = hypothesis.settings.default
        run = start_run(profile, derandomized=current is None or current.derandomize)
    except RuntimeError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[RUN] = run
    config.pluginmanager.register(ContractReport(run), "contract-report")
    if not getattr(config.option, "xmlpath", None):
        junit_path().parent.mkdir(parents=True, exist_ok=True)
        config.option.xmlpath = str(junit_path())


def cost_class(item: pytest.Item) -> str:
    """probe, recipe, sweep, property (Hypothesis) or schema (see `_budget`)."""
    explicit = getattr(getattr(item, "obj", None), "contract_cost", None)
    if isinstance(explicit, str):
        return explicit
    if "test_schema" in item.nodeid:
        return _budget.SCHEMA
    if hasattr(getattr(item, "obj", None), "hypothesis"):
        return _budget.PROPERTY
    return _budget.PROBE


def _order(items: list[pytest.Item]) -> dict[str, tuple[int, int, int]]:
    """Each item's place: its cost class, then (sweeps) its case number, then its rank.

    Sweeps go breadth first, the first case of every sweep before the second
    of any: a small budget then tries one value of each kind.
    """
    cases: dict[str, int] = {}
    seen: dict[object, int] = {}
    for item in items:
        function = getattr(item, "obj", None)
        cases[item.nodeid] = seen.get(function, 0)
        seen[function] = cases[item.nodeid] + 1
    places = {}
    for item in items:
        kind = cost_class(item)
        rank = getattr(getattr(item, "obj", None), "contract_rank", 0)
        case = cases[item.nodeid] if kind == _budget.SWEEP else 0
        places[item.nodeid] = (_budget.COST_CLASSES.index(kind), case, rank)
    return places


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Seed Hypothesis, skip ground-truth tests off the embedded fake, cheapest checks first.

    Cheap, high-yield checks run first so that a small request budget still
    reaches them; each property then gets a share of what is left (`_budget`).
    """
    run = run_of(config)
    for item in items:
        function = getattr(item, "obj", None)
        if function is not None and hasattr(function, "hypothesis"):
            if run.seed is not None:
                hypothesis.seed(run.seed)(function)
            # Wrapped afresh for each run: two runs in one process keep their own ledgers.
            handle = function.hypothesis
            inner = getattr(handle, "contract_inner", handle.inner_test)
            handle.contract_inner = inner
            handle.inner_test = _budget.budgeted(inner, run.ledger, run.record_mismatches)
        if not run.target.in_process and item.get_closest_marker("ground_truth"):
            item.add_marker(pytest.mark.skip(reason="ground truth needs the embedded fake's data"))
    places = _order(items)
    items.sort(key=lambda item: places[item.nodeid])


def pytest_collection_finish(session: pytest.Session) -> None:
    """Plan the budget shares of the tests that will run (after any deselection)."""
    weights = {
        item.nodeid: _budget.SHARE_WEIGHT.get(cost_class(item), 0)
        for item in session.items
        if not item.get_closest_marker("skip")
    }
    run_of(session.config).ledger.plan({nodeid: w for nodeid, w in weights.items() if w})


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Open the test's account (its share of the budget is fixed now)."""
    run_of(item.config).ledger.start(item.nodeid)


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
    run_of(item.config).ledger.finish()


@pytest.fixture(scope="session")
def run(pytestconfig: pytest.Config) -> ContractRun:
    """The run: contract, target, budget, cursor pool, drift log, findings."""
    return run_of(pytestconfig)


@pytest.fixture(scope="session")
def coverage(run: ContractRun) -> Coverage:
    """Which promises the run checked, at which edges, and which its data could not exercise."""
    return run.coverage


@pytest.fixture(scope="session")
def target(run: ContractRun) -> Target:
    """The server under test."""
    return run.target


@pytest.fixture(scope="session")
def http(run: ContractRun) -> Iterator[httpx.Client]:
    """The one budgeted, paced client that carries the API key."""
    with run.client() as client:
        yield client


@pytest.fixture(scope="session")
def http_without_key(run: ContractRun) -> Iterator[httpx.Client]:
    """A client on the same budget that sends no API key."""
    with run.client(with_key=False) as client:
        yield client


@pytest.fixture(scope="session")
def api(run: ContractRun, http: httpx.Client) -> Api:
    """The List contacts operation, requests built by the generated client."""
    return run.api(http)


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
