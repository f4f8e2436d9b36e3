"""Masking the API key in everything the run writes, without corrupting any of it."""

from __future__ import annotations

import re

import pytest

from ._env import MASK


class Scrubber:
    """Masks the API key where it stands as a token of its own, never inside other words.

    A key of one letter (`KAPSO_API_KEY=k`) must not turn every `k` of a report
    into `***`; and a report keeps its type (a skip's location tuple stays a tuple).
    """

    def __init__(self, key: str) -> None:
        edge = r"[A-Za-z0-9_\-]"
        self._pattern = re.compile(rf"(?<!{edge}){re.escape(key)}(?!{edge})") if key else None

    def text(self, text: str) -> str:
        """`text` with the key masked."""
        return self._pattern.sub(MASK, text) if self._pattern is not None else text

    def shows_key(self, text: str) -> bool:
        """Whether `text` shows the key."""
        return self._pattern is not None and self._pattern.search(text) is not None

    def report(self, report: pytest.TestReport) -> None:
        """Mask the key in a report in place, keeping the shape pytest expects."""
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            path, line, reason = longrepr
            report.longrepr = (path, line, self.text(str(reason)))
        elif isinstance(longrepr, str):
            report.longrepr = self.text(longrepr)
        elif longrepr is not None and report.failed and self.shows_key(str(longrepr)):
            report.longrepr = self.text(str(longrepr))
        if isinstance(getattr(report, "wasxfail", None), str):
            report.wasxfail = self.text(report.wasxfail)
        report.sections = [(title, self.text(body)) for title, body in report.sections]
