"""Mutants: contract violations (and readings of the docs' silent parts) a real API could ship.

Each mutant is ASGI middleware over the correct app that rewrites requests
and answers to introduce one defect; the fake's own code never knows about
them. Every mutant is one declarative entry (``Mutant``): its name, where the
mistake sits, what it breaks (a documented promise or only an assumption),
the suite's checks that catch it and its handler. ``kapso-fake --mutant
NAME`` serves one (or several); the mutation gauge (``make mutants``) and
``tests/suite/`` check that the contract suite catches every one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from starlette.types import ASGIApp

from kapso_contacts.contract import default_contract

from . import (
    _auth,
    _before,
    _cursor,
    _filters,
    _legacy,
    _ranges,
    _readings,
    _robustness,
    _schema,
    _spellings,
    _totals,
)
from ._exchange import Answer, Call, Forward, Handler, MutantApp, Server
from ._model import CATEGORIES, Breaks, Category, Mutant

__all__ = [  # noqa: RUF022 (grouped)
    # the catalogue
    "CATEGORIES",
    "MUTANTS",
    "Breaks",
    "Category",
    "Mutant",
    "apply_mutant",
    "apply_mutants",
    "describe_mutants",
    # writing a mutant
    "Answer",
    "Call",
    "Forward",
    "Handler",
    "Server",
]

MUTANTS: dict[str, Mutant] = {
    mutant.name: mutant
    for module in (
        _filters,
        _spellings,
        _readings,
        _cursor,
        _before,
        _legacy,
        _totals,
        _ranges,
        _schema,
        _auth,
        _robustness,
    )
    for mutant in module.CATALOGUE
}


def apply_mutants(app: ASGIApp, names: Iterable[str], *, api_keys: Sequence[str] = ()) -> ASGIApp:
    """Wrap ``app`` so that it serves the contacts endpoint with every named defect.

    The first name wraps innermost. The contract is the app's own
    (``app.contract``), else the shipped spec's.

    Args:
        app: the correct app (``kapso_fake.create_app(...)``).
        names: keys of ``MUTANTS``.
        api_keys: the keys ``app`` accepts (the auth mutants need one).

    Returns:
        The wrapped ASGI app; other paths and lifespan events pass through.

    Raises:
        KeyError: no mutant has that name.
        ValueError: a mutant needs an API key and none was given.
    """
    contract = getattr(app, "contract", None) or default_contract()
    for name in names:
        mutant = MUTANTS[name]
        if mutant.needs_api_key and not api_keys:
            raise ValueError(f"mutant {name} needs the server's API keys")
        # One server view per layer: each reads its listings through the layers below it.
        app = MutantApp(app, mutant.handler, Server(contract, tuple(api_keys)))
    return app


def apply_mutant(app: ASGIApp, name: str, *, api_keys: Sequence[str] = ()) -> ASGIApp:
    """Wrap ``app`` with one mutant (see ``apply_mutants``).

    Raises:
        KeyError: no mutant has that name.
        ValueError: the mutant needs an API key and none was given.
    """
    return apply_mutants(app, [name], api_keys=api_keys)


def describe_mutants() -> str:
    """One line per mutant (category, name, what it breaks, description): ``--list-mutants``."""
    width = max(len(name) for name in MUTANTS)
    return "\n".join(
        f"{m.category:<10}  {m.name:<{width}}  {m.breaks:<10}  {m.description}"
        for category in CATEGORIES
        for m in MUTANTS.values()
        if m.category == category
    )
