"""What a server must answer to a query: served, or refused with which status and body.

`verdict_for` reads a query with `assess` (plus: a cursor the server did not
issue is refused, when the contract says so). `expect_refusal` checks the
answer to a refused query in three steps, each traced to its own provenance:
refused at all (the rule that refuses it), with the refusal's status, with
its documented body (the refusal's or the legacy limit's answer).
`judge_schema_failure` sorts schemathesis' built-in failures the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from kapso_contacts.contract import (
    Assessment,
    Contract,
    Provenance,
    Refused,
    assess,
    error_body_schema,
)

from ._findings import AssumptionMismatch, promise
from ._spec import success_status

# Whether the server issued a cursor: (parameter, value) -> bool.
Issued = Callable[[str, str], bool]

# Schemathesis' checks that judge a status against "valid or not" without the contract.
_STATUS_CHECKS = frozenset(
    {"positive_data_acceptance", "negative_data_rejection", "status_code_conformance"}
)


def verdict_for(
    contract: Contract, pairs: Iterable[tuple[str, str]], issued: Issued | None = None
) -> Assessment:
    """`assess` of the query, plus a refusal for each cursor `issued` does not know."""
    verdict = assess(contract, list(pairs))
    cursor = contract.pagination.cursor
    if issued is None or not cursor.unissued_refused:
        return verdict
    unissued = [
        Refused(name, f"{name} is not a cursor this server issued", cursor.unissued)
        for name in (cursor.after.name, cursor.before.name)
        if isinstance(verdict.values.get(name), str) and not issued(name, verdict.values[name])
    ]
    if not unissued:
        return verdict
    return Assessment(verdict.values, (*verdict.refusals, *unissued), verdict.mode, verdict.ignored)


def snippet(body: Any) -> str:
    """A body, cut to a readable length."""
    text = json.dumps(body, ensure_ascii=False) if body is not None else "(no JSON body)"
    return text if len(text) <= 120 else text[:120] + "..."


def answer_of(contract: Contract, refusal: Refused) -> tuple[int, str, Provenance]:
    """(status, body schema, provenance) of the answer to a refusal."""
    if refusal.answer == "legacy-limit":
        legacy = contract.pagination.legacy
        return legacy.limit_error_status, legacy.limit_error_body, legacy.limit_error
    return contract.refusal.status, contract.refusal.body, contract.refusal.provenance


def expect_refusal(
    contract: Contract, verdict: Assessment, status: int, body: Any, what: str, url: str
) -> None:
    """A refused query gets the refusal the contract names (see the module docstring).

    Raises:
        AssertionError: a documented part does not hold (never a 5xx, in any case).
        AssumptionMismatch: only an assumed part does not hold.
    """
    first = verdict.first
    if first is None:
        return
    reason = (verdict.documented_refusals or verdict.refusals)[0]
    want_status, want_body, answer = answer_of(contract, first)
    got = f"got {status} {snippet(body)} for GET {url}"
    if status >= 500:
        raise AssertionError(f"{what}: expected {want_status}, {got} (never a server error)")
    promise(
        400 <= status < 500,
        reason.provenance,
        f"{what}: expected {want_status}, {got} ({reason.message})",
    )
    promise(status == want_status, answer, f"{what}: refused with {want_status}; {got}")
    found = error_body_schema(contract, status, body)
    promise(found == want_body, answer, f"{what}: the {want_status} body is {want_body}; {got}")


def expect_served(
    contract: Contract, status: int, body: Any, what: str, url: str, provenance: Provenance
) -> None:
    """A query the contract accepts is served."""
    want = success_status(contract)
    promise(
        status == want,
        provenance,
        f"{what}: expected {want}, got {status} {snippet(body)} for GET {url}",
    )


def expect_verdict(
    contract: Contract,
    verdict: Assessment,
    status: int,
    body: Any,
    what: str,
    url: str,
    served: Provenance,
) -> None:
    """Refused as `expect_refusal` says, or served (`served`: why it must be)."""
    if verdict.refused:
        expect_refusal(contract, verdict, status, body, what, url)
    else:
        expect_served(contract, status, body, what, url, served)


def judge_schema_failure(
    contract: Contract,
    verdict: Assessment,
    status: int,
    body: Any,
    url: str,
    failure: AssertionError,
) -> AssertionError | None:
    """What a failure of schemathesis' own checks means under the contract.

    Its status checks know only "schema-valid or not". Under the contract:
    the answer the contract asks for is no failure (None); an answer that
    differs only from assumed rules is an `AssumptionMismatch`; anything else
    is the failure itself.
    """
    checks = set(getattr(failure, "checks", ()))
    if not checks & _STATUS_CHECKS:
        return failure
    if not verdict.refused:
        # Schema-invalid but read fine by the contract (a repeated value, say): served is right.
        if "negative_data_rejection" in checks and status == success_status(contract):
            return None
        return failure
    try:
        expect_refusal(contract, verdict, status, body, "the refused case", url)
    except AssumptionMismatch as mismatch:
        return mismatch
    except AssertionError:
        return failure
    return None
