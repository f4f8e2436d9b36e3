"""What a mutant is, and small builders for the common kinds of rewrite."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ._exchange import Answer, Call, Forward, Handler

Category = Literal["filter", "pagination", "range", "schema", "auth", "robustness"]
CATEGORIES: tuple[Category, ...] = (
    "filter",
    "pagination",
    "range",
    "schema",
    "auth",
    "robustness",
)


@dataclass(frozen=True, slots=True)
class Settings:
    """What a mutant may need to know about the server it wraps."""

    api_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mutant:
    """One contract violation a real API could ship, switchable on the fake."""

    name: str
    category: Category
    description: str
    make: Callable[[Settings], Handler]


Registry = list[Mutant]


def register(
    catalogue: Registry, name: str, category: Category, description: str
) -> Callable[[Handler], Handler]:
    """Decorator: add a handler that needs no settings to ``catalogue``."""

    def add(handler: Handler) -> Handler:
        catalogue.append(Mutant(name, category, description, lambda _settings: handler))
        return handler

    return add


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


def contact_rewrite(rewrite: Callable[[dict[str, Any]], dict[str, Any]]) -> Handler:
    """A handler that changes every contact of the correct app's 200 answers."""

    def each(_call: Call, body: dict[str, Any]) -> dict[str, Any]:
        body["data"] = [rewrite(dict(contact)) for contact in body["data"]]
        return body

    return body_rewrite(each)
