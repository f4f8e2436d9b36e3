"""Mutants: defects a real server of a list operation could ship, built from its contract.

A mutant wraps the correct fake from outside (ASGI) and introduces one defect:
it reads the call, may rewrite it, forwards it to the correct app (one that
changes what is listed reads the correct listing and pages it again) and may
change the answer. The catalogue is generic: it comes from the contract's
facts (each filter and its kind's breakages, each integer bound, each rule,
both pagination modes, the item schema), and each mutant names the promises
it breaks by their spec pointers. A defect that would equal a listed reading
of an assumption is none: the fake serves readings (``create_app(readings=)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from kapso_contacts.contract import Contract

from ._catalogue import mutants
from ._kit import Mutant, Worn

__all__ = ["CATEGORIES", "Mutant", "catalogue", "describe", "wear"]

#: The kinds of defect, in the order the catalogue lists them.
CATEGORIES = (
    "filter", "pair", "walk", "cursor", "legacy", "bound", "rule", "schema", "identity",
    "auth", "robustness", "domain", "spelling",
)  # fmt: skip


@cache
def catalogue(contract: Contract) -> dict[str, Mutant]:
    """Every mutant that applies to the contract, by name, in ``CATEGORIES`` order.

    Raises:
        ValueError: two mutants got the same name.
    """
    found = list(mutants(contract))
    found.sort(key=lambda m: (CATEGORIES.index(m.category), m.name))
    named = {m.name: m for m in found}
    if len(named) != len(found):
        raise ValueError("two mutants got the same name")
    return named


def describe(mutants: Mapping[str, Mutant]) -> str:
    """One line per mutant (``--list-mutants``): category, name, documented, defect, promises."""
    width = max((len(name) for name in mutants), default=0)
    return "\n".join(
        f"{m.category:<10}  {m.name:<{width}}  {'documented' if m.documented else 'assumed':<10}"
        f"  {m.description}  [{', '.join(m.breaks)}]"
        for m in mutants.values()
    )


def wear(app: Any, names: Sequence[str], *, api_keys: Sequence[str]) -> Any:
    """``app`` (a ``FakeApp``) wearing the named mutants of its contract, the first innermost.

    Raises:
        KeyError: the contract the app serves has no mutant of that name.
        ValueError: no API key (the auth mutants present one).
    """
    if not api_keys:
        raise ValueError("wear needs the app's API keys")
    known = catalogue(app.contract)
    for name in names:
        app = Worn(app, known[name], api_keys)
    return app
