"""The suite is generic: against List conversations, by its spec alone, it passes, and names
exactly the assumption a server serving another reading of it reads otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._runs import SMALL, SuiteRun, pretty, readings_env, run_many

SPEC = Path(__file__).resolve().parents[1] / "specs" / "conversations.yaml"
READINGS: dict[str, dict[str, Any]] = {
    "plain": {},
    "x-kapso-rules/2/effect": {"x-kapso-rules/2/effect": {"ignore": ["unassigned"]}},
    "x-kapso-order/1/direction": {"x-kapso-order/1/direction": "ascending"},
    "x-kapso-items/nulls": {"x-kapso-items/nulls": "omitted"},
}
pytestmark = pytest.mark.skipif(
    not SPEC.is_file(), reason="tests/specs/conversations.yaml is absent"
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SuiteRun]:
    spec = {"KAPSO_CONTRACT_SPEC": str(SPEC)}
    plan = {
        name: {**SMALL, **readings_env(readings), **spec} for name, readings in READINGS.items()
    }
    return run_many(tmp_path_factory.mktemp("conversations"), plan)


@pytest.mark.parametrize("name", READINGS)
def test_the_suite_passes_against_the_fake_serving_another_list_operation(
    runs: dict[str, SuiteRun], name: str
) -> None:
    run = runs[name]
    assert run.returncode == 0 and run.violations == [], pretty(run)
    assert run.mismatches == sorted(READINGS[name]), pretty(run)
    assert "unassigned" in run.output  # its filters, by its spec (the coverage lines)
