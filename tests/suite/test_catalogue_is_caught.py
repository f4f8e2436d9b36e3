"""Every mutant of the catalogue is caught by a check it names, as what it breaks says.

Against the embedded fake wearing the mutant, the checks the mutant names run
in this process: a mutant that breaks a documented promise must make one of
them fail with a contract violation; one that only reads an assumption
otherwise must make one of them report an assumption mismatch, and none
fail with a violation. The same checks against the fake without a mutant all
pass: a check that always failed would catch every mutant and prove nothing.
"""

from __future__ import annotations

import pytest

from kapso_fake.mutants import MUTANTS, Mutant

from ._checks import run_checks

NAMED = sorted({nodeid for mutant in MUTANTS.values() for nodeid in mutant.caught_by})
# What the failure says for some of them: a violation must be clear ("|" separates alternatives).
CLEAR = {
    "ignores-profile-name-contains": "is sound",
    "ignores-has-customer": "is sound",
    "ignores-wa-id-contains": "is sound",
    "profile-name-wildcards-leak": "is sound",
    "profile-name-case-sensitive": "are complete",
    "profile-name-ascii-case-folding": "are complete",
    "created-after-inclusive": "is exclusive",
    "page-order-reversed": "contacts are ordered by created_at, descending",
    "cursor-skips-boundary-item": "has no gaps|holds only the expected contacts",
    "next-not-null-at-end": "null exactly at the end",
    "ignores-before": "`before` from page",
    "total-count-off-by-one": "total_count",
    "meta-and-paging": "exactly one of `meta` and `paging`",
    "limit-clamped": "past the range: expected 400, got 200",
    "legacy-limit-generic-400": (
        "the 400 body is LegacyPaginationLimitError|legacy limit 400 carries"
    ),
    "crash-on-astral-name": "accepts any string (astral",
    "crash-on-long-filter": "accepts any string (4096 characters): expected 200, got 500",
    "unauthorized-body-without-error": "parses with the generated client",
}


def test_every_named_check_exists_and_passes_against_the_fake_without_a_mutant() -> None:
    run = run_checks(NAMED)
    assert set(run.outcomes) == set(NAMED), sorted(set(NAMED) - set(run.outcomes))
    failing = {node: outcome for node, outcome in run.outcomes.items() if outcome != "passed"}
    assert not failing and not run.mismatches, (failing, run.violations, run.mismatches)


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_the_mutant_is_caught_by_a_check_it_names(name: str) -> None:
    mutant: Mutant = MUTANTS[name]
    run = run_checks(mutant.caught_by, mutants=[name])
    named = set(mutant.caught_by)
    violations = {node: text for node, text in run.violations.items() if node in named}
    mismatches = {node: found for node, found in run.mismatches.items() if node in named}
    if mutant.breaks == "documented":
        assert violations, f"{name}: no named check failed: {run.outcomes} {run.mismatches}"
        if name in CLEAR:
            texts = " / ".join(violations.values())
            assert any(part in texts for part in CLEAR[name].split("|")), f"unclear: {texts}"
    else:
        assert mismatches, f"{name}: no named check reported a mismatch: {run.outcomes}"
        assert not violations, f"{name} breaks only assumptions, yet: {violations}"
