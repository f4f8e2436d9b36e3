"""Read one run of the contract suite: its first failure and its class, requests, coverage."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

_REQUESTS = re.compile(r"^requests:\s+(\d+) sent", re.MULTILINE)
_SUMMARY_FAILED = re.compile(r"^FAILED (.+)\n  (.+)$", re.MULTILINE)
_MISMATCH = re.compile(r"^MISMATCH (.+)$", re.MULTILINE)
# `  ties: UNCHECKED: why` or `  date-bounds: UNCHECKED at ...: why` (the data could not show it).
_UNCHECKED = re.compile(r"^  ([a-z-]+): UNCHECKED(?: at .+?)?: ", re.MULTILINE)
_CUSTOM_CHECK = re.compile(r"Custom check failed: `([a-z_]+)`")
_BUILTIN_CHECK = re.compile(r"^\s*\| - ST\d+ (.+)$", re.MULTILINE)
_BUDGET_SKIPS = re.compile(r"^SKIPPED \[(\d+)\] .*request budget of \d+ spent", re.MULTILINE)
_BUDGET_WORDS = ("request budget", "BudgetExhausted")
# How the summary words a check that failed only for an assumption mismatch (strict runs).
MISMATCH_FAILURE = "assumption mismatch: "


@dataclass(frozen=True)
class Finding:
    """The first failure of a run, and whether it was an assumption mismatch."""

    check: str
    message: str
    assumed: bool


def first_finding(output: str, junit: Path) -> Finding | None:
    """The first failed check (the suite's summary, else JUnit), with its class."""
    found = _SUMMARY_FAILED.search(output)
    if found is not None:
        node, message = found.group(1), found.group(2).strip()
    else:
        node, message = first_failure(junit)
        if not node:
            return None
    mismatched = {_short(n) for n in _MISMATCH.findall(output)}
    check = with_check_name(_short(node), output)
    # Under strict assumptions a mismatch fails its check with the mismatch's own line.
    assumed = _short(node) in mismatched and message.startswith(MISMATCH_FAILURE)
    return Finding(check, message[:200], assumed)


def _short(node: str) -> str:
    return node.split("/")[-1]


def unchecked(output: str) -> set[str]:
    """The promises the summary says the data could not exercise."""
    return set(_UNCHECKED.findall(output))


def with_check_name(check: str, output: str) -> str:
    """For a schemathesis test, name the check that failed inside it."""
    found = _CUSTOM_CHECK.search(output) or _BUILTIN_CHECK.search(output)
    return f"{check} [{found.group(1).strip()}]" if check and found else check


def first_failure(junit: Path) -> tuple[str, str]:
    """The first failed test case of the JUnit report and the first line of its message."""
    try:
        tree = ET.parse(junit)  # noqa: S314 (our own pytest's report)
    except (OSError, ET.ParseError):
        return "", ""
    for case in tree.iter("testcase"):
        for tag in ("failure", "error"):
            found = case.find(tag)
            if found is not None:
                module = case.get("classname", "").rsplit(".", 1)[-1]
                name = f"{module}.py::{case.get('name', '')}"
                text = (found.get("message") or found.text or "").strip()
                return name, one_line(text)
    return "", ""


def one_line(text: str) -> str:
    """The first meaningful line of a failure message, at most 200 characters."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("+", "|", "Traceback", "E ")):
            return line[:200]
    return text[:200]


def verdict_of(
    code: int | None,
    finding: Finding | None,
    *,
    breaks: str | None,
    needs: tuple[str, ...],
    output: str,
) -> str:
    """Classify a run (`breaks` None: the clean server).

    `killed`: the first failure is of the mutant's class (a violation for a
    documented mutant, a mismatch for an assumed one); `wrong class`: it is
    not; `unexercised`: it passed, and the summary names a promise the mutant
    needs as unchecked on this data; `survived`: it passed otherwise, or only
    the budget stopped it; `error`, `timeout`.
    """
    if code is None:
        return "timeout"
    if breaks is None:
        return "passed" if code == 0 else "FAILED"
    if code == 0:
        return "unexercised" if set(needs) & unchecked(output) else "survived"
    if code != 1 or finding is None:
        return "error"
    if any(word in finding.message for word in _BUDGET_WORDS):
        return "survived"
    found = "assumed" if finding.assumed else "documented"
    return "killed" if found == breaks else "wrong class"


def budget_note(output: str) -> str:
    """``budget spent: N skipped`` when the suite skipped checks for lack of requests."""
    skipped = sum(int(n) for n in _BUDGET_SKIPS.findall(output))
    return f"budget spent: {skipped} checks skipped" if skipped else ""


def sent(output: str) -> int | None:
    """The requests the suite says it sent (its summary line), or None."""
    found = _REQUESTS.findall(output)
    return int(found[-1]) if found else None
