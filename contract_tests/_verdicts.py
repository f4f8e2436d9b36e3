"""Findings, and what a server must answer to a query.

Every check raises through `promise(holds, provenance, message)`: a documented
provenance makes a violation (an `AssertionError`, the run fails), an assumed
one an `AssumptionMismatch` naming the spec location (reported once per
location; the run fails only when strict).

When an answer differs from what the effective contract predicts, the suite
asks whether another reading of an assumption explains it (`explained`): for
each of the contract's alternatives, does the same check pass under it? If
one does, the difference is a mismatch at that fact; if none does, the check's
own finding stands. What a server must answer to a query (`answer`) is such a
check over `assess`: served, or refused with the refusal's status and body.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kapso_contacts.contract import (
    Assessment,
    Contract,
    Fact,
    Provenance,
    Readable,
    assess,
    matches_schema,
)

MAX_LINE = 300


class AssumptionMismatch(AssertionError):
    """The server reads a fact the spec only assumes differently (not a contract violation)."""

    def __init__(self, found: str, where: Provenance | Fact[Any]) -> None:
        provenance = where.provenance if isinstance(where, Fact) else where
        super().__init__(f"{found} [assumed at {provenance.location}: {provenance.reason}]")
        self.found, self.provenance = found, provenance


def broken(provenance: Provenance, message: str) -> AssertionError:
    """A violation of a documented promise, or a mismatch with an assumed one."""
    if provenance.documented:
        return AssertionError(f"{message} [documented at {provenance.location}]")
    return AssumptionMismatch(message, provenance)


def promise(holds: object, provenance: Provenance, message: str) -> None:
    """Raise `broken(provenance, message)` unless ``holds``."""
    if not holds:
        raise broken(provenance, message)


def leaves(exc: BaseException) -> Iterator[BaseException]:
    """The exceptions ``exc`` is made of (groups opened, schemathesis' custom failures too)."""
    parts = getattr(exc, "exceptions", None)
    if isinstance(parts, list | tuple) and parts:
        for part in parts:
            yield from leaves(part)
        return
    inner = getattr(exc, "exception", None)
    yield inner if isinstance(inner, BaseException) else exc


def mismatches_of(exc: BaseException) -> list[AssumptionMismatch] | None:
    """The mismatches ``exc`` is made of, or None if any part of it is something else."""
    found = list(leaves(exc))
    if found and all(isinstance(leaf, AssumptionMismatch) for leaf in found):
        return [leaf for leaf in found if isinstance(leaf, AssumptionMismatch)]
    return None


def first_line(text: str) -> str:
    """The first meaningful line of a message, shortened."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("+ ", "| ", "Traceback", "E ")):
            return line if len(line) <= MAX_LINE else line[:MAX_LINE] + "..."
    return "(no message)"


def snippet(body: Any) -> str:
    """A body, cut to a readable length."""
    text = json.dumps(body, ensure_ascii=False) if body is not None else "(no JSON body)"
    return text if len(text) <= 120 else text[:120] + "..."


@dataclass
class Mismatch:
    """An assumption mismatch as the run reports it: once per spec location."""

    check: str
    found: str
    provenance: Provenance
    curl: str | None = None
    times: int = 1

    @property
    def location(self) -> str:
        """The place in the spec to edit."""
        return self.provenance.location


@dataclass
class Findings:
    """What a run found besides plain failures."""

    mismatches: dict[str, Mismatch] = field(default_factory=dict)
    budget_skipped: set[str] = field(default_factory=set)

    def mismatch(self, check: str, found: AssumptionMismatch, curl: str | None = None) -> None:
        """Record a mismatch (a location already reported only counts once more)."""
        known = self.mismatches.get(found.provenance.location)
        if known is not None:
            known.times += 1
            return
        self.mismatches[found.provenance.location] = Mismatch(
            check, first_line(found.found), found.provenance, curl
        )


@lru_cache(maxsize=16)
def alternatives(contract: Contract) -> tuple[tuple[Fact[Any], Any, Contract], ...]:
    """Each other reading of each assumed fact, read once per contract."""
    return tuple(contract.alternatives())


def explained(
    contract: Contract, check: Callable[[Contract], object], known: Collection[str] = ()
) -> None:
    """Run ``check`` under the contract; a failure another reading explains is a mismatch there.

    Where several readings explain it, one already found (``known``: spec locations) is named.

    Raises:
        AssumptionMismatch: an alternative reading passes the check (or the check's own).
        AssertionError: the check's violation, when no reading explains it.
    """
    try:
        check(contract)
    except AssertionError as failure:
        explaining = []
        for fact, value, other in alternatives(contract):
            try:
                check(other)
            except Exception:
                continue
            explaining.append((fact, value))
        if not explaining:
            raise
        fact, value = next(
            (e for e in explaining if e[0].provenance.location in known), explaining[0]
        )
        reading = f"{contract.relative(fact.pointer)} = {json.dumps(value)}"
        raise AssumptionMismatch(
            f"{first_line(str(failure))} (as the reading {reading} has it)", fact
        ) from None


def served_by(contract: Contract, values: Mapping[str, Any], why: Provenance) -> Provenance:
    """Why a query of typed ``values`` is served: at an assumed bound of an integer parameter
    (``per_page=1``), that bound, so that its refusal is a mismatch there; else ``why``."""
    for name, value in values.items():
        parameter = contract.parameters.get(name)
        if parameter is None or not isinstance(value, int):
            continue
        for bound in ("minimum", "maximum"):
            provenance = parameter.source_of(bound)
            if value == getattr(parameter, bound) and not provenance.documented:
                return provenance
    return why


def served_verdict(
    contract: Contract, pairs: Iterable[tuple[str, str]], readable: Readable | None
) -> Assessment:
    """The verdict on a query the server served (a reading refusing it explains nothing)."""
    verdict = assess(contract, pairs, readable=readable)
    if verdict.refused:
        raise AssertionError(f"this reading refuses the query: {verdict.refusals[0].message}")
    return verdict


def expect_answer(
    contract: Contract,
    verdict: Assessment,
    status: int,
    body: Any,
    served: Provenance,
    what: str,
    body_too: bool = True,
) -> None:
    """The answer a contract asks for a query: served, or one of its refusals (status and body)."""
    got = f"got {status} {snippet(body)}"
    if not verdict.refused:
        promise(status == contract.success_status, served, f"{what} is served; {got}")
        return
    reason = (verdict.documented_refusals or verdict.refusals)[0]
    promise(
        status != contract.success_status, reason.provenance, f"{what}: {reason.message}; {got}"
    )
    fits = [r for r in verdict.refusals if r.status == status]
    promise(fits, reason.answer, f"{what} is refused with {reason.status}; {got}")
    promise(
        not body_too or any(matches_schema(contract, r.body, body) for r in fits),
        fits[0].answer if fits else reason.answer,
        f"{what}: the {status} body is {' or '.join(sorted({r.body for r in fits}))}; {got}",
    )


def answer(
    contract: Contract,
    pairs: Iterable[tuple[str, str]],
    status: int,
    body: Any,
    *,
    readable: Readable | None,
    served: Provenance,
    what: str,
    known: Collection[str] = (),
    body_too: bool = True,
) -> Assessment:
    """Hold an answer to what the contract says of its query (see the module docstring).

    A server error is never an answer. A served query answered otherwise rests on
    an assumed fact when another reading of that fact would refuse it: then it is
    a mismatch there, not a violation of ``served``.

    Returns:
        The contract's verdict on the query.
    """
    pairs = list(pairs)
    verdict = assess(contract, pairs, readable=readable)
    if status >= 500:  # whatever the query: the operation documents no server error
        where = f"{contract.file}#{contract.operation_pointer}/responses"
        raise AssertionError(
            f"{what}: a server error is never an answer; got {status} [documented at {where}]"
        )

    def check(reading: Contract) -> None:
        verdict = assess(reading, pairs, readable=readable)
        expect_answer(reading, verdict, status, body, served, what, body_too)

    try:
        explained(contract, check, known)
    except AssumptionMismatch:
        raise
    except AssertionError as failure:
        if verdict.refused or status == contract.success_status:
            raise
        for fact, _, other in alternatives(contract):
            if (
                fact.provenance in verdict.assumed
                and assess(other, pairs, readable=readable).refused
            ):
                raise AssumptionMismatch(first_line(str(failure)), fact) from None
        raise
    return verdict
