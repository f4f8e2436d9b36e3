"""The run summary: a pytest plugin that also keeps the API key out of every report.

At the end of a run it prints checks run and failed, requests sent, the seed,
and for each failure one line plus a curl reproduction (key masked); it
writes JUnit XML under reports/ and appends Markdown to GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest

from contract_tests import _budget
from contract_tests._constants import ENV_STRICT_BUDGET, ENV_STRICT_DRIFT, MASK
from contract_tests._drift import DRIFT
from contract_tests._target import Target
from contract_tests._transport import RequestLog

MAX_MESSAGE = 300


@dataclass
class Failed:
    """One failed check."""

    name: str
    message: str
    curl: str | None


@dataclass
class ContractReport:
    """Collects outcomes while the suite runs; see the module docstring."""

    target: Target
    log: RequestLog
    profile: str
    seed: int | None
    passed: int = 0
    skipped: int = 0
    budget_skipped: int = 0
    failed: list[Failed] = field(default_factory=list)
    _marks: dict[str, int] = field(default_factory=dict)
    _messages: dict[str, str] = field(default_factory=dict)
    _curls: dict[str, str] = field(default_factory=dict)

    def scrub(self, text: str) -> str:
        """Replace the API key wherever it appears."""
        key = self.target.api_key
        return text.replace(key, MASK) if key else text

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self._marks[item.nodeid] = self.log.count

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        if call.excinfo is not None and item.nodeid not in self._messages:
            value = call.excinfo.value
            message = f"{call.excinfo.typename}: {value}"
            if isinstance(value, AssertionError):
                message = str(value)
            parts = getattr(value, "exceptions", None)
            if isinstance(parts, (list, tuple)) and parts:
                message = "; ".join(_failure_line(part) for part in parts)
            self._messages[item.nodeid] = first_line(self.scrub(message))
            curl = _schemathesis_curl(str(value))
            if curl:
                self._curls[item.nodeid] = self.scrub(curl)
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        spend = _budget.LEDGER.current if _budget.LEDGER is not None else None
        if (
            report.skipped
            and call.when == "call"
            and spend is not None
            and spend.nodeid == item.nodeid
            and spend.failure is not None
            and _budget.is_budget_skip(report.longrepr)
        ):
            # The budget ran out after this test had already failed: the failure stands.
            message = self.scrub(spend.failure)
            report.outcome = "failed"
            report.longrepr = (
                f"{message}\n(this example failed before the budget ran out; the replay"
                " Hypothesis makes of a failure could not be completed)"
            )
            self._messages[item.nodeid] = first_line(message)
            if spend.failure_curl:
                self._curls[item.nodeid] = self.reproduction(spend.failure_curl)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.longrepr is not None:
            text = str(report.longrepr)
            if self.target.api_key in text:
                report.longrepr = self.scrub(text)
        report.sections = [(title, self.scrub(body)) for title, body in report.sections]
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self._count(report)

    def _count(self, report: pytest.TestReport) -> None:
        if report.passed:
            self.passed += 1
        elif report.skipped:
            self.skipped += 1
            if _budget.is_budget_skip(report.longrepr):
                self.budget_skipped += 1
        else:
            sent = self.log.since(self._marks.get(report.nodeid, 0))
            message = self._messages.get(report.nodeid) or first_line(
                self.scrub(str(report.longrepr))
            )
            curl = self._curls.get(report.nodeid) or (
                self.reproduction(sent[-1].curl()) if sent else None
            )
            self.failed.append(Failed(report.nodeid, message, curl))

    def reproduction(self, curl: str) -> str:
        """A runnable line: in-process URLs point at `make fake` (same data)."""
        return self.scrub(curl)

    def lines(self) -> list[str]:
        """The human summary."""
        total = self.passed + self.skipped + len(self.failed)
        seed = (
            "derandomized (profile ci): rerun the same command"
            if self.seed is None
            else f"{self.seed} (rerun with KAPSO_CONTRACT_SEED={self.seed})"
        )
        out = [
            f"target:   {self.target.describe()}",
            f"profile:  {self.profile}; seed: {seed}",
            f"checks:   {total} run, {len(self.failed)} failed, {self.skipped} skipped",
            f"requests: {self.log.count} sent",
        ]
        if self.target.in_process:
            out.append("          (reproductions target `make fake`, which serves the same data)")
        out.extend(self.budget_lines())
        for failed in self.failed:
            out.append(f"FAILED {failed.name}")
            out.append(f"  {failed.message}")
            if failed.curl:
                out.append(f"  reproduce: {failed.curl}")
        drift = DRIFT.lines()
        strict = os.environ.get(ENV_STRICT_DRIFT, "") in ("1", "true", "yes")
        if drift:
            level = "FAILURE (strict)" if strict else "warning"
            out.append(f"drift ({level}): the spec does not document")
            out.extend(f"  - {self.scrub(line)}" for line in drift)
        return out

    def budget_lines(self) -> list[str]:
        """Loud lines when the request budget cut the run short."""
        out: list[str] = []
        if self.budget_skipped:
            level = "FAILURE (strict)" if _strict_budget() else "not a clean pass"
            out.append(
                f"INCOMPLETE ({level}): {self.budget_skipped} checks skipped, the request"
                f" budget of {self.target.budget} was spent before they ran; raise"
                f" KAPSO_CONTRACT_MAX_REQUESTS (KAPSO_CONTRACT_STRICT_BUDGET=1 fails such a run)"
            )
        trimmed = _budget.LEDGER.trimmed() if _budget.LEDGER is not None else []
        if trimmed:
            shown = ", ".join(
                f"{spend.nodeid.split('::')[-1]} ({spend.examples})" for spend in trimmed[:8]
            )
            out.append(
                f"budget:   {len(trimmed)} properties stopped at their share of the budget"
                f" (examples checked): {shown}"
            )
        return out

    def markdown(self) -> str:
        """The summary as Markdown for GITHUB_STEP_SUMMARY."""
        verdict = "passed" if not self.failed else f"{len(self.failed)} failed"
        if not self.failed and self.budget_skipped:
            verdict = f"incomplete ({self.budget_skipped} checks skipped for lack of budget)"
        body = "\n".join(self.lines())
        return f"## Kapso contract suite: {verdict}\n\n```text\n{body}\n```\n"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("contract summary")
        for line in self.lines():
            terminalreporter.write_line(line)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        strict = os.environ.get(ENV_STRICT_DRIFT, "") in ("1", "true", "yes")
        if strict and DRIFT.items and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if _strict_budget() and self.budget_skipped and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        path = os.environ.get("GITHUB_STEP_SUMMARY")
        if path:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(self.scrub(self.markdown()))


def _strict_budget() -> bool:
    return os.environ.get(ENV_STRICT_BUDGET, "").lower() in ("1", "true", "yes")


def _failure_line(failure: BaseException) -> str:
    """`title: first line of message` for a schemathesis failure, else the exception text."""
    title = getattr(failure, "title", None)
    message = getattr(failure, "message", None)
    if isinstance(title, str) and isinstance(message, str):
        return f"{title}: {first_line(message)}"
    return first_line(str(failure))


def _schemathesis_curl(text: str) -> str | None:
    """The curl line schemathesis prints after "Reproduce with:" (its key already filtered)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip().endswith("Reproduce with:"):
            for candidate in lines[index + 1 :]:
                stripped = candidate.strip().lstrip("|").strip()
                if stripped.startswith("curl "):
                    return stripped.replace("[Filtered]", MASK)
    return None


def first_line(text: str) -> str:
    """The first meaningful line of a failure, shortened."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("+ ", "| ", "Traceback", "E ")):
            return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE] + "..."
    return "(no message)"
