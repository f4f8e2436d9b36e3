"""Robustness defects: a 500 on one odd but valid input."""

from __future__ import annotations

import re
from collections.abc import Callable

from ._exchange import Answer, Call, Forward, Handler
from ._facts import CONTRACT, awkward, date_bounds, filter_by, legacy_pages, recipe, spelling
from ._listing import items_of, mode_of
from ._model import Mutant

_OFFSET = re.compile(r"[+-][0-9]{2}:[0-9]{2}$")
_NAME = filter_by(CONTRACT, "contains", case_insensitive=True).parameter
_UNKNOWN = filter_by(CONTRACT, "equals")
# What a VARCHAR(255) column holds (the defect's own limit, not the contract's).
_COLUMN = 255


def _crash_when(trigger: Callable[[Call, Answer], bool]) -> Handler:
    """Answer a bare 500 (Starlette's default) when a valid request hits the defect."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if answer.status == 200 and trigger(call, answer):
            return answer.with_text("Internal Server Error", 500, "text/plain; charset=utf-8")
        return answer

    return handle


def _astral(call: Call, _answer: Answer) -> bool:
    return any(ord(ch) > 0xFFFF for ch in call.get(_NAME) or "")


def _offset(call: Call, _answer: Answer) -> bool:
    names = [rule.parameter for rule in date_bounds(call.contract)]
    return any(_OFFSET.search(call.get(name) or "") for name in names)


def _empty_cursor_page(call: Call, answer: Answer) -> bool:
    body = answer.json()
    return mode_of(call, body) == "cursor" and not items_of(call, body)


def _long_filter(call: Call, _answer: Answer) -> bool:
    return any(len(call.get(name) or "") > _COLUMN for name in call.contract.filters)


def _past_the_end(call: Call, answer: Answer) -> bool:
    body = answer.json()
    legacy = call.contract.pagination.legacy
    if mode_of(call, body) != "legacy":
        return False
    page, pages = legacy.meta["page"].get(body), legacy.meta["total-pages"].get(body)
    return isinstance(page, int) and isinstance(pages, int) and 0 < pages < page


def _robust(
    name: str, description: str, checks: tuple[str, ...], trigger: Callable[[Call, Answer], bool]
) -> Mutant:
    return Mutant(name, "robustness", description, "documented", checks, _crash_when(trigger))


CATALOGUE: tuple[Mutant, ...] = (
    _robust(
        "crash-on-astral-name",
        f"a 500 when {_NAME} holds a character outside the BMP (utf8mb3 column)",
        (awkward(_NAME, "astral, combining, %_\\\\"),),
        _astral,
    ),
    _robust(
        "crash-on-offset-bound",
        "a 500 when a date bound has a UTC offset other than Z (naive vs aware comparison)",
        (spelling("+05:30"),),
        _offset,
    ),
    _robust(
        "crash-on-empty-cursor-page",
        "a 500 when a cursor page would be empty (rows[-1] on no rows)",
        (
            recipe(f"{_UNKNOWN.parameter}, a real one"),
            "test_power_paging.py::test_an_empty_result_is_an_empty_page_in_both_modes",
        ),
        _empty_cursor_page,
    ),
    _robust(
        "crash-on-long-filter",
        f"a 500 when a filter value is longer than {_COLUMN} characters (varchar overflow)",
        (awkward(_UNKNOWN.parameter, "4096 characters"),),
        _long_filter,
    ),
    _robust(
        "crash-on-page-past-the-end",
        "a 500 when a legacy page past the last one is asked for (IndexError)",
        (legacy_pages("maximum"),),
        _past_the_end,
    ),
)
