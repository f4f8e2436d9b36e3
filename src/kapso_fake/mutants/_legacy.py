"""Legacy offset-paging defects: offsets, the last and largest pages, totals and their headers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .. import legacy_link_header
from ._exchange import Answer, Call, Forward, Handler
from ._facts import CONTRACT, ENVELOPES, TIES, edge, legacy_pages
from ._listing import (
    Contact,
    items_of,
    key_of,
    legacy_answer,
    legacy_request,
    mode_of,
    put,
    rank,
    request_url,
    walk,
    with_items,
)
from ._model import Mutant, query_rewrite

_LEGACY = CONTRACT.pagination.legacy
Rewrite = Callable[[Call, Answer, dict[str, Any]], Answer]


def _legacy_pages(rewrite: Rewrite) -> Handler:
    """Change the correct app's legacy-mode 200 answers."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if not answer.ok or mode_of(call, body := answer.json()) != "legacy":
            return answer
        return rewrite(call, answer, body)

    return handle


def _meta(call: Call, body: dict[str, Any], role: str) -> Any:
    return call.contract.pagination.legacy.meta[role].get(body)


def _set(
    call: Call,
    answer: Answer,
    body: dict[str, Any],
    role: str,
    value: Any,
    *,
    header: bool = True,
    meta: bool = True,
) -> tuple[Answer, dict[str, Any]]:
    """Set a `meta` role and/or the header carrying it."""
    legacy = call.contract.pagination.legacy
    if meta:
        put(body, legacy.meta[role].parts, value)
    name = legacy.header_for(role)
    if header and name is not None:
        answer = answer.with_header(name, str(value))
    return answer, body


def _counted(change: Callable[[int, int], tuple[int, int]]) -> Rewrite:
    """Totals changed by ``change(total, per_page) -> (total, pages)``, in meta and headers."""

    def rewrite(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
        total, pages = change(
            int(_meta(call, body, "total-count")), int(_meta(call, body, "per-page"))
        )
        answer, body = _set(call, answer, body, "total-count", total)
        answer, body = _set(call, answer, body, "total-pages", pages)
        return answer.with_json(body)

    return rewrite


def _header_only(role: str, value: Callable[[Call, dict[str, Any]], Any]) -> Rewrite:
    def rewrite(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
        answer, _ = _set(call, answer, body, role, value(call, body), meta=False)
        return answer

    return rewrite


def _items(change: Callable[[Call, dict[str, Any], list[Contact]], list[Contact]]) -> Rewrite:
    def rewrite(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
        return answer.with_json(with_items(call, body, change(call, body, items_of(call, body))))

    return rewrite


def _reserved(cut: Callable[[list[Contact], int, int, int], list[Contact]]) -> Handler:
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


def _off_by_one(contacts: list[Contact], page: int, per_page: int, first: int) -> list[Contact]:
    start = (page - first) * per_page + 1
    return contacts[start : start + per_page]


def _repeat_the_last(
    contacts: list[Contact], page: int, per_page: int, first: int
) -> list[Contact]:
    pages = math.ceil(len(contacts) / per_page)
    shown = min(page, first + pages - 1) if pages else page
    start = (shown - first) * per_page
    return contacts[start : start + per_page]


def _ties_ascending(call: Call, body: dict[str, Any], items: list[Contact]) -> list[Contact]:
    return sorted(items, key=lambda c: (rank(call, key_of(call, c))[:-1], key_of(call, c)[-1]))


async def _unfiltered_totals(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if not answer.ok or mode_of(call, body := answer.json()) != "legacy":
        return answer
    legacy = call.contract.pagination.legacy
    bare = await forward(call.only(p.name for p in legacy.parameters))
    if not bare.ok:
        return answer
    everyone = bare.json()
    for role in ("total-count", "total-pages"):
        answer, body = _set(call, answer, body, role, _meta(call, everyone, role))
    return answer.with_json(body)


def _more_links(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
    """A `Link` counting one page more than there is: rel=next on the last page."""
    legacy = call.contract.pagination.legacy
    name = legacy.header_for("links")
    if name is None:
        return answer
    page, per_page = int(_meta(call, body, "page")), int(_meta(call, body, "per-page"))
    pages = int(_meta(call, body, "total-pages")) + 1
    return answer.with_header(
        name,
        legacy_link_header(
            call.contract, request_url(call, answer), call.query, page, per_page, pages
        ),
    )


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


def _zero_based(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
    first = call.contract.pagination.legacy.first_page
    answer, body = _set(call, answer, body, "page", int(_meta(call, body, "page")) - first)
    return answer.with_json(body)


CATALOGUE: tuple[Mutant, ...] = (
    Mutant(
        "legacy-offset-off-by-one",
        "legacy",
        "legacy offset is (page - 1) * per_page + 1: the first item of every page is lost",
        "documented",
        (legacy_pages("minimum"), legacy_pages("maximum")),
        _reserved(_off_by_one),
    ),
    Mutant(
        "legacy-ties-disagree",
        "legacy",
        "legacy mode breaks created_at ties by ascending id, cursor mode by descending id",
        "documented",
        (TIES,),
        _legacy_pages(_items(_ties_ascending)),
        needs=("ties",),
    ),
    Mutant(
        "total-count-ignores-filters",
        "legacy",
        "legacy totals (meta and X-Total*) count every contact, not the filtered ones",
        "documented",
        (legacy_pages("maximum"),),
        _unfiltered_totals,
    ),
    Mutant(
        "total-count-off-by-one",
        "legacy",
        "legacy totals count one contact more than match (meta and X-Total)",
        "documented",
        (legacy_pages("maximum"),),
        _legacy_pages(
            _counted(lambda total, per_page: (total + 1, math.ceil((total + 1) / per_page)))
        ),
    ),
    Mutant(
        "total-pages-floor",
        "legacy",
        "total_pages rounds down (total_count // per_page), in meta and X-Total-Pages",
        "documented",
        (legacy_pages("maximum"), ENVELOPES),
        _legacy_pages(_counted(lambda total, per_page: (total, total // per_page))),
    ),
    Mutant(
        "total-pages-one-too-many-on-exact-multiples",
        "legacy",
        "total_pages is total_count // per_page + 1: one too many when per_page divides the total",
        "documented",
        (legacy_pages("maximum-1"), legacy_pages("minimum")),
        _legacy_pages(_counted(lambda total, per_page: (total, total // per_page + 1))),
    ),
    Mutant(
        "x-total-is-page-size",
        "legacy",
        "the X-Total header counts the items on the page, not the matching contacts",
        "documented",
        (legacy_pages("maximum"), ENVELOPES),
        _legacy_pages(_header_only("total-count", lambda call, body: len(items_of(call, body)))),
    ),
    Mutant(
        "x-per-page-is-the-default",
        "legacy",
        "the X-Per-Page header always says the default page size",
        "documented",
        (legacy_pages("maximum"),),
        _legacy_pages(
            _header_only(
                "per-page", lambda call, body: call.contract.pagination.legacy.per_page.default
            )
        ),
    ),
    Mutant(
        "meta-page-zero-based",
        "legacy",
        "meta.page and X-Page count pages from 0",
        "documented",
        (legacy_pages("minimum"), ENVELOPES),
        _legacy_pages(_zero_based),
    ),
    Mutant(
        "legacy-last-page-dropped-when-short",
        "legacy",
        "a legacy page holding fewer than per_page contacts comes back empty",
        "documented",
        (legacy_pages("maximum"),),
        _legacy_pages(
            _items(
                lambda call, body, items: (
                    [] if len(items) < int(_meta(call, body, "per-page")) else items
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
        _legacy_pages(
            _items(
                lambda call, body, items: (
                    items[:-1]
                    if int(_meta(call, body, "per-page"))
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
        "link-next-on-the-last-page",
        "legacy",
        "the Link header counts one page too many: rel=next on the last page",
        "documented",
        (legacy_pages("maximum"),),
        _legacy_pages(_more_links),
    ),
    Mutant(
        "page-past-the-end-repeats-the-last",
        "legacy",
        "a page past the last one serves the last page again (the page number is clamped)",
        "documented",
        (legacy_pages("maximum"),),
        _reserved(_repeat_the_last),
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
