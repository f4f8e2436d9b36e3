"""Pagination defects: lost or repeated items, wrong order, wrong ends, wrong totals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._exchange import Answer, Call, Forward
from ._listing import Contact, Key, decode_cursor, encode_cursor, key_of, legacy_answer, walk
from ._model import Registry, body_rewrite, query_rewrite, register

CATALOGUE: Registry = []
_UUID_MAX = (1 << 128) - 1


def _is_cursor(body: dict[str, Any]) -> bool:
    return isinstance(body.get("paging"), dict)


def _is_legacy(body: dict[str, Any]) -> bool:
    return isinstance(body.get("meta"), dict)


def _nudge(key: Key, step: int) -> Key:
    """The keyset ``step`` ids away from ``key`` at the same created_at."""
    number = int(key[1].replace("-", ""), 16) + step
    if not 0 <= number <= _UUID_MAX:
        return key
    h = f"{number:032x}"
    return key[0], f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _nudge_cursor(name: str, step: int) -> Callable[[Call], Call]:
    def rewrite(call: Call) -> Call:
        text = call.get(name)
        if not text:
            return call
        try:
            key = decode_cursor(text)
        except (ValueError, KeyError, TypeError):
            return call  # the correct app refuses it
        return call.with_param(name, encode_cursor(_nudge(key, step)))

    return rewrite


@register(
    CATALOGUE,
    "cursor-skips-boundary-item",
    "pagination",
    "next is built from the extra row fetched to detect more: one item lost at every boundary",
)
async def _skips_boundary(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if not answer.ok or not _is_cursor(body := answer.json()) or not body["paging"]["next"]:
        return answer
    probe = call.with_param("before", None).with_param("after", body["paging"]["next"])
    extra = await forward(probe.with_param("limit", "1"))
    if extra.ok and extra.json()["data"]:
        body["paging"]["next"] = encode_cursor(key_of(extra.json()["data"][0]))
    return answer.with_json(body)


register(
    CATALOGUE,
    "cursor-after-inclusive",
    "pagination",
    "after is inclusive (<= instead of <): the last item of a page opens the next one",
)(query_rewrite(_nudge_cursor("after", +1)))

register(
    CATALOGUE,
    "cursor-before-off-by-one",
    "pagination",
    "before is inclusive: the page before X ends with X itself and drops its first item",
)(query_rewrite(_nudge_cursor("before", -1)))


@register(
    CATALOGUE,
    "page-order-reversed",
    "pagination",
    "each page is sorted oldest first, though pages still come newest first",
)
async def _reversed(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if not answer.ok:
        return answer
    body = answer.json()
    body["data"] = body["data"][::-1]
    return answer.with_json(body)


def _ties_ascending(data: Sequence[Contact]) -> list[Contact]:
    """Order ties on created_at by ascending id (an ORDER BY without its tie-breaker)."""
    by_id = sorted(data, key=lambda c: str(c["id"]))
    return sorted(by_id, key=lambda c: str(c["created_at"]), reverse=True)


def _unstable_ties(_call: Call, body: dict[str, Any]) -> dict[str, Any]:
    data = _ties_ascending(body["data"])
    body["data"] = data
    if _is_cursor(body) and data:
        paging = body["paging"]
        first, last = encode_cursor(key_of(data[0])), encode_cursor(key_of(data[-1]))
        paging["cursors"] = {"before": first, "after": last}
        paging["next"] = last if paging["next"] else None
        paging["previous"] = first if paging["previous"] else None
    return body


register(
    CATALOGUE,
    "unstable-tie-order",
    "pagination",
    "ties on created_at are not broken by id, so cursors cut tie groups inconsistently",
)(body_rewrite(_unstable_ties))


def _legacy_ties(_call: Call, body: dict[str, Any]) -> dict[str, Any]:
    if _is_legacy(body):
        body["data"] = _ties_ascending(body["data"])
    return body


register(
    CATALOGUE,
    "legacy-ties-disagree",
    "pagination",
    "legacy mode breaks created_at ties by ascending id, cursor mode by descending id",
)(body_rewrite(_legacy_ties))


def _next_at_end(_call: Call, body: dict[str, Any]) -> dict[str, Any]:
    paging = body.get("paging")
    if isinstance(paging, dict) and body["data"] and paging["next"] is None:
        paging["next"] = encode_cursor(key_of(body["data"][-1]))
    return body


register(
    CATALOGUE,
    "next-not-null-at-end",
    "pagination",
    "the last page still has a next cursor (it leads to an empty page)",
)(body_rewrite(_next_at_end))


def _previous_at_start(_call: Call, body: dict[str, Any]) -> dict[str, Any]:
    paging = body.get("paging")
    if isinstance(paging, dict) and body["data"] and paging["previous"] is None:
        paging["previous"] = encode_cursor(key_of(body["data"][0]))
    return body


register(
    CATALOGUE,
    "previous-not-null-at-start",
    "pagination",
    "the first page has a previous cursor (it leads to an empty page)",
)(body_rewrite(_previous_at_start))


def _next_as_url(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    paging = body.get("paging")
    if isinstance(paging, dict) and paging["next"]:
        limit = call.get("limit") or "20"
        paging["next"] = (
            f"https://api.kapso.ai/platform/v1/whatsapp/contacts?limit={limit}"
            f"&after={paging['next']}"
        )
    return body


register(
    CATALOGUE,
    "next-is-a-url",
    "pagination",
    "paging.next is a full URL, not the cursor to pass as after",
)(body_rewrite(_next_as_url))


def _off_by_one(contacts: Sequence[Contact], page: int, per_page: int) -> list[Contact]:
    start = (page - 1) * per_page + 1
    return list(contacts[start : start + per_page])


@register(
    CATALOGUE,
    "legacy-offset-off-by-one",
    "pagination",
    "legacy offset is (page - 1) * per_page + 1: the first item of every page is lost",
)
async def _legacy_off_by_one(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if not answer.ok or not _is_legacy(body := answer.json()):
        return answer
    meta = body["meta"]
    contacts = await walk(forward, call)
    return legacy_answer(answer, int(meta["page"]), int(meta["per_page"]), contacts, _off_by_one)


@register(
    CATALOGUE,
    "total-count-ignores-filters",
    "pagination",
    "legacy totals (meta and X-Total*) count every contact, not the filtered ones",
)
async def _unfiltered_total(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if not answer.ok or not _is_legacy(body := answer.json()):
        return answer
    bare = await forward(call.only(["page", "per_page"]))
    if not bare.ok:
        return answer
    unfiltered = bare.json()["meta"]
    body["meta"]["total_count"] = unfiltered["total_count"]
    body["meta"]["total_pages"] = unfiltered["total_pages"]
    answer = answer.with_json(body)
    answer = answer.with_header("x-total", str(unfiltered["total_count"]))
    return answer.with_header("x-total-pages", str(unfiltered["total_pages"]))


@register(
    CATALOGUE,
    "total-pages-floor",
    "pagination",
    "total_pages rounds down (total_count // per_page), in meta and X-Total-Pages",
)
async def _pages_floor(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if not answer.ok or not _is_legacy(body := answer.json()):
        return answer
    meta = body["meta"]
    meta["total_pages"] = int(meta["total_count"]) // int(meta["per_page"])
    return answer.with_json(body).with_header("x-total-pages", str(meta["total_pages"]))


@register(
    CATALOGUE,
    "x-total-is-page-size",
    "pagination",
    "the X-Total header counts the items on the page, not the matching contacts",
)
async def _x_total(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if not answer.ok or not _is_legacy(body := answer.json()):
        return answer
    return answer.with_header("x-total", str(len(body["data"])))


def _both_envelopes(_call: Call, body: dict[str, Any]) -> dict[str, Any]:
    if _is_legacy(body):
        ends = {"before": None, "after": None}
        body["paging"] = {"cursors": ends, "next": None, "previous": None}
    else:
        count = len(body["data"])
        size = max(count, 1)
        body["meta"] = {"page": 1, "per_page": size, "total_pages": 1, "total_count": count}
    return body


register(
    CATALOGUE,
    "meta-and-paging",
    "pagination",
    "every response carries both envelopes, meta and paging",
)(body_rewrite(_both_envelopes))
