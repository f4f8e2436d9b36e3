"""How a difference becomes a violation or a mismatch (pure: no server)."""

from __future__ import annotations

import pytest

from contract_tests._verdicts import AssumptionMismatch, answer, explained, promise
from kapso_contacts.contract import default_contract

CONTRACT = default_contract()
CURSOR = CONTRACT.pagination.cursor


def judge(pairs: list[tuple[str, str]], status: int, body: object) -> None:
    answer(CONTRACT, pairs, status, body, readable=None, served=CURSOR.provenance, what="q")


def test_a_broken_documented_promise_is_a_violation_naming_its_location() -> None:
    with pytest.raises(
        AssertionError, match=r"documented at openapi/contacts\.yaml#/paths/"
    ) as found:
        promise(False, CURSOR.full_pages, "short page")
    assert not isinstance(found.value, AssumptionMismatch)


def test_an_answer_another_reading_explains_is_a_mismatch_at_that_fact() -> None:
    with pytest.raises(AssumptionMismatch) as found:
        judge([("limit", "0")], 422, {"error": "limit out of range"})
    assert found.value.provenance.pointer.endswith("x-kapso-refusal/status")
    with pytest.raises(AssumptionMismatch) as clamped:
        judge([("limit", "101")], 200, {"data": [], "paging": {}})
    assert clamped.value.provenance.pointer.endswith("x-kapso-query/out-of-range")


def test_an_answer_no_reading_explains_is_a_violation() -> None:
    with pytest.raises(AssertionError) as found:
        judge([("limit", "100")], 400, {"error": "too big"})
    assert not isinstance(found.value, AssumptionMismatch)
    with pytest.raises(AssertionError, match="server error"):
        judge([("limit", "5")], 500, None)


def test_the_answer_the_contract_asks_for_passes() -> None:
    judge([("limit", "0")], 400, {"error": "limit must be at least 1"})
    limit = {"message": "legacy_offset_pagination_limit_exceeded", "detail": "", "max_page": 50,
             "requested_page": 51, "requested_per_page": 20, "requested_window": 1020,
             "max_window": 5000, "cursor_example": ""}  # fmt: skip
    judge([("page", "51")], 400, limit)


def test_a_reading_already_found_is_named_first() -> None:
    def check(contract: object) -> None:
        if contract is CONTRACT:
            raise AssertionError("every other reading passes this check")

    with pytest.raises(AssumptionMismatch) as found:
        explained(CONTRACT, check, known={CONTRACT.query.booleans.provenance.location})
    assert found.value.provenance == CONTRACT.query.booleans.provenance
