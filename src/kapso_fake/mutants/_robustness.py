"""Robustness defects: a 500 on one odd but valid input."""

from __future__ import annotations

import re
from collections.abc import Callable

from ._exchange import Answer, Call, Forward, Handler
from ._listing import FILTERS
from ._model import Registry, register

CATALOGUE: Registry = []
_OFFSET = re.compile(r"[+-][0-9]{2}:[0-9]{2}$")


def _crash_when(trigger: Callable[[Call, Answer], bool]) -> Handler:
    """Answer a bare 500 (Starlette's default) when a valid request hits the defect."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if answer.status == 200 and trigger(call, answer):
            return answer.with_text("Internal Server Error", 500, "text/plain; charset=utf-8")
        return answer

    return handle


def _astral(call: Call, _answer: Answer) -> bool:
    return any(ord(ch) > 0xFFFF for ch in call.get("profile_name_contains") or "")


def _offset(call: Call, _answer: Answer) -> bool:
    bounds = (call.get("created_after"), call.get("created_before"))
    return any(bound and _OFFSET.search(bound) for bound in bounds)


def _empty_cursor_page(_call: Call, answer: Answer) -> bool:
    body = answer.json()
    return "paging" in body and not body["data"]


def _long_filter(call: Call, _answer: Answer) -> bool:
    return any(len(call.get(name) or "") > 255 for name in FILTERS)


for _name, _description, _trigger in (
    (
        "crash-on-astral-name",
        "a 500 when profile_name_contains holds a character outside the BMP (utf8mb3 column)",
        _astral,
    ),
    (
        "crash-on-offset-bound",
        "a 500 when a date bound has a UTC offset other than Z (naive vs aware comparison)",
        _offset,
    ),
    (
        "crash-on-empty-cursor-page",
        "a 500 when a cursor page would be empty (rows[-1] on no rows)",
        _empty_cursor_page,
    ),
    (
        "crash-on-long-filter",
        "a 500 when a filter value is longer than 255 characters (varchar overflow)",
        _long_filter,
    ),
):
    register(CATALOGUE, _name, "robustness", _description)(_crash_when(_trigger))
