"""Range defects: bounds not enforced, values clamped, refused combinations accepted."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ._exchange import Answer, Call, Forward
from ._listing import legacy_answer, walk
from ._model import Registry, query_rewrite, register

CATALOGUE: Registry = []
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_LEGACY_MESSAGE = "legacy_offset_pagination_limit_exceeded"


def _integer(call: Call, name: str) -> int | None:
    text = call.get(name)
    return int(text) if text is not None and _INTEGER.fullmatch(text) else None


def _legacy_refusal(answer: Answer) -> dict[str, Any] | None:
    if answer.status != 400:
        return None
    try:
        body = answer.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and body.get("message") == _LEGACY_MESSAGE else None


def _clamp(name: str, high: int) -> Callable[[Call], Call]:
    def rewrite(call: Call) -> Call:
        value = _integer(call, name)
        return call.with_param(name, str(high)) if value is not None and value > high else call

    return rewrite


register(
    CATALOGUE,
    "limit-plus-one",
    "range",
    "a cursor page holds limit + 1 items (the look-ahead row is not trimmed)",
)(
    query_rewrite(
        lambda call: (
            call.with_param("limit", str(value + 1))
            if (value := _integer(call, "limit")) is not None and 1 <= value < 100
            else call
        )
    )
)

register(
    CATALOGUE,
    "limit-clamped",
    "range",
    "a limit above 100 is clamped to 100 instead of refused with a 400",
)(query_rewrite(_clamp("limit", 100)))

register(
    CATALOGUE,
    "limit-zero-means-default",
    "range",
    "limit=0 is falsy, so the default 20 is used instead of a 400",
)(query_rewrite(lambda c: c.with_param("limit", "20") if _integer(c, "limit") == 0 else c))

register(
    CATALOGUE,
    "per-page-clamped",
    "range",
    "a per_page above 100 is clamped to 100 instead of refused with a 400",
)(query_rewrite(_clamp("per_page", 100)))

register(
    CATALOGUE,
    "page-zero-means-first",
    "range",
    "page=0 is falsy, so page 1 is served instead of a 400",
)(query_rewrite(lambda c: c.with_param("page", "1") if _integer(c, "page") == 0 else c))


async def _page_max_unenforced(call: Call, forward: Forward) -> Answer:
    """Serve a legacy page past page 50 as if allowed (its window is always under 5,000)."""
    answer = await forward(call)
    refusal = _legacy_refusal(answer)
    if refusal is None:
        return answer
    page, per_page = int(refusal["requested_page"]), int(refusal["requested_per_page"])
    if page * per_page > int(refusal["max_window"]):
        return answer
    template = await forward(call.with_param("page", "1"))
    if not template.ok:
        return answer
    return legacy_answer(template, page, per_page, await walk(forward, call))


register(
    CATALOGUE,
    "page-max-not-enforced",
    "range",
    "pages past 50 are served (only the 5,000 window is enforced)",
)(_page_max_unenforced)

register(
    CATALOGUE,
    "per-page-zero-means-default",
    "range",
    "per_page=0 is falsy, so the default 20 is used instead of a 400",
)(query_rewrite(lambda c: c.with_param("per_page", "20") if _integer(c, "per_page") == 0 else c))


@register(
    CATALOGUE,
    "legacy-limit-generic-400",
    "range",
    "the legacy limit 400 has the generic {error} body, not the documented one",
)
async def _generic_body(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    refusal = _legacy_refusal(answer)
    if refusal is None:
        return answer
    return answer.with_json({"error": str(refusal["detail"]), "parameter": "page"})


@register(
    CATALOGUE,
    "legacy-limit-422",
    "range",
    "the legacy limit is refused with a 422 instead of the documented 400",
)
async def _as_422(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    return answer.with_json(answer.json(), status=422) if _legacy_refusal(answer) else answer


def _cursor_wins(call: Call) -> Call:
    if any(call.has(n) for n in ("limit", "after", "before")):
        return call.with_param("page", None).with_param("per_page", None)
    return call


register(
    CATALOGUE,
    "mixed-modes-accepted",
    "range",
    "page/per_page next to limit/after/before are silently ignored instead of a 400",
)(query_rewrite(_cursor_wins))

register(
    CATALOGUE,
    "before-with-after-accepted",
    "range",
    "before next to after is silently ignored instead of a 400",
)(query_rewrite(lambda c: c.with_param("before", None) if c.has("after") else c))
