"""Mutants: contract violations a real API could ship, switchable on the fake.

Each mutant is ASGI middleware over the correct app that rewrites requests
and answers to introduce one defect; the fake's own code never knows about
them. ``kapso-fake --mutant NAME`` serves one; the mutation gauge
(``make mutants``) checks that the contract suite catches every one.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp

from . import _auth, _filters, _pagination, _ranges, _robustness, _schema
from ._exchange import Answer, Call, Forward, Handler, MutantApp
from ._model import CATEGORIES, Category, Mutant, Settings

__all__ = [  # noqa: RUF022 (grouped)
    # the catalogue
    "CATEGORIES",
    "MUTANTS",
    "Category",
    "Mutant",
    "apply_mutant",
    "describe_mutants",
    # writing a mutant
    "Answer",
    "Call",
    "Forward",
    "Handler",
    "Settings",
]

MUTANTS: dict[str, Mutant] = {
    mutant.name: mutant
    for module in (_filters, _pagination, _ranges, _schema, _auth, _robustness)
    for mutant in module.CATALOGUE
}


def apply_mutant(app: ASGIApp, name: str, *, api_keys: Sequence[str] = ()) -> ASGIApp:
    """Wrap ``app`` so that it serves the contacts endpoint with one defect.

    Args:
        app: the correct app (``kapso_fake.create_app(...)``).
        name: a key of ``MUTANTS``.
        api_keys: the keys ``app`` accepts (the auth mutants need one).

    Returns:
        The wrapped ASGI app; other paths and lifespan events pass through.

    Raises:
        KeyError: no mutant has that name.
        ValueError: the mutant needs an API key and none was given.
    """
    mutant = MUTANTS[name]
    return MutantApp(app, mutant.make(Settings(tuple(api_keys))))


def describe_mutants() -> str:
    """One line per mutant, ``category  name  description``, as ``--list-mutants`` prints."""
    width = max(len(name) for name in MUTANTS)
    return "\n".join(
        f"{m.category:<10}  {m.name:<{width}}  {m.description}"
        for category in CATEGORIES
        for m in MUTANTS.values()
        if m.category == category
    )
