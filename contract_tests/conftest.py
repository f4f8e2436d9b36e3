"""The run (`config.stash`), its fixtures, Hypothesis profiles, the budget's order and shares.

Checks run cheapest and highest-yield first, so that a small request budget
still reaches them: probes, recipes, sweeps (breadth first), then the
Hypothesis properties and the schema layer, each of which gets a share of
the budget left when it starts (its first example always runs). An example
that ends in assumption mismatches only is recorded and counts as checked, so
that a property goes on looking for violations.
"""

from __future__ import annotations

import functools
import unittest
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import HypothesisException

from ._api import Api
from ._data import Anchor, load_anchor
from ._report import Report
from ._run import RUN, Run, env, reports_dir, run_of, start_run
from ._verdicts import mismatches_of

COST = ("probe", "recipe", "sweep", "property", "schema")
SHARE = {"property": 1, "schema": 2}
#: Examples per property and schema cases, by profile.
SIZES = {"ci": (12, 120), "dev": (12, 120), "thorough": (100, 1000), "live": (6, 30)}
MARKERS = (
    "promises(*patterns): the promises (relative spec pointers, globs) a check checks",
    "cost(kind, rank=0): probe, recipe, sweep, property or schema, then rank (the budget's order)",
    "ground_truth: needs the embedded fake's data",
)


def current_profile() -> str:
    """``KAPSO_CONTRACT_PROFILE``; else ``live`` against a server, ``ci`` in-process."""
    return env("profile") or ("live" if env("base_url") else "ci")


def _profiles(name: str) -> None:
    ci = settings.get_profile("ci")
    slow = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
    database = DirectoryBasedExampleDatabase(reports_dir() / "hypothesis")
    options: dict[str, dict[str, Any]] = {
        "ci": {},
        "dev": {"derandomize": False, "database": database},
        "thorough": {"derandomize": False, "database": database},
        "live": {"derandomize": False, "phases": (Phase.explicit, Phase.reuse, Phase.generate)},
    }
    if name not in options:
        raise pytest.UsageError(f"the profile must be one of {', '.join(options)}, got {name!r}")
    settings.register_profile(
        f"contract-{name}",
        ci,
        max_examples=SIZES[name][0],
        suppress_health_check=slow,
        **options[name],
    )
    settings.load_profile(f"contract-{name}")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Start the run; reports (JUnit, Hypothesis' storage) go under the report directory only."""
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    set_hypothesis_home_dir(reports_dir() / "hypothesis")
    run = start_run()
    _profiles(run.profile)
    config.stash[RUN] = run
    config.pluginmanager.register(Report(run), "contract-report")
    if not getattr(config.option, "xmlpath", None):
        reports_dir().mkdir(parents=True, exist_ok=True)
        config.option.xmlpath = str(reports_dir() / "contract-junit.xml")


def cost_of(item: pytest.Item) -> str:
    """The check's cost class (its ``cost`` marker, else by its kind)."""
    marker = item.get_closest_marker("cost")
    if marker is not None:
        return str(marker.args[0])
    if "test_schema" in item.nodeid:
        return "schema"
    return "property" if hasattr(getattr(item, "obj", None), "hypothesis") else "probe"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Seed and budget the properties, skip ground truth off the fake, cheapest checks first."""
    run = run_of(config)
    cases: dict[object, int] = {}
    places = {}
    for item in items:
        function = getattr(item, "obj", None)
        cost = cost_of(item)
        case = cases.get(function, 0)
        cases[function] = case + 1
        marker = item.get_closest_marker("cost")
        rank = marker.args[1] if marker is not None and len(marker.args) > 1 else 0
        places[item.nodeid] = (COST.index(cost), case if cost == "sweep" else 0, rank)
        handle = getattr(function, "hypothesis", None)
        if handle is not None:
            inner = getattr(handle, "contract_inner", handle.inner_test)
            handle.contract_inner = inner
            handle.inner_test = _budgeted(inner, run)
            if run.seed is not None and function is not None:
                hypothesis.seed(run.seed)(function)
        if item.get_closest_marker("ground_truth") and not run.target.in_process:
            item.add_marker(pytest.mark.skip(reason="ground truth needs the embedded fake's data"))
    items.sort(key=lambda item: places[item.nodeid])
    weights = [SHARE.get(cost_of(i), 0) for i in items if not i.get_closest_marker("skip")]
    run.memo["weights"] = {i.nodeid: w for i, w in zip(items, weights, strict=False) if w}


class ShareSpent(unittest.SkipTest):
    """A property has checked what its share of the budget pays for (it passed)."""


def _budgeted(test: Callable[..., Any], run: Run) -> Callable[..., Any]:
    @functools.wraps(test)
    def example(*args: Any, **kwargs: Any) -> Any:
        try:
            test(*args, **kwargs)
        except HypothesisException:
            raise
        except (Exception, BaseExceptionGroup) as exc:
            found = mismatches_of(exc)
            if found is None:
                raise
            for mismatch in found:
                run.findings.mismatch(str(run.memo.get("current")), mismatch)
        share, start = run.memo.get("share"), run.memo.get("start", 0)
        run.memo["examples"] = examples = run.memo.get("examples", 0) + 1
        spent = len(run.sent) - start
        if share is not None and spent + spent / examples > share:
            raise ShareSpent(f"its share of {share} requests is spent")

    return example


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Give the check its share of the budget left."""
    run = run_of(item.config)
    weights: dict[str, int] = run.memo["weights"]
    weight = weights.pop(item.nodeid, 0)
    left = None if run.target.budget is None else max(0, run.target.budget - len(run.sent))
    share = (
        None if left is None or not weight else left * weight // (weight + sum(weights.values()))
    )
    run.memo.update(current=item.nodeid, share=share, start=len(run.sent), examples=0)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Any:
    """A property stopped at its share passed: every example it drew did."""
    try:
        return (yield)
    except ShareSpent:
        return True


@pytest.fixture(scope="session")
def run(pytestconfig: pytest.Config) -> Run:
    """The run: contract, target, settings, findings."""
    return run_of(pytestconfig)


@pytest.fixture(scope="session")
def api(run: Run) -> Iterator[Api]:
    """The list operation through the run's budgeted, paced client (the key in its headers)."""
    with run.client() as client:
        yield Api(run, client)


@pytest.fixture(scope="session")
def anchor(run: Run, api: Api) -> Anchor:
    """The newest items (the readings the shared setup can observe are observed here)."""
    return load_anchor(run, api)


@pytest.fixture(scope="session")
def enough(anchor: Anchor) -> Anchor:
    """The anchor, when it holds a window to cut (else the check is skipped, with why)."""
    if len(anchor.items) < 3:
        pytest.skip("the account holds fewer than 3 items: no window to cut")
    return anchor


@pytest.fixture(scope="session")
def http_without_key(run: Run) -> Iterator[httpx.Client]:
    """A client on the same budget that sends no API key."""
    with run.client(with_key=False) as client:
        yield client
