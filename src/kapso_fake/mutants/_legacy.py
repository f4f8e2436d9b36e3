"""Legacy offset-paging defects in the pages themselves: offsets, the last and largest pages."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..data import ContactJSON
from ._exchange import Answer, Call, Forward, Handler
from ._facts import CONTRACT, ENVELOPES, TIES, edge, legacy_pages
from ._listing import (
    items_of,
    key_of,
    legacy_answer,
    legacy_request,
    mode_of,
    rank,
    walk,
    with_items,
)
from ._model import Mutant, query_rewrite
from ._paging import LegacyRewrite, legacy_rewrite, meta_of

_LEGACY = CONTRACT.pagination.legacy


def _items(
    change: Callable[[Call, dict[str, Any], list[ContactJSON]], list[ContactJSON]],
) -> LegacyRewrite:
    def rewrite(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
        return answer.with_json(with_items(call, body, change(call, body, items_of(call, body))))

    return rewrite


def _legacy_pages_cut_by(
    cut: Callable[[list[ContactJSON], int, int, int], list[ContactJSON]],
) -> Handler:
    """Legacy pages cut from the listing by ``cut(contacts, page, per_page, first_page)``."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if not answer.ok or mode_of(call, answer.json()) != "legacy":
            return answer
        page, per_page = legacy_request(call)
        contacts = await walk(forward, call)
        data = cut(contacts, page, per_page, call.contract.pagination.legacy.first_page)
        return legacy_answer(call, answer, page, per_page, contacts, data)

    return handle


def _off_by_one(
    contacts: list[ContactJSON], page: int, per_page: int, first: int
) -> list[ContactJSON]:
    start = (page - first) * per_page + 1
    return contacts[start : start + per_page]


def _repeat_the_last(
    contacts: list[ContactJSON], page: int, per_page: int, first: int
) -> list[ContactJSON]:
    pages = math.ceil(len(contacts) / per_page)
    shown = min(page, first + pages - 1) if pages else page
    start = (shown - first) * per_page
    return contacts[start : start + per_page]


def _ties_ascending(
    call: Call, body: dict[str, Any], items: list[ContactJSON]
) -> list[ContactJSON]:
    return sorted(items, key=lambda c: (rank(call, key_of(call, c))[:-1], key_of(call, c)[-1]))


def _page_shift(when: Callable[[Call, int, int], bool]) -> Callable[[Call], Call]:
    """Ask for the next page where ``when(call, page, per_page)``: a limit off by one."""

    def rewrite(call: Call) -> Call:
        verdict = call.verdict()
        if verdict.refused or verdict.mode != "legacy":
            return call
        page, per_page = legacy_request(call)
        if not when(call, page, per_page):
            return call
        return call.with_param(call.contract.pagination.legacy.page.name, str(page + 1))

    return rewrite


def _per_page_when_absent(call: Call) -> Call:
    legacy = call.contract.pagination.legacy
    verdict = call.verdict()
    if verdict.refused or verdict.mode != "legacy" or call.has(legacy.per_page.name):
        return call
    return call.with_param(legacy.per_page.name, str(legacy.per_page.maximum))


CATALOGUE: tuple[Mutant, ...] = (
    Mutant(
        "legacy-offset-off-by-one",
        "legacy",
        "legacy offset is (page - 1) * per_page + 1: the first item of every page is lost",
        "documented",
        (legacy_pages("minimum"), legacy_pages("maximum")),
        _legacy_pages_cut_by(_off_by_one),
    ),
    Mutant(
        "legacy-ties-disagree",
        "legacy",
        "legacy mode breaks created_at ties by ascending id, cursor mode by descending id",
        "documented",
        (TIES,),
        legacy_rewrite(_items(_ties_ascending)),
        needs=("ties",),
    ),
    Mutant(
        "legacy-last-page-dropped-when-short",
        "legacy",
        "a legacy page holding fewer than per_page contacts comes back empty",
        "documented",
        (legacy_pages("maximum"),),
        legacy_rewrite(
            _items(
                lambda call, body, items: (
                    [] if len(items) < int(meta_of(call, body, "per-page")) else items
                )
            )
        ),
    ),
    Mutant(
        "per-page-maximum-serves-one-less",
        "legacy",
        "per_page at its maximum serves one contact less (meta still says the maximum)",
        "documented",
        (legacy_pages("maximum"),),
        legacy_rewrite(
            _items(
                lambda call, body, items: (
                    items[:-1]
                    if int(meta_of(call, body, "per-page"))
                    == call.contract.pagination.legacy.per_page.maximum
                    else items
                )
            )
        ),
    ),
    Mutant(
        "default-per-page-is-the-maximum",
        "legacy",
        "a legacy page without per_page holds the maximum, not the documented default",
        "documented",
        (legacy_pages("default"), ENVELOPES),
        query_rewrite(_per_page_when_absent),
    ),
    Mutant(
        "page-past-the-end-repeats-the-last",
        "legacy",
        "a page past the last one serves the last page again (the page number is clamped)",
        "documented",
        (legacy_pages("maximum"),),
        _legacy_pages_cut_by(_repeat_the_last),
    ),
    Mutant(
        "largest-page-refused",
        "legacy",
        "the largest page is refused with the legacy limit (page >= max instead of >)",
        "documented",
        (edge(f"{_LEGACY.page.name} maximum"), legacy_pages("minimum")),
        query_rewrite(
            _page_shift(
                lambda call, page, per_page: page == call.contract.pagination.legacy.max_page
            )
        ),
    ),
    Mutant(
        "largest-window-refused",
        "legacy",
        "the largest window is refused (page x per_page >= max_window instead of >)",
        "documented",
        (edge("largest window"),),
        query_rewrite(
            _page_shift(
                lambda call, page, per_page: (
                    page * per_page == call.contract.pagination.legacy.max_window
                )
            )
        ),
    ),
)
