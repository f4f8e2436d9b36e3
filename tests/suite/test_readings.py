"""No false alarm against a correct server that reads an assumption otherwise.

The embedded fake serves each alternative reading the spec lists, alone and a few
together: the suite exits 0 and names exactly those assumptions (each once), and
fails with strict assumptions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kapso_contacts.contract import default_contract

from ._runs import SuiteRun, pretty, readings_env, run_many

CONTRACT = default_contract()
SINGLE = {
    f"{CONTRACT.relative(fact.pointer)}={json.dumps(value)}": {
        CONTRACT.relative(fact.pointer): value
    }
    for fact, value, _ in CONTRACT.alternatives()
}
TOGETHER = {
    "ties, nulls, 422, booleans": {
        "x-kapso-order/1/direction": "ascending",
        "x-kapso-items/nulls": "omitted",
        "x-kapso-refusal/status": 422,
        "x-kapso-query/booleans": CONTRACT.query.booleans.readings[0],
    },
    "bare, envelope, rules refused, lower case": {
        "x-kapso-pagination/bare-request": "cursor",
        "x-kapso-pagination/one-envelope": False,
        "x-kapso-rules/0/effect": "refuse",
        "x-kapso-rules/1/effect": "refuse",
        "x-kapso-query/date-times/lowercase": "refused",
    },
}
STRICT = "strict"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SuiteRun]:
    """Every run of this module, two at a time."""
    plan = {name: readings_env(readings) for name, readings in {**SINGLE, **TOGETHER}.items()}
    first = next(iter(SINGLE.values()))
    plan[STRICT] = readings_env(first, KAPSO_CONTRACT_STRICT_ASSUMPTIONS="1")
    return run_many(tmp_path_factory.mktemp("readings"), plan)


def _named(readings: dict[str, Any]) -> list[str]:
    return sorted(readings)


@pytest.mark.parametrize("name", [*SINGLE, *TOGETHER])
def test_a_reading_of_an_assumption_is_a_mismatch_named_once(
    runs: dict[str, SuiteRun], name: str
) -> None:
    run = runs[name]
    readings = {**SINGLE, **TOGETHER}[name]
    assert run.returncode == 0, pretty(run)
    assert run.violations == [], pretty(run)
    assert sorted(run.mismatches) == _named(readings), pretty(run)
    assert 'errors="0"' in run.junit, pretty(run)


def test_strict_assumptions_fail_the_run(runs: dict[str, SuiteRun]) -> None:
    run = runs[STRICT]
    assert run.returncode == 1, pretty(run)
    assert len(run.mismatches) == 1, pretty(run)
    assert all(": assumption mismatch:" in line for line in run.violations), pretty(run)
    assert "MISMATCH openapi/contacts.yaml#/paths/~1whatsapp~1contacts/get/" in run.output


def test_every_listed_reading_is_run(tmp_path: Path) -> None:
    """The runs above cover every reading the spec lists (a new one is run by the same test)."""
    listed = {
        (CONTRACT.relative(f.pointer), json.dumps(v))
        for f in CONTRACT.assumptions
        for v in f.readings
    }
    covered = {(p, json.dumps(v)) for readings in SINGLE.values() for p, v in readings.items()}
    assert listed == covered


def test_a_silent_docs_difference_in_the_data_every_fixture_loads_errors_nothing(
    runs: dict[str, SuiteRun],
) -> None:
    """Ties broken the other way among the newest items: observed once, the run goes on under it."""
    run = runs['x-kapso-order/1/direction="ascending"']
    assert run.returncode == 0 and 'errors="0"' in run.junit, pretty(run)
    assert "test_ties_are_broken_one_way_across_page_boundaries" in run.junit
    assert "(observed by the shared setup)" in run.output
