"""The run's report: each check's outcome, the summary, JUnit, the step summary; the key masked.

A violation fails its check. A check that found only assumption mismatches is
an expected failure (``x``; ``<skipped type="pytest.xfail">`` in JUnit), or a
failure when assumptions are strict; each mismatch is listed once, by its spec
location. A check the request budget stopped is a skip, and the run says
INCOMPLETE. ``contract-summary.json`` in the report directory holds the same
findings for tools (the exit code's reasons).
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

import pytest

from ._api import BudgetSpent
from ._run import Run, reports_dir
from ._verdicts import first_line, mismatches_of

MASK = "***"
#: Coverage lines: what each promise the recipes check means.
PROMISES = {
    "pages": "cursor pages hold exactly the page size while items remain, none after the last",
    "before": "`before` gives the pages back, both ends null-terminated",
    "legacy": "legacy pages are the listing's slices, counted by meta and headers",
    "empty": "an empty result is an empty page in both modes",
    "ties": "ties on the first order key are broken one way across page boundaries",
    "date-bounds": "both bounds are exclusive instants, in every spelling",
    "filters": "each filter keeps exactly the items its meaning says, alone and in pairs",
    "identity": "an item is the same record in every view",
}


class Scrubber:
    """Masks the API key where it stands as a token of its own (a key ``k`` leaves words alone)."""

    def __init__(self, key: str) -> None:
        edge = r"[A-Za-z0-9_\-]"
        self.pattern = re.compile(rf"(?<!{edge}){re.escape(key)}(?!{edge})") if key else None

    def text(self, text: str) -> str:
        """``text`` with the key masked."""
        return self.pattern.sub(MASK, text) if self.pattern else text

    def report(self, report: pytest.TestReport) -> None:
        """Mask the key in a report in place, keeping the shapes pytest expects."""
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            report.longrepr = (longrepr[0], longrepr[1], self.text(str(longrepr[2])))
        elif longrepr is not None and self.pattern and self.pattern.search(str(longrepr)):
            report.longrepr = self.text(str(longrepr))
        if isinstance(getattr(report, "wasxfail", None), str):
            report.wasxfail = self.text(report.wasxfail)
        report.sections = [(title, self.text(body)) for title, body in report.sections]


@dataclass
class Failed:
    """One failed check."""

    check: str
    message: str
    curl: str | None


@dataclass
class Report:
    """A pytest plugin that sorts outcomes and writes the summaries (see the module docstring)."""

    run: Run
    passed: int = 0
    skipped: int = 0
    mismatched: int = 0
    failed: list[Failed] = field(default_factory=list)
    starts: dict[str, int] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scrub = Scrubber(self.run.target.api_key)

    def curl(self, nodeid: str) -> str | None:
        """The last request a check sent, as a curl line."""
        sent = self.run.sent[self.starts.get(nodeid, len(self.run.sent)) :]
        key = f"{self.run.contract.api_key_header}: {MASK}"
        return self.scrub.text(f"curl -sS -H '{key}' {shlex.quote(sent[-1])}") if sent else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.starts[item.nodeid] = len(self.run.sent)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report: pytest.TestReport = yield
        error = call.excinfo.value if call.excinfo is not None else None
        if error is None or call.when == "teardown":
            return report
        found = mismatches_of(error)
        if isinstance(error, BudgetSpent):
            self.run.findings.budget_skipped.add(item.nodeid)
        elif found is not None:
            for mismatch in found:
                self.run.findings.mismatch(item.nodeid, mismatch, self.curl(item.nodeid))
            text = "; ".join(first_line(str(m)) for m in found)
            if self.run.strict_assumptions:
                report.outcome, report.longrepr = "failed", f"assumption mismatch (strict): {text}"
                self.messages[item.nodeid] = f"assumption mismatch: {text}"
            else:
                report.outcome, report.wasxfail = "skipped", f"assumption mismatch: {text}"
        else:
            parts = [_line(part) for part in _parts(error)]
            self.messages[item.nodeid] = self.scrub.text(first_line("; ".join(parts)))
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.scrub.report(report)
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        if report.passed:
            self.passed += 1
        elif report.skipped:
            self.mismatched += hasattr(report, "wasxfail")
            self.skipped += not hasattr(report, "wasxfail")
        else:
            message = self.messages.get(report.nodeid) or first_line(
                self.scrub.text(str(report.longrepr))
            )
            self.failed.append(Failed(report.nodeid, message, self.curl(report.nodeid)))

    def verdict(self) -> dict[str, Any]:
        """The findings as data (``contract-summary.json``)."""
        run = self.run
        return {
            "target": run.target.described,
            "requests": len(run.sent),
            "violations": [
                {"check": f.check, "message": f.message, "reproduce": f.curl} for f in self.failed
            ],
            "mismatches": [
                {
                    "location": m.location,
                    "check": m.check,
                    "found": self.scrub.text(m.found),
                    "times": m.times,
                }
                for m in run.findings.mismatches.values()
            ],
            "incomplete": sorted(run.findings.budget_skipped),
            "drift": sorted(run.drift),
            "coverage": run.coverage,
        }

    def lines(self) -> list[str]:
        """The human summary."""
        run = self.run
        seed = (
            "derandomized (profile ci)"
            if run.seed is None
            else f"{run.seed} (rerun with --seed {run.seed})"
        )
        total = self.passed + self.skipped + self.mismatched + len(self.failed)
        out = [
            f"target:   {run.target.described}",
            f"profile:  {run.profile}; seed: {seed}",
            f"checks:   {total} run, {len(self.failed)} failed, {self.mismatched} with assumption"
            f" mismatches only, {self.skipped} skipped",
            f"requests: {len(run.sent)} sent",
        ]
        if run.findings.budget_skipped:
            out.append(
                f"INCOMPLETE (not a clean pass): {len(run.findings.budget_skipped)} checks"
                " skipped, the"
                f" request budget of {run.target.budget} was spent before they ran"
            )
        out.append(
            "coverage: each promise, where it was checked, or why the data could not show it"
        )
        for promise, words in PROMISES.items():
            edges = run.coverage.get(promise, {})
            checked = [edge for edge, why in edges.items() if not why]
            if checked:
                out.append(f"  {promise}: checked at {'; '.join(checked[:12])} ({words})")
            elif not edges:
                out.append(f"  {promise}: UNCHECKED, not reached")
            out.extend(
                f"  {promise}: UNCHECKED at {edge}: {why}" for edge, why in edges.items() if why
            )
        for failed in self.failed:
            out += [f"FAILED {failed.check}", f"  {failed.message}"]
            out += [f"  reproduce: {failed.curl}"] if failed.curl else []
        if run.findings.mismatches:
            level = "FAILURE (strict)" if run.strict_assumptions else "not a contract violation"
            out.append(
                f"assumption mismatches ({level}): the server reads what the docs leave open"
                " otherwise"
            )
        for m in run.findings.mismatches.values():
            out += [
                f"MISMATCH {m.location}",
                f"  found:   {self.scrub.text(m.found)}",
                f"  assumed: {m.provenance.reason}",
                f"  check:   {m.check}" + (f" (and {m.times - 1} more)" if m.times > 1 else ""),
            ]
            out += [f"  reproduce: {m.curl}"] if m.curl else []
        if run.drift:
            out.append(
                f"drift ({'FAILURE (strict)' if run.strict_drift else 'warning'}):"
                " the spec does not document"
            )
            out += [
                f"  - {self.scrub.text(item)} (first seen: {self.scrub.text(where)})"
                for item, where in sorted(run.drift.items())
            ]
        return out

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("contract summary")
        for line in self.lines():
            terminalreporter.write_line(line)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        run = self.run
        if session.exitstatus == 0 and (
            (run.strict_assumptions and run.findings.mismatches) or (run.strict_drift and run.drift)
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        directory = reports_dir()
        directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.verdict(), indent=2, ensure_ascii=False, default=str)
        (directory / "contract-summary.json").write_text(self.scrub.text(text), encoding="utf-8")
        path = os.environ.get("GITHUB_STEP_SUMMARY")
        if path:
            verdict = "passed" if not self.failed else f"{len(self.failed)} failed"
            body = "\n".join(self.lines())
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(
                    self.scrub.text(f"## Kapso contract suite: {verdict}\n\n```text\n{body}\n```\n")
                )


def _line(failure: BaseException) -> str:
    """``title: first line`` of a schemathesis failure, else the first line of the error."""
    message = first_line(getattr(failure, "message", "") or str(failure))
    return f"{failure.title}: {message}" if hasattr(failure, "title") else message


def _parts(error: BaseException) -> list[BaseException]:
    parts = getattr(error, "exceptions", None)
    return list(parts) if isinstance(parts, list | tuple) and parts else [error]
