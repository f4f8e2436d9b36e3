"""Sharing the request budget between the checks, and never letting it hide a failure.

Against a server the suite has a request budget (`KAPSO_CONTRACT_MAX_REQUESTS`).
Three rules keep a small budget honest:

- Cheap, high-yield checks run first (a request or two each: envelopes,
  ranges, auth, rules, query readings), then the deterministic recipes (each
  filter's meaning, paging both ways at every edge, every spelling of a date
  bound), then the sweeps (one-request probes of one kind over every case:
  wrong types, awkward strings in every filter, integer spellings, values
  far past a bound; breadth first, the first case of each before the second
  of any), then the Hypothesis properties, then the schema layer
  (`COST_CLASSES`, applied by conftest).
- Each property and the schema layer gets a share of what is left when it
  starts (`share`): once its share is spent it draws no new example, but its
  first example always runs, so every property is checked at least once.
- A failure seen before the budget ran out is a failure: when a test that
  already failed one example is then stopped by the budget (say, while
  Hypothesis replays the failing example), it is reported failed with the
  first failure's message, not skipped. An assumption mismatch is not such a
  failure: it is recorded and the property goes on drawing examples.

A check stopped by the budget is skipped with `BudgetSpent`, a skip of its
own type, so the run tells it from any other skip without reading messages.
"""

from __future__ import annotations

import functools
import unittest
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

# pytest's skip exception (`pytest.skip.Exception`), by a name type checkers can subclass.
from _pytest.outcomes import Skipped
from hypothesis.errors import HypothesisException

from ._findings import AssumptionMismatch, mismatches_of
from ._transport import RequestLog

# Cost classes, in the order the checks run: what a small budget reaches first.
PROBE, RECIPE, SWEEP, PROPERTY, SCHEMA = "probe", "recipe", "sweep", "property", "schema"
COST_CLASSES = (PROBE, RECIPE, SWEEP, PROPERTY, SCHEMA)
# How many property shares the schema layer is worth (it has many cases, one request each).
SHARE_WEIGHT = {PROPERTY: 1, SCHEMA: 2}


class BudgetSpent(Skipped):
    """A check skipped because the run's request budget is spent (a pytest skip)."""


class ShareSpent(unittest.SkipTest):
    """The test has checked what its share of the budget pays for: stop drawing, pass.

    A skip exception, so that Hypothesis lets it through at once (rejecting the
    example instead would make the data generation look flaky); conftest turns
    it back into a pass, since every example drawn so far passed.
    """


F = TypeVar("F", bound=Callable[..., Any])


def cost(kind: str, rank: int = 0) -> Callable[[F], F]:
    """Put a test in a cost class other than the one conftest would infer.

    `rank` orders tests within the class (lower first; collection order after that).
    """
    if kind not in COST_CLASSES:
        raise ValueError(f"cost class must be one of {COST_CLASSES}, got {kind!r}")

    def mark(test: F) -> F:
        test.contract_cost = kind  # type: ignore[attr-defined]
        test.contract_rank = rank  # type: ignore[attr-defined]
        return test

    return mark


@dataclass
class Spend:
    """What one test may spend and what it has seen."""

    nodeid: str
    start: int
    share: int | None
    examples: int = 0
    withheld: int = 0
    stopped: bool = False
    sent: int = 0
    failure: str | None = None
    failure_curl: str | None = None


@dataclass
class Ledger:
    """The run's requests, by test; shares for the budgeted tests still to run."""

    log: RequestLog
    budget: int | None
    pending: dict[str, int] = field(default_factory=dict)
    current: Spend | None = None
    finished: list[Spend] = field(default_factory=list)

    def plan(self, weights: dict[str, int]) -> None:
        """The budgeted tests of the run, in order, with their share weights."""
        self.pending = dict(weights)

    def start(self, nodeid: str) -> Spend:
        """Open a test; a budgeted one gets its share of what is left."""
        weight = self.pending.pop(nodeid, 0)
        share: int | None = None
        if self.budget is not None and weight:
            left = max(0, self.budget - self.log.count)
            share = left * weight // (weight + sum(self.pending.values()))
        self.current = Spend(nodeid, self.log.count, share)
        return self.current

    def finish(self) -> None:
        """Close the current test."""
        if self.current is not None:
            self.current.sent = self.spent()
            self.finished.append(self.current)
        self.current = None

    def spent(self) -> int:
        """Requests the current test has sent."""
        return self.log.count - self.current.start if self.current is not None else 0

    def share_spent(self) -> bool:
        """Whether another example (of the average cost so far) would overrun the share.

        Only after at least one whole example, and never once the test has
        failed: Hypothesis must be free to replay the failure.
        """
        spend = self.current
        if spend is None or spend.share is None or spend.failure is not None:
            return False
        if spend.examples < 1:
            return False
        spent = self.spent()
        return spent + spent / spend.examples > spend.share

    def example_done(self) -> None:
        """One more example (or schema case) of the current test was checked."""
        if self.current is not None:
            self.current.examples += 1

    def stop(self) -> None:
        """The current test stops drawing examples: its share is spent."""
        if self.current is not None:
            self.current.stopped = True

    def current_share(self) -> int | None:
        """The current test's share of the budget."""
        return self.current.share if self.current is not None else None

    def withhold(self) -> None:
        """The current test drew an example its share does not pay for."""
        if self.current is not None:
            self.current.withheld += 1

    def saw_failure(self, message: str) -> None:
        """Remember the current test's first failure (and the request that showed it)."""
        spend = self.current
        if spend is not None and spend.failure is None:
            spend.failure = message
            sent = self.log.since(spend.start)
            spend.failure_curl = sent[-1].curl() if sent else None

    def trimmed(self) -> list[Spend]:
        """Tests that checked fewer examples than asked because their share ran out."""
        return [spend for spend in self.finished if spend.withheld or spend.stopped]


MismatchSink = Callable[[list[AssumptionMismatch]], None]


def budgeted(
    test: Callable[..., Any], ledger: Ledger, mismatched: MismatchSink
) -> Callable[..., Any]:
    """Wrap a Hypothesis inner test: stop once the share is spent (`ShareSpent`); note failures.

    An example that ends in assumption mismatches only is handed to `mismatched`
    and counts as checked, so that Hypothesis goes on looking for violations.
    """

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = test(*args, **kwargs)
        except HypothesisException:
            raise
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup is a Base one
            found = mismatches_of(exc)
            if found is None:
                ledger.saw_failure(failure_text(exc))
                raise
            mismatched(found)
            result = None
        ledger.example_done()
        if ledger.share_spent():
            # Stop after a whole example (all its draws made), never before one.
            ledger.stop()
            raise ShareSpent(f"share of {ledger.current_share()} requests spent")
        return result

    return run


def failure_text(exc: BaseException) -> str:
    """The first line of a failure, as the summary shows it."""
    parts = getattr(exc, "exceptions", None)
    if isinstance(parts, (list, tuple)) and parts:
        titled = [
            f"{getattr(part, 'title', '')}: {failure_text(part)}".lstrip(": ") for part in parts
        ]
        return "; ".join(titled)
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message.strip():
        text = message
    elif isinstance(exc, AssertionError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
