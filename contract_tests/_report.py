"""The run summary: a pytest plugin that sorts outcomes and keeps the API key out of every report.

Outcomes: a contract violation fails its check. An assumption mismatch is
reported as an expected failure (`x` on the terminal, `<skipped
type="pytest.xfail" message="assumption mismatch: ...">` in JUnit), or as a
failure under ``KAPSO_CONTRACT_STRICT_ASSUMPTIONS=1``. A check the request
budget stopped is a skip (`BudgetSpent`), unless it had already failed.

At the end it prints checks run, failed and mismatched, requests sent, the
seed, and for each finding one line plus a curl reproduction (key masked);
JUnit XML goes under ./reports and Markdown to GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest

from ._budget import BudgetSpent
from ._env import MASK
from ._findings import mismatches_of
from ._masking import Scrubber
from ._run import ContractRun

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

    run: ContractRun
    passed: int = 0
    skipped: int = 0
    mismatched: int = 0
    failed: list[Failed] = field(default_factory=list)
    _messages: dict[str, str] = field(default_factory=dict)
    _curls: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scrub = Scrubber(self.run.target.api_key)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        if call.when != "call":
            return
        error = call.excinfo.value if call.excinfo is not None else None
        found = mismatches_of(error) if error is not None else None
        if isinstance(error, BudgetSpent):
            self._budget_stop(item, report)
        elif found is not None:
            self.run.record_mismatches(found, item.nodeid)
        elif error is not None:
            self._remember(item.nodeid, error)
        self._mismatch_outcome(
            item.nodeid, report, mismatch_only=error is None or found is not None
        )
        if report.failed and item.nodeid not in self._curls:
            spend = self.run.ledger.current
            sent = self.run.log.since(spend.start) if spend is not None else []
            if sent:
                self._curls[item.nodeid] = self.scrub.text(sent[-1].curl())

    def _budget_stop(self, item: pytest.Item, report: pytest.TestReport) -> None:
        spend = self.run.ledger.current
        if spend is None or spend.nodeid != item.nodeid or spend.failure is None:
            self.run.findings.budget_skipped.add(item.nodeid)
            return
        # The budget ran out after this test had already failed: the failure stands.
        message = self.scrub.text(spend.failure)
        report.outcome = "failed"
        report.longrepr = (
            f"{message}\n(this example failed before the budget ran out; the replay"
            " Hypothesis makes of a failure could not be completed)"
        )
        self._messages[item.nodeid] = first_line(message)
        if spend.failure_curl:
            self._curls[item.nodeid] = self.scrub.text(spend.failure_curl)

    def _remember(self, nodeid: str, error: BaseException) -> None:
        if nodeid in self._messages:
            return
        message = f"{type(error).__name__}: {error}"
        if isinstance(error, AssertionError):
            message = str(error)
        parts = getattr(error, "exceptions", None)
        if isinstance(parts, (list, tuple)) and parts:
            message = "; ".join(_failure_line(part) for part in parts)
        self._messages[nodeid] = first_line(self.scrub.text(message))
        curl = _schemathesis_curl(str(error))
        if curl:
            self._curls[nodeid] = self.scrub.text(curl)

    def _mismatch_outcome(
        self, nodeid: str, report: pytest.TestReport, mismatch_only: bool
    ) -> None:
        """A check that found only mismatches: an expected failure (a failure if strict)."""
        found = self.run.findings.of(nodeid)
        if not found or not (report.passed or (report.failed and mismatch_only)):
            return
        text = "; ".join(m.line() for m in found)
        if self.run.strict.assumptions:
            report.outcome = "failed"
            report.longrepr = f"assumption mismatch (KAPSO_CONTRACT_STRICT_ASSUMPTIONS): {text}"
            line = f"assumption mismatch: {found[0].line()}"
            self._messages[nodeid] = first_line(self.scrub.text(line))
            if found[0].curl:
                self._curls[nodeid] = self.scrub.text(found[0].curl)
        else:
            report.outcome = "skipped"
            report.wasxfail = f"assumption mismatch: {text}"

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.scrub.report(report)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self._count(report)

    def _count(self, report: pytest.TestReport) -> None:
        if report.passed:
            self.passed += 1
        elif report.skipped and hasattr(report, "wasxfail"):
            self.mismatched += 1
        elif report.skipped:
            self.skipped += 1
        else:
            message = self._messages.get(report.nodeid) or first_line(
                self.scrub.text(str(report.longrepr))
            )
            self.failed.append(Failed(report.nodeid, message, self._curls.get(report.nodeid)))

    def lines(self) -> list[str]:
        """The human summary."""
        run = self.run
        total = self.passed + self.skipped + self.mismatched + len(self.failed)
        seed = (
            "derandomized (profile ci): rerun the same command"
            if run.seed is None
            else f"{run.seed} (rerun with KAPSO_CONTRACT_SEED={run.seed})"
        )
        out = [
            f"target:   {run.target.describe()}",
            f"profile:  {run.profile}; seed: {seed}",
            f"checks:   {total} run, {len(self.failed)} failed, {self.mismatched} with"
            f" assumption mismatches only, {self.skipped} skipped",
            f"requests: {run.log.count} sent",
        ]
        if run.target.data is not None:
            out.append(
                f"          (reproductions target `{run.target.data.command()}` on port 8080)"
            )
        out.extend(self.budget_lines())
        out.append("coverage: each promise, how often it was checked and at which edges")
        out.extend(run.coverage.lines())
        for failed in self.failed:
            out.append(f"FAILED {failed.name}")
            out.append(f"  {failed.message}")
            if failed.curl:
                out.append(f"  reproduce: {failed.curl}")
        out.extend(self.mismatch_lines())
        drift = run.drift.lines()
        if drift:
            level = "FAILURE (strict)" if run.strict.drift else "warning"
            out.append(f"drift ({level}): the spec does not document")
            out.extend(f"  - {self.scrub.text(line)}" for line in drift)
        return out

    def mismatch_lines(self) -> list[str]:
        """Each assumption mismatch: what came back, what was assumed, where to edit it."""
        out: list[str] = []
        mismatches = self.run.findings.mismatches
        if mismatches:
            level = (
                "FAILURE (KAPSO_CONTRACT_STRICT_ASSUMPTIONS)"
                if self.run.strict.assumptions
                else "not a contract violation"
            )
            out.append(
                f"assumption mismatches ({level}): the server reads what Kapso's docs leave"
                " open differently from the spec"
            )
        for mismatch in mismatches:
            out.append(f"MISMATCH {mismatch.nodeid}")
            out.append(f"  found:   {first_line(self.scrub.text(mismatch.found))}")
            out.append(f"  assumed: {mismatch.assumed}")
            out.append(f"  edit:    {mismatch.location}")
            if mismatch.curl:
                out.append(f"  reproduce: {self.scrub.text(mismatch.curl)}")
        return out

    def budget_lines(self) -> list[str]:
        """Loud lines when the request budget cut the run short."""
        out: list[str] = []
        skipped = len(self.run.findings.budget_skipped)
        if skipped:
            level = "FAILURE (strict)" if self.run.strict.budget else "not a clean pass"
            out.append(
                f"INCOMPLETE ({level}): {skipped} checks skipped, the request"
                f" budget of {self.run.target.budget} was spent before they ran; raise"
                f" KAPSO_CONTRACT_MAX_REQUESTS (KAPSO_CONTRACT_STRICT_BUDGET=1 fails such a run)"
            )
        trimmed = self.run.ledger.trimmed()
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
        skipped = len(self.run.findings.budget_skipped)
        if not self.failed and skipped:
            verdict = f"incomplete ({skipped} checks skipped for lack of budget)"
        if self.mismatched:
            verdict += f", {len(self.run.findings.mismatches)} assumption mismatches"
        body = "\n".join(self.lines())
        table = ""
        if self.run.findings.mismatches:
            rows = "\n".join(
                f"| `{m.nodeid.split('::')[-1]}` | {_cell(m.found)} | {_cell(m.assumed)}"
                f" | `{m.location}` |"
                for m in self.run.findings.mismatches
            )
            table = (
                "\n### Assumption mismatches\n\n| check | found | assumed | edit |\n"
                f"|---|---|---|---|\n{rows}\n"
            )
        return f"## Kapso contract suite: {verdict}\n\n```text\n{body}\n```\n{table}"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("contract summary")
        for line in self.lines():
            terminalreporter.write_line(line)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        strict = self.run.strict
        if session.exitstatus == 0 and (
            (strict.drift and self.run.drift.items)
            or (strict.budget and self.run.findings.budget_skipped)
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        path = os.environ.get("GITHUB_STEP_SUMMARY")
        if path:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(self.scrub.text(self.markdown()))


def _cell(text: str) -> str:
    return first_line(text).replace("|", "\\|")


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
