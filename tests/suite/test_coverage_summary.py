"""The summary says which promise the data could not exercise, and why: never a silent pass."""

from __future__ import annotations

import re

from contract_tests._coverage import PROMISES, Coverage

from ._checks import run_checks

TIES = "test_power_paging.py::test_ties_are_broken_one_way_across_page_boundaries"


def test_a_sparse_account_names_the_ties_it_could_not_check() -> None:
    run = run_checks([TIES], env={"KAPSO_CONTRACT_FAKE_SHAPE": "sparse"})
    assert run.outcomes == {TIES: "skipped"}, run.output[-2000:]
    summary = run.output.split("contract summary", 1)[1]
    assert re.search(
        r"ties: UNCHECKED: no two of the newest \d+ contacts share a creation time", summary
    )
    assert "ties: checked" not in summary


def test_a_dense_account_checks_them() -> None:
    run = run_checks([TIES], env={"KAPSO_CONTRACT_FAKE_SHAPE": "dense"})
    assert run.outcomes == {TIES: "passed"}, run.output[-2000:]
    summary = run.output.split("contract summary", 1)[1]
    assert "ties: checked 1x at after boundary; before boundary; legacy page" in summary
    assert "ties: UNCHECKED" not in summary


def test_every_promise_has_a_line_checked_unchecked_or_not_reached() -> None:
    coverage = Coverage()
    coverage.hit("pages", "limit=1", "first page")
    coverage.hit("pages", "limit=2")
    coverage.miss("date-bounds", "created_after in 0 digits", "every contact is on a whole second")
    coverage.hit("date-bounds", "created_after in Z")
    coverage.miss("ties", "", "no ties")
    lines = coverage.lines()
    assert len([line for line in lines if "date-bounds" in line]) == 2
    assert "  pages: checked 2x at limit=1; first page; limit=2" in lines[0]
    assert any(line == "  ties: UNCHECKED: no ties" for line in lines)
    assert any(
        "date-bounds: UNCHECKED at created_after in 0 digits: every contact" in line
        for line in lines
    )
    reached = {"pages", "date-bounds", "ties"}
    for promise in set(PROMISES) - reached:
        assert f"  {promise}: UNCHECKED, not reached (budget spent or deselected)" in lines
