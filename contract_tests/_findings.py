"""Two classes of finding: a broken documented promise, and an assumption read differently.

Every rule in the spec is documented (Kapso's words back it) or assumed (the
spec chose where the docs are silent). A check that finds a server breaking a
rule calls `broken(provenance, message)`: for a documented rule that is an
`AssertionError` (a contract violation, the run fails); for an assumed one an
`AssumptionMismatch` (listed with what was assumed and the spec location to
edit; it fails the run only with ``KAPSO_CONTRACT_STRICT_ASSUMPTIONS=1``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from kapso_contacts.contract import Provenance

T = TypeVar("T")


class AssumptionMismatch(AssertionError):
    """The server reads a rule the spec only assumes differently (not a contract violation)."""

    def __init__(self, message: str, provenance: Provenance) -> None:
        super().__init__(f"{message} [assumed at {provenance.location}: {provenance.reason}]")
        self.found = message
        self.provenance = provenance


def broken(provenance: Provenance, message: str) -> AssertionError:
    """The exception for a broken rule: a violation if documented, a mismatch if assumed."""
    if provenance.documented:
        return AssertionError(f"{message} [documented at {provenance.location}]")
    return AssumptionMismatch(message, provenance)


def promise(holds: bool, provenance: Provenance, message: str) -> None:
    """Raise `broken(provenance, message)` unless `holds`.

    Raises:
        AssumptionMismatch: the rule is assumed and does not hold.
        AssertionError: the rule is documented and does not hold.
    """
    if not holds:
        raise broken(provenance, message)


def check_each(items: Iterable[T], check: Callable[[T], None]) -> None:
    """Run `check` on every item: a violation stops at once, mismatches are all gathered.

    Raises:
        AssertionError: the first violation.
        ExceptionGroup: every `AssumptionMismatch`, when no violation was found.
    """
    found: list[AssumptionMismatch] = []
    for item in items:
        try:
            check(item)
        except AssumptionMismatch as mismatch:
            found.append(mismatch)
    if found:
        raise ExceptionGroup("assumption mismatches", found)


def mismatches_of(exc: BaseException) -> list[AssumptionMismatch] | None:
    """The mismatches `exc` is made of, or None if any part of it is a real failure.

    Looks into exception groups (Hypothesis, schemathesis' `FailureGroup`) and
    into schemathesis' custom-check failures, which keep the check's exception.
    """
    found: list[AssumptionMismatch] = []
    for leaf in _leaves(exc):
        if not isinstance(leaf, AssumptionMismatch):
            return None
        found.append(leaf)
    return found or None


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    parts = getattr(exc, "exceptions", None)
    if isinstance(parts, (list, tuple)) and parts:
        for part in parts:
            yield from _leaves(part)
        return
    inner = getattr(exc, "exception", None)  # schemathesis' CustomFailure
    yield inner if isinstance(inner, BaseException) else exc


@dataclass(frozen=True)
class Mismatch:
    """An assumption mismatch as the run reports it."""

    nodeid: str
    found: str
    provenance: Provenance
    curl: str | None

    @property
    def assumed(self) -> str:
        """What the spec assumed."""
        return self.provenance.reason or ""

    @property
    def location(self) -> str:
        """The place in the spec to edit."""
        return self.provenance.location

    def line(self) -> str:
        """One line: what came back, what was assumed, where to edit it."""
        return f"{self.found}; assumed: {self.assumed}; edit {self.location}"
