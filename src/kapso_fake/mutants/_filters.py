"""Filter defects: a filter ignored, matched the wrong way, combined with OR, or lost on page 2."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from kapso_contacts.contract import Filter, Instant, format_timestamp

from ..data import ContactJSON
from ._exchange import Answer, Call, Forward, Handler
from ._facts import CONTRACT, FOLDING, date_bounds, filter_by, paging, recipe, slug, spelling
from ._facts import awkward as awkward_check
from ._listing import in_order, page_listing, walk
from ._model import Mutant, query_rewrite

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
NAME = filter_by(CONTRACT, "contains", case_insensitive=True)
PIECE = filter_by(CONTRACT, "contains", case_insensitive=False)
PRESENT = filter_by(CONTRACT, "present")
AFTER, BEFORE = date_bounds(CONTRACT)


def _ignored(name: str) -> Handler:
    return query_rewrite(lambda call: call.with_param(name, None))


def _recipes(rule: Filter) -> tuple[str, ...]:
    """The suite's filter recipes for one filter (by its meaning, as the suite names them)."""
    name = rule.parameter
    if rule.match == "present":
        return (recipe(f"{name}=true"), recipe(f"{name}=false"))
    if rule.match == "contains" and rule.case_insensitive:
        return (recipe(f"{name}, case flipped"), recipe(f"{name}=%"))
    if rule.match == "contains":
        return (recipe(f"{name}, a real piece"),)
    return (recipe(f"{name}, unknown" if rule.on_customer else f"{name}, a real one"),)


def _ignoring(rule: Filter) -> Mutant:
    checks = _recipes(rule)
    if CONTRACT.parameters[rule.parameter].kind == "string":
        checks += (awkward_check(rule.parameter, "4096 characters"),)
    return Mutant(
        f"ignores-{slug(rule.parameter)}",
        "filter",
        f"{rule.parameter} is ignored: every contact comes back",
        "documented",
        checks,
        _ignored(rule.parameter),
    )


def _field(contact: ContactJSON, rule: Filter) -> str:
    return str(contact.get(rule.field) or "")


def _wrong_predicate(rule: Filter, predicate: Callable[[str, ContactJSON], bool]) -> Handler:
    """Serve the filter with ``predicate(value, contact)`` instead of its documented match."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        value = call.get(rule.parameter)
        if not answer.ok or not value:
            return answer
        others = [f for f in call.contract.filters if f != rule.parameter]
        contacts = [c for c in await walk(forward, call, others) if predicate(value, c)]
        return page_listing(call, contacts, answer)

    return handle


def _like(needle: str, contact: ContactJSON) -> bool:
    """SQL LIKE '%needle%' without escaping: % and _ are wildcards."""
    pattern = "".join(
        ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in needle.casefold()
    )
    return re.search(pattern, _field(contact, NAME).casefold(), re.DOTALL) is not None


def _false_is_truthy(call: Call) -> Call:
    booleans = call.contract.query.booleans
    if call.get(PRESENT.parameter) in booleans.false:
        return call.with_param(PRESENT.parameter, booleans.true[0])
    return call


def _inclusive(rule: Filter) -> Handler:
    """An exclusive bound read inclusively (``>=``, ``<=``): a contact at the bound comes back."""
    step = timedelta(microseconds=-1 if rule.match == "after" else 1)

    def rewrite(call: Call) -> Call:
        value = call.verdict().values.get(rule.parameter)
        if not isinstance(value, Instant) or value.inexact:
            return call
        return call.with_param(rule.parameter, format_timestamp(value.floor + step))

    return query_rewrite(rewrite)


async def _filters_or(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    given = [name for name in call.contract.filters if call.get(name)]
    if not answer.ok or len(given) < 2:
        return answer
    union: dict[str, ContactJSON] = {}
    for name in given:
        for contact in await walk(forward, call, [name]):
            union[str(contact[call.contract.order[-1].field])] = contact
    return page_listing(call, in_order(call, union.values()), answer)


def _filters_dropped_after_page_one(call: Call) -> Call:
    cursor = call.contract.pagination.cursor
    if call.get(cursor.after.name) or call.get(cursor.before.name):
        return call.only(p.name for p in cursor.parameters)
    return call


CATALOGUE: tuple[Mutant, ...] = (
    *(
        _ignoring(rule)
        for rule in CONTRACT.filters.values()
        if rule.match in ("equals", "contains", "present")
    ),
    Mutant(
        f"{slug(PRESENT.parameter)}-false-is-truthy",
        "filter",
        f"{PRESENT.parameter}=false is read as a non-empty string, i.e. true",
        "documented",
        (recipe(f"{PRESENT.parameter}=false"),),
        query_rewrite(_false_is_truthy),
    ),
    Mutant(
        f"{slug(NAME.field)}-case-sensitive",
        "filter",
        f"{NAME.parameter} matches case-sensitively",
        "documented",
        (recipe(f"{NAME.parameter}, case flipped"),),
        _wrong_predicate(NAME, lambda v, c: v in _field(c, NAME)),
    ),
    Mutant(
        f"{slug(NAME.field)}-ascii-case-folding",
        "filter",
        f"{NAME.parameter} folds ASCII case only (SQLite LIKE): 'ÉLODIE' misses 'élodie'",
        "documented",
        (recipe(f"{NAME.parameter}, case flipped"), f"{FOLDING}[{NAME.parameter}]"),
        _wrong_predicate(
            NAME,
            lambda v, c: v.translate(_ASCII_LOWER) in _field(c, NAME).translate(_ASCII_LOWER),
        ),
    ),
    Mutant(
        f"{slug(NAME.field)}-wildcards-leak",
        "filter",
        f"{NAME.parameter} goes into LIKE unescaped: % and _ act as wildcards",
        "documented",
        (recipe(f"{NAME.parameter}=%"), recipe(f"{NAME.parameter}=_")),
        _wrong_predicate(NAME, _like),
    ),
    Mutant(
        f"{slug(NAME.field)}-prefix",
        "filter",
        f"{NAME.parameter} matches a prefix instead of a substring",
        "documented",
        (
            recipe(f"{NAME.parameter}, case flipped"),
            recipe(f"{PRESENT.parameter} AND {NAME.parameter}"),
        ),
        _wrong_predicate(NAME, lambda v, c: _field(c, NAME).casefold().startswith(v.casefold())),
    ),
    Mutant(
        f"{slug(PIECE.field)}-prefix",
        "filter",
        f"{PIECE.parameter} matches a prefix instead of a substring",
        "documented",
        (recipe(f"{PIECE.parameter}, a real piece"),),
        _wrong_predicate(
            PIECE, lambda v, c: c.get(PIECE.field) is not None and _field(c, PIECE).startswith(v)
        ),
    ),
    *(
        Mutant(
            f"{slug(rule.parameter)}-inclusive",
            "filter",
            f"{rule.parameter} is inclusive: a contact created at the bound comes back",
            "documented",
            (spelling("Z"), paging("minimum")),
            _inclusive(rule),
        )
        for rule in (AFTER, BEFORE)
    ),
    Mutant(
        "filters-combine-with-or",
        "filter",
        "two or more filters combine with OR instead of AND",
        "documented",
        (recipe(f"{PRESENT.parameter} AND {NAME.parameter}"), paging("minimum")),
        _filters_or,
    ),
    Mutant(
        "filters-dropped-after-page-one",
        "filter",
        "pages reached with a cursor forget the filters (the cursor query rebuilds its WHERE)",
        "documented",
        (paging("minimum"),),
        query_rewrite(_filters_dropped_after_page_one),
    ),
)
