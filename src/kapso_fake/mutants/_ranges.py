"""Range defects: bounds not enforced or enforced one off, values clamped, the legacy limit."""

from __future__ import annotations

import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from kapso_contacts_api import models

from kapso_contacts.contract import Parameter, error_body_schema

from ._exchange import Answer, Call, Forward, Handler
from ._facts import (
    CONTRACT,
    LEGACY_LIMIT,
    edge,
    paging,
    refused,
)
from ._listing import legacy_answer, walk
from ._model import Mutant, query_rewrite

_CURSOR, _LEGACY = CONTRACT.pagination.cursor, CONTRACT.pagination.legacy


def _legacy_refusal(call: Call, answer: Answer) -> dict[str, Any] | None:
    """The body of the legacy limit's refusal, if that is what ``answer`` is."""
    legacy = call.contract.pagination.legacy
    if answer.status != legacy.limit_error_status:
        return None
    try:
        body = answer.json()
    except ValueError:
        return None
    found = error_body_schema(call.contract, legacy.limit_error_status, body)
    return body if isinstance(body, dict) and found == legacy.limit_error_body else None


def _integer(call: Call, parameter: Parameter) -> int | None:
    """The integer a query gives a parameter, read as the contract reads integers (any range)."""
    text = call.get(parameter.name)
    if text is None or not re.fullmatch(call.contract.query.integer_pattern, text):
        return None
    return int(text)


def _set_when(
    pick: Callable[[Any], Parameter],
    when: Callable[[int, Parameter], bool],
    value: Callable[[int, Parameter], int],
) -> Callable[[Call], Call]:
    """Send the correct app ``value(n)`` for a parameter whose value ``n`` meets ``when``."""

    def rewrite(call: Call) -> Call:
        parameter = pick(call.contract.pagination)
        found = _integer(call, parameter)
        if found is None or not when(found, parameter):
            return call
        return call.with_param(parameter.name, str(value(found, parameter)))

    return rewrite


def _limit(pagination: Any) -> Parameter:
    return pagination.cursor.limit  # type: ignore[no-any-return]


def _per_page(pagination: Any) -> Parameter:
    return pagination.legacy.per_page  # type: ignore[no-any-return]


def _page(pagination: Any) -> Parameter:
    return pagination.legacy.page  # type: ignore[no-any-return]


def _top(parameter: Parameter) -> int:
    return int(parameter.maximum if parameter.maximum is not None else parameter.default)


def _refused_at_maximum(pick: Callable[[Any], Parameter]) -> Handler:
    """The maximum itself is refused (``< max`` instead of ``<= max``)."""

    async def handle(call: Call, forward: Forward) -> Answer:
        parameter = pick(call.contract.pagination)
        if _integer(call, parameter) == parameter.maximum:
            return await refused(
                call, forward, parameter.name, f"{parameter.name} must be below {parameter.maximum}"
            )
        return await forward(call)

    return handle


async def _page_max_unenforced(call: Call, forward: Forward) -> Answer:
    """Serve a legacy page past the largest page as if allowed (while its window is allowed)."""
    answer = await forward(call)
    if _legacy_refusal(call, answer) is None:
        return answer
    legacy = call.contract.pagination.legacy
    values = call.verdict().values
    page = int(values.get(legacy.page.name, legacy.page.default))
    per_page = int(values.get(legacy.per_page.name, legacy.per_page.default))
    if page * per_page > legacy.max_window:
        return answer
    template = await forward(call.with_param(legacy.page.name, str(legacy.first_page)))
    if not template.ok:
        return answer
    return legacy_answer(call, template, page, per_page, await walk(forward, call))


async def _generic_body(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    refusal = _legacy_refusal(call, answer)
    if refusal is None:
        return answer
    text = str(models.LegacyPaginationLimitError.from_dict(refusal).detail)
    page = call.contract.pagination.legacy.page.name
    return answer.with_json(models.Error(error=text, parameter=page).to_dict())


async def _as_422(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if _legacy_refusal(call, answer) is None:
        return answer
    return answer.with_json(answer.json(), status=HTTPStatus.UNPROCESSABLE_ENTITY)


CATALOGUE: tuple[Mutant, ...] = (
    Mutant(
        "limit-plus-one",
        "range",
        "a cursor page holds limit + 1 items (the look-ahead row is not trimmed)",
        "documented",
        (paging("minimum"), edge(f"{_CURSOR.limit.name} minimum")),
        query_rewrite(
            _set_when(_limit, lambda n, p: (p.minimum or 1) <= n < _top(p), lambda n, p: n + 1)
        ),
    ),
    Mutant(
        "limit-clamped",
        "range",
        "a limit above the maximum is clamped to it instead of refused with a 400",
        "documented",
        (edge(f"{_CURSOR.limit.name} maximum+1"),),
        query_rewrite(_set_when(_limit, lambda n, p: n > _top(p), lambda n, p: _top(p))),
    ),
    Mutant(
        "limit-zero-means-default",
        "range",
        "limit=0 is falsy, so the default is used instead of a 400",
        "documented",
        (edge(f"{_CURSOR.limit.name} minimum-1"),),
        query_rewrite(_set_when(_limit, lambda n, p: n == 0, lambda n, p: int(p.default))),
    ),
    Mutant(
        "limit-maximum-refused",
        "range",
        "limit at its maximum is refused (limit < max instead of <=)",
        "documented",
        (edge(f"{_CURSOR.limit.name} maximum"), paging("maximum")),
        _refused_at_maximum(_limit),
    ),
    Mutant(
        "per-page-clamped",
        "range",
        "a per_page above the maximum is clamped to it instead of refused with a 400",
        "documented",
        (edge(f"{_LEGACY.per_page.name} maximum+1"),),
        query_rewrite(_set_when(_per_page, lambda n, p: n > _top(p), lambda n, p: _top(p))),
    ),
    Mutant(
        "per-page-zero-means-default",
        "range",
        "per_page=0 is falsy, so the default is used instead of a 400 (the minimum is assumed)",
        "assumed",
        (edge(f"{_LEGACY.per_page.name} minimum-1"),),
        query_rewrite(_set_when(_per_page, lambda n, p: n == 0, lambda n, p: int(p.default))),
    ),
    Mutant(
        "per-page-maximum-refused",
        "range",
        "per_page at its maximum is refused (per_page < max instead of <=)",
        "documented",
        (edge(f"{_LEGACY.per_page.name} maximum"),),
        _refused_at_maximum(_per_page),
    ),
    Mutant(
        "page-zero-means-first",
        "range",
        "page=0 is falsy, so the first page is served instead of a 400 (the minimum is assumed)",
        "assumed",
        (edge(f"{_LEGACY.page.name} minimum-1"),),
        query_rewrite(_set_when(_page, lambda n, p: n == 0, lambda n, p: int(p.default))),
    ),
    Mutant(
        "page-max-not-enforced",
        "range",
        "pages past the largest are served (only the window is enforced)",
        "documented",
        (edge(f"{_LEGACY.page.name} maximum+1"), f"{LEGACY_LIMIT}[default]"),
        _page_max_unenforced,
    ),
    Mutant(
        "legacy-limit-generic-400",
        "range",
        "the legacy limit 400 has the generic {error} body, not the documented one",
        "documented",
        (f"{LEGACY_LIMIT}[default]", edge(f"{_LEGACY.page.name} maximum+1")),
        _generic_body,
    ),
    Mutant(
        "legacy-limit-422",
        "range",
        "the legacy limit is refused with a 422 instead of the documented 400",
        "documented",
        (edge(f"{_LEGACY.page.name} maximum+1"), f"{LEGACY_LIMIT}[default]"),
        _as_422,
    ),
)
