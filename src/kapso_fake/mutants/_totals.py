"""Legacy offset-paging defects in what counts the pages: `meta`, the `X-*` headers and `Link`."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .. import legacy_link_header
from ._exchange import Answer, Call, Forward
from ._facts import CONTRACT, ENVELOPES, legacy_pages
from ._listing import (
    items_of,
    mode_of,
    put,
    request_url,
)
from ._model import Mutant
from ._paging import LegacyRewrite, legacy_rewrite, meta_of

_LEGACY = CONTRACT.pagination.legacy


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


def _counted(change: Callable[[int, int], tuple[int, int]]) -> LegacyRewrite:
    """Totals changed by ``change(total, per_page) -> (total, pages)``, in meta and headers."""

    def rewrite(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
        total, pages = change(
            int(meta_of(call, body, "total-count")), int(meta_of(call, body, "per-page"))
        )
        answer, body = _set(call, answer, body, "total-count", total)
        answer, body = _set(call, answer, body, "total-pages", pages)
        return answer.with_json(body)

    return rewrite


def _header_only(role: str, value: Callable[[Call, dict[str, Any]], Any]) -> LegacyRewrite:
    def rewrite(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
        answer, _ = _set(call, answer, body, role, value(call, body), meta=False)
        return answer

    return rewrite


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
        answer, body = _set(call, answer, body, role, meta_of(call, everyone, role))
    return answer.with_json(body)


def _more_links(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
    """A `Link` counting one page more than there is: rel=next on the last page."""
    legacy = call.contract.pagination.legacy
    name = legacy.header_for("links")
    if name is None:
        return answer
    page, per_page = int(meta_of(call, body, "page")), int(meta_of(call, body, "per-page"))
    pages = int(meta_of(call, body, "total-pages")) + 1
    return answer.with_header(
        name,
        legacy_link_header(
            call.contract, request_url(call, answer), call.query, page, per_page, pages
        ),
    )


def _zero_based(call: Call, answer: Answer, body: dict[str, Any]) -> Answer:
    first = call.contract.pagination.legacy.first_page
    answer, body = _set(call, answer, body, "page", int(meta_of(call, body, "page")) - first)
    return answer.with_json(body)


CATALOGUE: tuple[Mutant, ...] = (
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
        legacy_rewrite(
            _counted(lambda total, per_page: (total + 1, math.ceil((total + 1) / per_page)))
        ),
    ),
    Mutant(
        "total-pages-floor",
        "legacy",
        "total_pages rounds down (total_count // per_page), in meta and X-Total-Pages",
        "documented",
        (legacy_pages("maximum"), ENVELOPES),
        legacy_rewrite(_counted(lambda total, per_page: (total, total // per_page))),
    ),
    Mutant(
        "total-pages-one-too-many-on-exact-multiples",
        "legacy",
        "total_pages is total_count // per_page + 1: one too many when per_page divides the total",
        "documented",
        (legacy_pages("maximum-1"), legacy_pages("minimum")),
        legacy_rewrite(_counted(lambda total, per_page: (total, total // per_page + 1))),
    ),
    Mutant(
        "x-total-is-page-size",
        "legacy",
        "the X-Total header counts the items on the page, not the matching contacts",
        "documented",
        (legacy_pages("maximum"), ENVELOPES),
        legacy_rewrite(_header_only("total-count", lambda call, body: len(items_of(call, body)))),
    ),
    Mutant(
        "x-per-page-is-the-default",
        "legacy",
        "the X-Per-Page header always says the default page size",
        "documented",
        (legacy_pages("maximum"),),
        legacy_rewrite(
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
        legacy_rewrite(_zero_based),
    ),
    Mutant(
        "link-next-on-the-last-page",
        "legacy",
        "the Link header counts one page too many: rel=next on the last page",
        "documented",
        (legacy_pages("maximum"),),
        legacy_rewrite(_more_links),
    ),
)
