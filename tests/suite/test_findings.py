"""The two classes of finding: how checks, properties and schemathesis' failures are sorted."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests._budget import Ledger, budgeted
from contract_tests._findings import AssumptionMismatch, check_each, mismatches_of, promise
from contract_tests._refusals import judge_schema_failure
from contract_tests._transport import RequestLog
from kapso_contacts.contract import Provenance, assess, default_contract

from ._checks import run_checks
from ._servers import ASSUMPTIONS_READ_OTHERWISE

CONTRACT = default_contract()
DOCUMENTED = CONTRACT.pagination.cursor.limit.source_of("minimum")
ASSUMED = CONTRACT.pagination.legacy.page.source_of("minimum")


def test_a_broken_documented_rule_is_a_violation_and_an_assumed_one_a_mismatch() -> None:
    assert DOCUMENTED.documented and not ASSUMED.documented
    with pytest.raises(AssertionError) as violation:
        promise(False, DOCUMENTED, "limit=0 is refused")
    assert not isinstance(violation.value, AssumptionMismatch)
    assert DOCUMENTED.location in str(violation.value)
    with pytest.raises(AssumptionMismatch) as mismatch:
        promise(False, ASSUMED, "page=0 is refused")
    assert mismatch.value.provenance == ASSUMED
    assert ASSUMED.location in str(mismatch.value) and ASSUMED.reason
    promise(True, ASSUMED, "holds")  # no finding when the rule holds


def test_mismatches_are_gathered_but_a_violation_stops_at_once() -> None:
    def check(provenance: Provenance) -> None:
        promise(False, provenance, "broken")

    with pytest.raises(ExceptionGroup) as group:
        check_each([ASSUMED, ASSUMED], check)
    assert mismatches_of(group.value) is not None and len(group.value.exceptions) == 2
    with pytest.raises(AssertionError) as first:
        check_each([ASSUMED, DOCUMENTED, ASSUMED], check)
    assert mismatches_of(first.value) is None


def _ledger() -> Ledger:
    ledger = Ledger(RequestLog(CONTRACT.api_key_header), budget=None)
    ledger.start("property")
    return ledger


def test_a_mismatch_inside_a_property_is_recorded_and_the_property_goes_on() -> None:
    ledger, recorded = _ledger(), list[AssumptionMismatch]()

    def example() -> None:
        promise(False, ASSUMED, "page=0 served")

    budgeted(example, ledger, recorded.extend)()
    assert [m.provenance for m in recorded] == [ASSUMED]
    # Not a failure that stands: the budget will not turn a later skip into this failure.
    assert ledger.current is not None and ledger.current.failure is None
    assert ledger.current.examples == 1


def test_a_violation_inside_a_property_fails_it_and_is_kept() -> None:
    ledger, recorded = _ledger(), list[AssumptionMismatch]()

    def example() -> None:
        promise(False, DOCUMENTED, "limit=0 served")

    with pytest.raises(AssertionError):
        budgeted(example, ledger, recorded.extend)()
    assert recorded == []
    assert ledger.current is not None and "limit=0 served" in (ledger.current.failure or "")


class _StatusFailure(AssertionError):
    """Stands for a schemathesis failure of one of its status checks."""

    def __init__(self, check: str) -> None:
        super().__init__(check)
        self.checks = (check,)


ERROR = {"error": "refused", "parameter": "x"}
PAGE = {"data": [], "meta": {"page": 1, "per_page": 20, "total_pages": 0, "total_count": 0}}
LEGACY_LIMIT = {
    "message": CONTRACT.pagination.legacy.limit_error_code,
    "detail": "too far",
    "requested_page": 51,
    "requested_per_page": 20,
    "requested_window": 1020,
    "max_page": 50,
    "max_window": 5000,
    "cursor_example": "/x",
}
# (check, query, status, body, expected: "forgiven" | "mismatch" | "violation")
CASES = [
    ("negative_data_rejection", {"page": "0"}, 200, PAGE, "mismatch"),
    ("negative_data_rejection", {"limit": "0"}, 200, PAGE, "violation"),
    ("negative_data_rejection", {"limit": "0"}, 422, ERROR, "mismatch"),
    ("negative_data_rejection", {"page": "51"}, 422, ERROR, "violation"),
    ("status_code_conformance", {"has_customer": "maybe"}, 422, ERROR, "mismatch"),
    ("positive_data_acceptance", {"page": "1", "limit": "5"}, 400, ERROR, "forgiven"),
    ("positive_data_acceptance", {"page": "51"}, 400, LEGACY_LIMIT, "forgiven"),
    ("positive_data_acceptance", {"limit": "5"}, 400, ERROR, "violation"),
    ("negative_data_rejection", [("limit", "x"), ("limit", "5")], 200, PAGE, "forgiven"),
    ("response_schema_conformance", {"page": "0"}, 200, PAGE, "violation"),
]


@pytest.mark.parametrize(("check", "query", "status", "body", "expected"), CASES)
def test_schemathesis_failures_are_sorted_by_the_contract(
    check: str, query: Any, status: int, body: Any, expected: str
) -> None:
    failure = _StatusFailure(check)
    verdict = assess(CONTRACT, query)
    judged = judge_schema_failure(CONTRACT, verdict, status, body, "http://x/", failure)
    got = (
        "forgiven"
        if judged is None
        else "mismatch"
        if isinstance(judged, AssumptionMismatch)
        else "violation"
    )
    assert got == expected, judged
    if expected == "violation":
        assert judged is failure  # schemathesis' own failure stands, message and all


# Every check of the semantic layer (the ground truth ones compare with the fake's store).
SEMANTIC = (
    "test_power_paging.py",
    "test_power_spellings.py",
    "test_semantics_filters.py",
    "test_semantics_paging.py",
    "test_semantics_ranges.py",
    "test_semantics_rules.py",
)


def test_against_the_assumption_server_every_check_passes_or_finds_only_mismatches() -> None:
    run = run_checks(SEMANTIC, mutants=ASSUMPTIONS_READ_OTHERWISE)
    assert run.outcomes, run.output[-2000:]
    assert not run.violations, run.violations
    assert run.mismatches, run.output[-2000:]
    for node, outcome in run.outcomes.items():
        assert outcome in ("passed", "skipped") or node in run.mismatches, (node, outcome)
