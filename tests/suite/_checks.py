"""Run some of the suite's checks in this process against the embedded fake (maybe wearing mutants).

One pytest session of the suite per call, restricted to the given node ids
(`test_power_paging.py::test_...[maximum]`, under the suite's directory) and
configured only by the variables given here: a `KAPSO_*` variable of the
developer's shell never points it at a live server. It reports, per check,
whether it failed with a contract violation (an `AssertionError` that is not
an assumption mismatch) and which assumption mismatches it found. Hypothesis'
settings profile is put back afterwards.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import settings

from contract_tests._findings import mismatches_of
from contract_tests._run import run_of
from kapso_contract.runner import CONFIG, suite_path


@dataclass
class CheckRun:
    """What one in-process run of some checks found, by node id (under the suite's directory)."""

    outcomes: dict[str, str] = field(default_factory=dict)
    violations: dict[str, str] = field(default_factory=dict)
    mismatches: dict[str, list[str]] = field(default_factory=dict)
    exit_code: int = 0
    output: str = ""


class _Recorder:
    """Collects each check's outcome and how it failed."""

    def __init__(self, result: CheckRun) -> None:
        self.result = result
        self.config: pytest.Config | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        node = _relative(item.nodeid)
        if call.when == "call" or not report.passed:
            self.result.outcomes[node] = report.outcome
        error = call.excinfo.value if call.excinfo is not None else None
        if error is not None and mismatches_of(error) is None and _asserts(error):
            self.result.violations.setdefault(node, str(error).splitlines()[0][:300])

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for mismatch in run_of(session.config).findings.mismatches:
            self.result.mismatches.setdefault(_relative(mismatch.nodeid), []).append(
                mismatch.location
            )


def _asserts(error: BaseException) -> bool:
    parts = getattr(error, "exceptions", None)
    if isinstance(parts, (list, tuple)) and parts:
        return any(_asserts(part) for part in parts)
    return isinstance(error, AssertionError)


def _relative(nodeid: str) -> str:
    return nodeid.split("/", 1)[1] if "/" in nodeid.split("::", 1)[0] else nodeid


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith(("KAPSO_", "GITHUB_"))]:
        del os.environ[name]
    os.environ.update(values)
    profile = settings.get_current_profile_name()
    chosen = settings.get_profile(profile)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        settings.register_profile(profile, chosen)
        settings.load_profile(profile)


def run_checks(
    nodeids: Sequence[str], *, mutants: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> CheckRun:
    """Run the named checks in-process against the embedded fake wearing `mutants`.

    The `ci` profile (deterministic); `env` adds `KAPSO_CONTRACT_*` settings.
    """
    suite = suite_path()
    result = CheckRun()
    values = {"KAPSO_CONTRACT_PROFILE": "ci", **(env or {})}
    if mutants:
        values["KAPSO_CONTRACT_FAKE_MUTANTS"] = ",".join(mutants)
    args = ["-c", str(CONFIG), "--rootdir", str(suite.parent), "-q"]
    args += ["--junitxml", os.devnull, *(str(suite / nodeid) for nodeid in nodeids)]
    out = io.StringIO()
    with _environment(values), redirect_stdout(out):
        result.exit_code = int(pytest.main(args, plugins=[_Recorder(result)]))
    result.output = out.getvalue()
    return result
