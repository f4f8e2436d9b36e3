"""Readings of what Kapso's docs leave open, other than the spec's: each breaks an assumption only.

A server that drops the legacy parameters next to cursor ones, answers a bad
cursor with a 422 or refuses a parameter it does not know is not broken: it
reads a silent part of the docs otherwise. The suite reports each as an
assumption mismatch naming the spec location to edit (`breaks="assumed"`).
"""

from __future__ import annotations

from http import HTTPStatus

from kapso_contacts_api import models

from ._exchange import Answer, Call, Forward
from ._facts import CONTRACT, ENVELOPES, QUERY, UNISSUED, pagination_names, refused, rule
from ._listing import page_listing
from ._model import Mutant, query_rewrite

_CURSOR, _LEGACY = CONTRACT.pagination.cursor, CONTRACT.pagination.legacy


def _cursor_wins(call: Call) -> Call:
    pagination = call.contract.pagination
    if any(call.has(p.name) for p in pagination.cursor.parameters):
        return call.only(
            n for n, _ in call.query if n not in {p.name for p in pagination.legacy.parameters}
        )
    return call


def _after_wins(call: Call) -> Call:
    cursor = call.contract.pagination.cursor
    return call.with_param(cursor.before.name, None) if call.has(cursor.after.name) else call


async def _unissued_422(call: Call, forward: Forward) -> Answer:
    """A cursor the server did not issue gets a 422 (as Kapso's other endpoints answer)."""
    answer = await forward(call)
    cursor = call.contract.pagination.cursor
    if answer.status != call.contract.refusal.status:
        return answer
    try:
        body = models.Error.from_dict(answer.json())
    except (ValueError, KeyError, TypeError):
        return answer
    if body.parameter in (cursor.after.name, cursor.before.name):
        return answer.with_json(answer.json(), status=HTTPStatus.UNPROCESSABLE_ENTITY)
    return answer


def _bare_in_cursor_mode(call: Call) -> Call:
    if any(call.has(name) for name in pagination_names(call.contract)):
        return call
    limit = call.contract.pagination.cursor.limit
    return call.with_param(limit.name, str(limit.default))


async def _unknown_refused(call: Call, forward: Forward) -> Answer:
    unknown = [name for name, _ in call.query if name not in call.contract.parameters]
    if unknown:
        return await refused(call, forward, unknown[0], f"unknown parameter {unknown[0]}")
    return await forward(call)


async def _empty_filter_matches_nothing(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    empty = [name for name in call.contract.filters if call.get(name) == ""]
    if not answer.ok or not empty:
        return answer
    return page_listing(call, [], answer)


def _first_wins(call: Call) -> Call:
    seen: dict[str, str] = {}
    for name, value in call.query:
        seen.setdefault(name, value)
    return call.with_query(seen.items())


_MIXED = next(
    r.id for r in CONTRACT.rules if r.triggered_by({_LEGACY.page.name, _CURSOR.limit.name})
)
_BOTH = next(
    r.id for r in CONTRACT.rules if r.triggered_by({_CURSOR.after.name, _CURSOR.before.name})
)


CATALOGUE: tuple[Mutant, ...] = (
    Mutant(
        "mixed-modes-accepted",
        "reading",
        "page/per_page next to limit/after/before are silently dropped instead of refused",
        "assumed",
        (rule(_MIXED),),
        query_rewrite(_cursor_wins),
    ),
    Mutant(
        "before-with-after-accepted",
        "reading",
        "before next to after is silently dropped instead of refused",
        "assumed",
        (rule(_BOTH),),
        query_rewrite(_after_wins),
    ),
    Mutant(
        "unissued-cursor-is-422",
        "reading",
        "a cursor the server did not issue gets a 422, as Kapso's other endpoints answer",
        "assumed",
        (UNISSUED,),
        _unissued_422,
    ),
    Mutant(
        "bare-request-in-cursor-mode",
        "reading",
        "a request naming no pagination parameter is served in cursor mode",
        "assumed",
        (ENVELOPES,),
        query_rewrite(_bare_in_cursor_mode),
    ),
    Mutant(
        "unknown-parameter-refused",
        "reading",
        "a parameter the spec does not list is refused instead of ignored",
        "assumed",
        (QUERY,),
        _unknown_refused,
    ),
    Mutant(
        "empty-filter-matches-nothing",
        "reading",
        "a filter sent empty matches no contact instead of not filtering",
        "assumed",
        (QUERY,),
        _empty_filter_matches_nothing,
    ),
    Mutant(
        "repeated-parameter-first-wins",
        "reading",
        "a parameter sent twice counts with its first value, not its last",
        "assumed",
        (QUERY,),
        query_rewrite(_first_wins),
    ),
)
