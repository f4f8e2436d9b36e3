"""What a mutant is (one declarative entry), and small builders for the common kinds of rewrite."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ._exchange import Answer, Call, Forward, Handler
from ._listing import items_of, with_items

Category = Literal[
    "filter", "spelling", "reading", "cursor", "legacy", "range", "schema", "auth", "robustness"
]
CATEGORIES: tuple[Category, ...] = (
    "filter",
    "spelling",
    "reading",
    "cursor",
    "legacy",
    "range",
    "schema",
    "auth",
    "robustness",
)
Breaks = Literal["documented", "assumed"]
"""What a mutant breaks: a documented promise (a run must fail) or only an assumption
(a run must report an assumption mismatch; it fails only under strict assumptions)."""


@dataclass(frozen=True, slots=True)
class Mutant:
    """One defect a real server could ship, switchable on the fake.

    Attributes:
        name: kebab-case, unique.
        category: where in a typical implementation the mistake sits.
        description: the mistake, in one line.
        breaks: ``documented`` or ``assumed`` (see ``Breaks``).
        caught_by: the suite's checks that catch it, as node ids under the suite's
            directory (``test_power_paging.py::test_...[maximum]``); the catalogue
            test runs exactly these against the mutant.
        handler: what the mutant does with one call (``Handler``).
        needs: promises of the suite's coverage summary the data must let it
            exercise (``ties``...): on data without them the defect cannot show.
        needs_api_key: the handler reads the server's keys (``Server.api_keys``).
    """

    name: str
    category: Category
    description: str
    breaks: Breaks
    caught_by: tuple[str, ...]
    handler: Handler
    needs: tuple[str, ...] = ()
    needs_api_key: bool = False


def query_rewrite(rewrite: Callable[[Call], Call]) -> Handler:
    """A handler that only changes the request before the correct app sees it."""

    async def handle(call: Call, forward: Forward) -> Answer:
        return await forward(rewrite(call))

    return handle


def body_rewrite(rewrite: Callable[[Call, dict[str, Any]], dict[str, Any]]) -> Handler:
    """A handler that changes the JSON body of the correct app's 200 answers."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if not answer.ok:
            return answer
        return answer.with_json(rewrite(call, answer.json()))

    return handle


def contact_rewrite(rewrite: Callable[[Call, dict[str, Any]], dict[str, Any]]) -> Handler:
    """A handler that changes every contact of the correct app's 200 answers."""

    def each(call: Call, body: dict[str, Any]) -> dict[str, Any]:
        return with_items(call, body, [rewrite(call, dict(c)) for c in items_of(call, body)])

    return body_rewrite(each)
