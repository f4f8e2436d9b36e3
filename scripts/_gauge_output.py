"""Read what one run of the contract suite says: verdict, first failed check, requests."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

_REQUESTS = re.compile(r"^requests:\s+(\d+) sent", re.MULTILINE)
_SUMMARY_FAILED = re.compile(r"^FAILED (\S+)\n  (.+)$", re.MULTILINE)
_CUSTOM_CHECK = re.compile(r"Custom check failed: `([a-z_]+)`")
_BUILTIN_CHECK = re.compile(r"^\s*\| - ST\d+ (.+)$", re.MULTILINE)
_BUDGET_SKIPS = re.compile(r"^SKIPPED \[(\d+)\] .*request budget of \d+ spent", re.MULTILINE)
_BUDGET_WORDS = ("request budget", "BudgetExhausted")


def summary_failure(output: str) -> tuple[str, str] | None:
    """The first failure in the suite's own summary: ``FAILED <node id>`` then its message."""
    found = _SUMMARY_FAILED.search(output)
    if found is None:
        return None
    return found.group(1).split("/")[-1].removesuffix(".py"), found.group(2).strip()[:200]


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


def verdict_of(code: int | None, check: str, message: str, *, clean: bool) -> str:
    """Classify a run from pytest's exit code and its first failure (a spent budget is no kill)."""
    if code is None:
        return "timeout"
    if code == 0:
        return "passed" if clean else "survived"
    if code == 1 and check:
        if any(word in message for word in _BUDGET_WORDS):
            return "FAILED" if clean else "survived"
        return "FAILED" if clean else "killed"
    return "error"


def budget_note(output: str) -> str:
    """``budget spent: N skipped`` when the suite skipped checks for lack of requests."""
    skipped = sum(int(n) for n in _BUDGET_SKIPS.findall(output))
    return f"budget spent: {skipped} checks skipped" if skipped else ""


def sent(output: str) -> int | None:
    """The requests the suite says it sent (its summary line), or None."""
    found = _REQUESTS.findall(output)
    return int(found[-1]) if found else None
