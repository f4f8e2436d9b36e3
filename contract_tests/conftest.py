"""Target, shared client, Hypothesis profiles and the run summary for the contract suite."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis
import pytest

from contract_tests import _profiles, _target
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
    report = ContractReport(target=target, log=RequestLog(), profile=profile, seed=seed)
    config.stash[_REPORT] = report
    config.pluginmanager.register(report, "contract-report")
    if not getattr(config.option, "xmlpath", None):
        JUNIT_PATH.parent.mkdir(parents=True, exist_ok=True)
        config.option.xmlpath = str(JUNIT_PATH)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Seed Hypothesis, skip ground-truth tests off the embedded fake, run schema tests last."""
    report = config.stash[_REPORT]
    for item in items:
        function = getattr(item, "obj", None)
        if report.seed is not None and function is not None and hasattr(function, "hypothesis"):
            hypothesis.seed(report.seed)(function)
        if not report.target.in_process and item.get_closest_marker("ground_truth"):
            item.add_marker(pytest.mark.skip(reason="ground truth needs the embedded fake's data"))
    items.sort(key=lambda item: "test_schema" in item.nodeid)


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
