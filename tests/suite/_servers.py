"""Servers for the suite's own tests: the fake, and the fake wearing mutants of the catalogue."""

from __future__ import annotations

from typing import Any

from kapso_fake import create_app
from kapso_fake.mutants import MUTANTS, apply_mutants

KEY = "suite-test-key"
# A server that keeps every documented promise but reads the parts Kapso's docs leave open
# differently from the spec: the catalogue's mutants that break assumptions only.
ASSUMPTIONS_READ_OTHERWISE = (
    "mixed-modes-accepted",
    "page-zero-means-first",
    "has-customer-cast-the-rails-way",
    "unissued-cursor-is-422",
)


def mutated(*names: str, key: str = KEY, contacts: int = 400) -> Any:
    """The fake (seed 3, small enough for fast tests) wearing the named mutants."""
    unknown = [name for name in names if name not in MUTANTS]
    if unknown:
        raise KeyError(f"no mutant named {unknown}")
    app = create_app(contacts=contacts, seed=3, api_keys=[key])
    return apply_mutants(app, names, api_keys=[key])
