"""The catalogue: every kind of defect, as rows built from the contract's facts.

Filters (each ignored, each read with each breakage of its kind, paired, walked), both
pagination modes, each integer bound and rule, the item schema and an item's identity
across views, authentication, robustness and domain edges, spellings. Each row names the
promises it breaks; a row that breaks none of a contract's (no text filter...) is dropped.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from kapso_contacts.contract import (
    Contract,
    FieldPath,
    Filter,
    Instant,
    Mode,
    Parameter,
    Provenance,
    escape,
)

from ..app import _links
from ..store import Cursors
from ._kit import (
    CRASH,
    Answer,
    Call,
    Forward,
    Handler,
    Item,
    Mutant,
    Select,
    crash_when,
    inclusive,
    items_of,
    legacy_answer,
    legacy_request,
    on_bodies,
    on_pages,
    put,
    relisted,
    rewrite,
    spec_node,
    table,
    walk,
)

#: What a VARCHAR(255) column holds (the defect's own limit, not the contract's).
_COLUMN = 255
_RFC3339 = re.compile(
    r"(?P<head>[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]*))?(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
#: What Rails casts to true; any other word is false.
_RAILS_TRUE = ("1", "t", "T", "true", "TRUE", "True", "on", "yes")


def _drop(item: Item, name: str) -> Item:
    return {k: v for k, v in item.items() if k != name}


def _decomposed(text: Any) -> Any:
    return unicodedata.normalize("NFD", text) if isinstance(text, str) else text


def _slug(name: str) -> str:
    return name.replace("_", "-")


def _applied(call: Call) -> list[str]:
    """The filters the correct server applies to the call, in the spec's order."""
    return [name for name in call.contract.filters if call.value(name) is not None]


def _without(names: Callable[[Call], list[str]]) -> Handler:
    """The correct app asked without the parameters ``names(call)``."""
    return rewrite(lambda call: call.only(n for n, _ in call.query if n not in names(call)))


def _kept_by(filter_: Filter, keeps: Callable[[Any, Any], bool]) -> Select:
    """The listing under the call's other filters, then what ``keeps`` keeps of it."""

    def field(item: Item) -> Any:
        return FieldPath(filter_.field).get(item)

    async def select(call: Call, forward: Forward) -> list[Item]:
        value = call.value(filter_.parameter)
        others = [name for name in _applied(call) if name != filter_.parameter]
        return [item for item in await walk(call, forward, others) if keeps(field(item), value)]

    return select


def filter_mutants(contract: Contract) -> Iterator[Mutant]:
    """Each filter ignored, and read with each breakage of its kind; filters paired, walked."""
    filters, cursor = contract.filters, contract.pagination.cursor
    others, walks = (
        [f.provenance for f in filters.values()][1:],
        [cursor.provenance] * bool(filters),
    )

    def filtered_page(call: Call) -> bool:
        return call.mode == "cursor" and bool(call.value(cursor.after.name) and _applied(call))

    def given(name: str) -> Callable[[Call], bool]:
        return lambda call: call.value(name) is not None

    def ignores(name: str) -> Handler:
        return _without(lambda call: [name])

    # What a wrong reading of a hidden field keeps (``customer.external_id``) cannot be told
    # from the outside: its values are in no answer. Ignoring it can (an unknown value).
    shown = [f for f in filters.values() if not f.hidden]

    def tells(f: Filter, wrong: Callable[[Any, Any], bool]) -> bool:
        """Whether a wrong reading keeps other items than the kind's for some value the server
        takes: among an enum's values (any other is refused first), or for any text."""
        enum = contract.parameters[f.parameter].schema.get("enum")
        return enum is None or any(wrong(a, b) != f.meaning.keeps(a, b) for a in enum for b in enum)

    yield from table(contract, "filter", [
        *((f"ignores-{_slug(f.parameter)}", f"{f.parameter} is ignored", [f.provenance],
           ignores(f.parameter)) for f in filters.values()),
        *((f"{_slug(f.parameter)}-{wrong}", f"{f.parameter} ({f.kind}) is read: {wrong}",
           [f.provenance], relisted(given(f.parameter), _kept_by(f, keeps)), "values")
          for f in shown for wrong, keeps in f.meaning.breakages.items() if tells(f, keeps)),
    ])  # fmt: skip
    yield from table(contract, "pair", [
        ("only-the-first-filter-applies", "of several filters, only the spec's first one filters",
         others, _without(lambda call: _applied(call)[1:])),
    ])  # fmt: skip
    yield from table(contract, "walk", [
        ("boundary-repeated-under-a-filter", "under a filter, after is inclusive: pages repeat one",
         walks, relisted(filtered_page, beyond=inclusive)),
    ])  # fmt: skip


def schema_mutants(contract: Contract) -> Iterator[Mutant]:
    """The item schema broken, field by field as its type allows; the envelope, the content
    type; and an item that differs from one view to another (``x-kapso-items/identity``)."""
    fields, keys = contract.item.fields, {key.field for key in contract.order}
    text = [n for n, f in fields.items() if f.type == "string" and n not in keys]
    plain = [n for n in text if not fields[n].nullable and not fields[n].required]
    nulls = [n for n in text if fields[n].nullable and not fields[n].format]
    times = [n for n, f in fields.items() if f.format == "date-time"]
    total, identity = contract.pagination.legacy.meta["total-count"], [contract.item.identity]
    name, last = (plain[0], plain[-1]) if plain else ("", "")
    link = next((n for n in nulls if n != name), None)
    schema = f"/components/schemas/{escape(contract.item.schema)}/properties/"

    def node(*names: str) -> list[Any]:
        return [spec_node(contract, schema + escape(n)) for n in names if n]

    def each(mode: Mode | None, change: Callable[[Item], Item]) -> Handler:
        """Every item of the correct app's pages (of one mode, or any) changed."""

        def change_items(call: Call, body: Item) -> Item:
            put(body, contract.pagination.items, [change(dict(i)) for i in items_of(call, body)])
            return body

        return on_bodies(mode, change_items)

    def fields_of(
        names: list[str], value: Callable[[Any], Any], mode: Mode | None = None
    ) -> Handler:
        return each(mode, lambda item: {k: value(v) if k in names else v for k, v in item.items()})

    def total_as_text(call: Call, body: Item) -> Item:
        if total.present(body):
            put(body, total, str(total.get(body)))
        return body

    def nulled(item: Item) -> Item:
        return item if link and item.get(link) is not None else {**item, name: None}

    def renamed(item: Item) -> Item:  # camel-cased: profile_name is profileName
        head, *rest = name.split("_")
        new = head + "".join(part.title() for part in rest) if rest else name.upper()
        return {new if k == name else k: v for k, v in item.items()}

    yield from table(contract, "schema", [
        *((f"{_slug(n)}-as-number", f"{n} (a string of digits) is a JSON number", node(n),
           fields_of([n], lambda v: int(v) if isinstance(v, str) and v.isdigit() else v))
          for n in text if fields[n].sample.get("text") == "digits"),
        *((f"{_slug(n)}-as-string", f"{n} (a free-form object) is double-encoded as a string",
           node(n), fields_of([n], lambda v: v if v is None else json.dumps(v)))
          for n, f in fields.items() if f.type == "object" and not f.fields),
        ("timestamps-without-zone", f"{', '.join(times)} lose their zone (...15:05:00.000000)",
         node(*times), fields_of(times, lambda v: v.rstrip("Zz"))),
        (f"{_slug(name)}-renamed", f"{name} is served camel-cased",
         node(name), each(None, renamed)),
        (f"{_slug(name)}-null", f"{name} (never null) is null on items without a {link}",
         node(name), each(None, nulled)),
        ("total-count-as-string", f"{total.path} is a string",
         [contract.pagination.legacy.provenance], on_bodies("legacy", total_as_text)),
        ("html-content-type", "pages are sent as text/html (the JSON body unchanged)",
         [spec_node(contract, f"responses/{contract.success_status}/content")],
         on_pages(None, lambda c, answer, b: answer.with_header("content-type", "text/html"))),
    ])  # fmt: skip
    yield from table(contract, "identity", [
        ("legacy-writes-null-text-as-empty", f"legacy pages write a null {', '.join(nulls)} as ''",
         identity * bool(nulls), fields_of(nulls, lambda v: "" if v is None else v, "legacy")),
        (f"cursor-pages-drop-{_slug(last)}", f"cursor pages leave out {last}",
         identity * bool(last), each("cursor", lambda item: _drop(item, last))),
        ("legacy-text-in-nfd", "legacy pages write text decomposed (NFD): other bytes, same name",
         identity * bool(text), fields_of(text, _decomposed, "legacy"),
         "decomposable text"),
    ])  # fmt: skip


def auth_mutants(contract: Contract) -> Iterator[Mutant]:
    """A key let through that must not be, and a refusal answered the wrong way."""
    header, security = contract.api_key_header, [spec_node(contract, "security")]
    refused = [spec_node(contract, "responses/401")]

    def key(call: Call, sent: bool) -> Call:
        """The call with a key the server knows where one was ``sent`` (or not)."""
        return (
            call.with_header(header, call.keys[0])
            if bool(dict(call.headers).get(header.lower())) == sent
            else call
        )

    def on_401(change: Callable[[Answer], Answer]) -> Handler:
        async def handle(call: Call, forward: Forward) -> Answer:
            answer = await forward(call)
            return change(answer) if answer.status == 401 else answer

        return handle

    yield from table(contract, "auth", [
        ("any-key-accepted", "any key is accepted (only its presence is checked)",
         security, rewrite(lambda call: key(call, sent=True))),
        ("missing-key-accepted", "a missing or empty key skips the check (if key: verify(key))",
         security, rewrite(lambda call: key(call, sent=False))),
        ("unauthorized-is-403", "a missing or wrong key gets a 403, not the 401",
         refused, on_401(lambda answer: Answer(403, answer.headers, answer.body))),
        ("unauthorized-body-without-error", 'the 401 body is {"message": "Unauthorized"}',
         refused, on_401(lambda answer: answer.with_json({"message": "Unauthorized"}))),
    ])  # fmt: skip


def robustness_mutants(contract: Contract) -> Iterator[Mutant]:
    """A 500 on an odd but valid value (robustness), or on the edge of a type's domain."""
    text = [
        contract.parameters[n] for n, f in contract.filters.items() if f.meaning.value == "text"
    ]
    dates = [p for p in contract.parameters.values() if p.schema.get("format") == "date-time"]
    texts, times = [p.source_of("type") for p in text], [p.source_of("type") for p in dates]
    legacy, cursor = contract.pagination.legacy, [contract.pagination.cursor.provenance]

    def on(parameters: list[Parameter], bad: Callable[[str, Any], bool]) -> Handler:
        """A 500 where a parameter's text (or its typed value) is ``bad``."""
        return crash_when(
            lambda c, a: any(bad(c.get(p.name) or "", c.value(p.name)) for p in parameters)
        )

    def past_the_end(call: Call, answer: Answer) -> bool:
        page, pages = (legacy.meta[role].get(answer.json()) for role in ("page", "total-pages"))
        return call.mode == "legacy" and isinstance(page, int) and 0 < int(pages or 0) < page

    def late(text: str, value: Any) -> bool:
        return isinstance(value, Instant) and (value.beyond > 0 or value.floor.year >= 3000)

    yield from table(contract, "robustness", [
        ("crash-on-empty-cursor-page", "a 500 when a cursor page is empty (rows[-1] on no rows)",
         cursor, crash_when(lambda c, a: c.mode == "cursor" and not items_of(c, a.json()))),
        ("crash-on-page-past-the-end", "a 500 on a legacy page past the last one",
         [legacy.provenance], crash_when(past_the_end)),
        ("crash-on-astral-text", "a 500 when a text filter holds a character outside the BMP",
         texts, on(text, lambda v, _: any(ord(c) > 0xFFFF for c in v))),
        ("crash-on-long-filter", f"a 500 when a text filter is over {_COLUMN} characters long",
         texts, on(text, lambda v, _: len(v) > _COLUMN)),
        ("crash-on-offset-bound", "a 500 when a date-time has an offset other than Z",
         times, on(dates, lambda v, _: bool(re.search(r"[+-][0-9]{2}:[0-9]{2}$", v)))),
    ])  # fmt: skip
    yield from table(contract, "domain", [
        ("crash-on-plus-in-text-filter", "a 500 when a text filter holds a + (an E.164 number)",
         texts, on(text, lambda v, _: "+" in v)),
        ("crash-on-year-3000", "a 500 when a date-time is in the year 3000 or later",
         times, on(dates, late)),
    ])  # fmt: skip


def spelling_mutants(contract: Contract) -> Iterator[Mutant]:
    """A valid spelling of a date-time, an integer or a boolean read the wrong way."""
    params = contract.parameters.values()
    dates = [p for p in params if p.schema.get("format") == "date-time"]
    integers = [p for p in params if p.schema.get("type") == "integer"]
    booleans = [p for p in params if p.schema.get("type") == "boolean"]
    spelled, formats = contract.query.booleans.value, [p.source_of("format") for p in dates]

    def read(parameters: list[Parameter], spell: Callable[[str], str]) -> Handler:
        """Each parameter's text read as ``spell(text)`` by the correct app."""

        def change(call: Call) -> Call:
            for p in parameters:
                if (text := call.get(p.name)) and spell(text) != text:
                    call = call.with_param(p.name, spell(text))
            return call

        return rewrite(change)

    def date(reading: Callable[[str, str], tuple[str, str] | None]) -> Handler:
        """Date-times read with ``reading(fraction, zone) -> (fraction, zone)`` (None: refused,
        sent as a value the correct app refuses)."""

        def spell(text: str) -> str:
            if not (match := _RFC3339.fullmatch(text)):
                return text
            if (found := reading(match["fraction"] or "", match["zone"])) is None:
                return "not-a-date-time"
            return match["head"] + (f".{found[0]}" if found[0] else "") + found[1]

        return read(dates, spell)

    def octal(text: str) -> str:  # strtol with base 0: 010 is 8 (an invalid octal stays)
        return str(int(text, 8)) if re.fullmatch(r"-?0[0-7]+", text) else text

    def rails(text: str) -> str:
        return spelled.true[0] if text in _RAILS_TRUE else spelled.false[0]

    def flip(zone: str) -> str:
        return {"+": "-", "-": "+"}.get(zone[0], zone[0]) + zone[1:]

    yield from table(contract, "spelling", [
        ("bound-offset-dropped", "a date-time's offset is dropped: 10:00+02:00 read as 10:00Z",
         formats, date(lambda f, z: (f, "Z" if z[0] in "+-" else z))),
        ("bound-offset-sign-flipped", "a date-time's offset is applied the wrong way round",
         formats, date(lambda f, z: (f, flip(z)))),
        ("z-bound-read-in-local-time", "a date-time in Z is read in the server's zone, UTC-3",
         formats, date(lambda f, z: (f, "-03:00" if z in "Zz" else z))),
        ("bound-fraction-dropped", "a date-time's fraction of a second is dropped",
         formats, date(lambda f, z: ("", z))),
        ("bound-short-fraction-read-as-microseconds", "a short fraction is read as microseconds",
         formats, date(lambda f, z: (f and f.rjust(6, "0"), z))),
        ("bound-nanoseconds-refused", "a date-time with over 6 fractional digits is refused",
         formats, date(lambda f, z: None if len(f) > 6 else (f, z))),
        ("leading-zero-read-in-octal", "an integer with a leading zero is read in octal: 010 is 8",
         # Whether 010 is accepted is assumed; read, it is the documented integer 10.
         [contract.query.leading_zeros.provenance, *(p.source_of("type") for p in integers[:1])]
         * bool(integers),
         read(integers, octal)),
        ("booleans-cast-the-rails-way", "booleans cast as Rails does: 1/t/yes/on true, else false",
         [contract.query.booleans.provenance] * bool(booleans), read(booleans, rails)),
    ])  # fmt: skip


# -- paging ---------------------------------------------------------------------------


def _top(parameter: Parameter) -> int:
    return int(parameter.maximum if parameter.maximum is not None else parameter.default)


def _reordered(call: Call, body: Item, data: list[Item]) -> Item:
    put(body, call.contract.pagination.items, data)
    return body


def _ties_flipped(call: Call, body: Item) -> Item:
    """Items tied on all keys but the last, the other way round (no tie-breaker in ORDER BY)."""
    groups = itertools.groupby(items_of(call, body), key=lambda i: call.cursors.key_of(i)[:-1])
    return _reordered(call, body, [item for _, tied in groups for item in reversed(list(tied))])


def cursor_mutants(contract: Contract) -> Iterator[Mutant]:
    """The cursor mode's defects, forward and in the ``before`` branch."""
    cursor, order, codec = contract.pagination.cursor, contract.order, Cursors(contract)
    promise, full, first_key = [cursor.provenance], [cursor.full_pages], [order[0].provenance]
    limit, top, default = cursor.limit.name, _top(cursor.limit), [cursor.limit.source_of("default")]
    ties = [order[-1].provenance] if len(order) > 1 else []  # a keyset of several keys

    def after(call: Call) -> bool:
        return call.mode == "cursor" and call.value(cursor.after.name) is not None

    def before(call: Call) -> bool:
        return call.mode == "cursor" and call.value(cursor.before.name) is not None

    def paged(call: Call) -> bool:
        return after(call) or before(call)

    def size(change: Callable[[Call, int], int | None]) -> Handler:
        """The correct app asked for another page size: ``change(call, size)`` (None: none)."""

        def resize(call: Call) -> Call:
            if call.verdict.refused or call.mode != "cursor":
                return call
            new = change(call, now := call.verdict.page_size(contract))
            return call if new == now else call.with_param(limit, None if new is None else str(new))

        return rewrite(resize)

    def field(role: str, value: str | None, picked: Callable[[Call, Item], Any]) -> Handler:
        """The paging field ``role`` set to the page's field ``value`` on the pages picked."""

        def change(call: Call, body: Item) -> Item:
            if picked(call, body):
                put(body, getattr(cursor, role), value and getattr(cursor, value).get(body))
            return body

        return on_bodies("cursor", change)

    def unset(role: str) -> Callable[[Call, Item], bool]:
        return lambda call, body: bool(items_of(call, body)) and not getattr(cursor, role).get(body)

    def as_url(call: Call, body: Item) -> Item:
        if after := cursor.next.get(body):
            url = f"{contract.server_url}{contract.operation_path}"
            size = call.verdict.page_size(contract)
            put(body, cursor.next, f"{url}?{limit}={size}&{cursor.after.name}={after}")
        return body

    def in_reverse(picked: Callable[[Call], bool]) -> Handler:
        return on_bodies(
            None, lambda c, b: _reordered(c, b, items_of(c, b)[::-1]) if picked(c) else b
        )

    def look_ahead(count: int, change: Callable[[Item, list[Item]], None]) -> Handler:
        """``change(body, ahead)`` on pages with a next one, ``ahead`` its first ``count`` items."""

        async def handle(call: Call, forward: Forward) -> Answer:
            answer = await forward(call)
            if answer.status != 200 or call.mode != "cursor":
                return answer
            if not (next_ := cursor.next.get(body := answer.json())):
                return answer
            probe = call.with_param(cursor.before.name, None).with_param(cursor.after.name, next_)
            ahead = await forward(probe.with_param(limit, str(count)))
            change(body, items_of(call, ahead.json()) if ahead.status == 200 else [])
            return answer.with_json(body)

        return handle

    def skip_the_boundary(body: Item, ahead: list[Item]) -> None:
        if ahead:  # next from the row fetched to detect more, not from the page's last
            put(body, cursor.next, codec.encode(codec.key_of(ahead[0])))

    def no_next_with_one_left(body: Item, ahead: list[Item]) -> None:
        if len(ahead) == 1:
            put(body, cursor.next, None)

    def full_and_last(call: Call, body: Item) -> bool:
        is_full = len(items_of(call, body)) == call.verdict.page_size(contract)
        return is_full and cursor.next.get(body) is None

    yield from table(contract, "cursor", [
        ("cursor-skips-boundary-item", "next is the look-ahead row's cursor: an item lost per page",
         promise, look_ahead(1, skip_the_boundary)),
        ("cursor-after-inclusive", "after is inclusive (<= for <): each page repeats one item",
         promise, relisted(after, beyond=inclusive)),
        ("page-order-reversed", "each page lists its items in reverse (pages still in order)",
         first_key, in_reverse(lambda call: True)),
        ("next-not-null-at-end", "the last page still has a next cursor (to an empty page)",
         promise, field("next", "last", unset("next"))),
        ("next-set-on-exact-multiple", "next is set on any full page: an exact multiple ends on []",
         promise, field("next", "last", full_and_last)),
        ("next-null-with-one-left", "next is null when one item remains (look-ahead vs limit + 1)",
         promise, look_ahead(2, no_next_with_one_left)),
        ("previous-not-null-at-start", "the first page has a previous cursor (to an empty page)",
         promise, field("previous", "first", unset("previous"))),
        ("next-is-a-url", "next is a full URL, not the cursor to pass as after",
         promise, on_bodies("cursor", as_url)),
        ("short-pages-after-a-cursor", "pages reached with a cursor hold limit - 1 items",
         full, size(lambda call, n: n - 1 if n > 1 and paged(call) else n)),
        ("limit-maximum-serves-one-less", f"{limit}={top} serves one item less, with next",
         full, size(lambda call, n: top - 1 if n == top else n)),
        ("short-page-with-next-at-maximum", f"{limit}={top} serves half a page, with next",
         full, size(lambda call, n: max(1, top // 2) if n == top else n)),
        ("default-limit-is-the-maximum", f"a cursor page without {limit} holds the maximum",
         default, size(lambda call, n: top if call.get(limit) is None else n)),
        ("cursor-before-inclusive", "before is inclusive: the page before X ends with X itself",
         promise, relisted(before, beyond=inclusive)),
        ("before-ignores-limit", f"a page reached with before holds the default {limit}",
         full, size(lambda call, n: None if before(call) else n)),
        ("ignores-before", "before is ignored: the first page comes back",
         promise, rewrite(lambda c: c.with_param(cursor.before.name, None) if before(c) else c)),
        ("before-jumps-to-the-first-page", "before X serves the first items, not the page before X",
         promise, relisted(before, near=False)),
        ("before-pages-in-reverse", "a page reached with before lists its items in reverse",
         first_key, in_reverse(before)),
        ("previous-null-on-before-pages", "a page reached with before has no previous cursor",
         promise, field("previous", None, lambda call, body: before(call))),
        ("next-null-on-before-pages", "a page reached with before has no next cursor",
         promise, field("next", None, lambda call, body: before(call))),
        ("unstable-tie-order", f"cursor pages do not break ties by {order[-1].field}",
         ties, on_bodies("cursor", _ties_flipped), "ties"),
        ("keyset-on-the-first-key-only", f"the keyset compares {order[0].field} alone: ties lost",
         ties and promise, relisted(paged, beyond=lambda s: s[0] > 0), "ties"),
        ("keyset-compared-per-column", "the keyset compares each key alone (a <= ? AND b < ?)",
         ties and promise, relisted(paged, beyond=lambda s: min(s) >= 0 and s[-1] > 0)),
    ])  # fmt: skip


def legacy_mutants(contract: Contract) -> Iterator[Mutant]:
    """The legacy mode's defects: the offset, the totals, headers, ``Link``, its limits."""
    legacy, order = contract.pagination.legacy, contract.order
    promise, limits, window = [legacy.provenance], [legacy.limit_error], legacy.max_window
    page, first, status = legacy.page.name, legacy.first_page, legacy.limit_error_status
    ties = [order[-1].provenance] if len(order) > 1 else []
    maximum = [legacy.page.source_of("maximum")] if legacy.max_page is not None else []
    count, size, link = (legacy.header_for(role) for role in ("total-count", "per-page", "links"))

    def meta(body: Item, role: str) -> int:
        return int(legacy.meta[role].get(body))

    def setting(answer: Answer, body: Item, role: str, value: Any, in_meta: bool = True) -> Answer:
        """``answer`` (its body ``body``) with a ``meta`` role and the header carrying it set."""
        if in_meta:
            put(body, legacy.meta[role], value)
        header = legacy.header_for(role)
        return (answer.with_header(header, str(value)) if header else answer).with_json(body)

    def header(role: str, value: Callable[[Call, Item], Any]) -> Handler:
        return on_pages("legacy", lambda c, a, b: setting(a, b, role, value(c, b), in_meta=False))

    def totals(change: Callable[[int, int], tuple[int, int]]) -> Handler:
        """Totals (count, pages) changed by ``change(count, per_page)``, in meta and headers."""

        def change_totals(call: Call, answer: Answer, body: Item) -> Answer:
            n, pages = change(meta(body, "total-count"), meta(body, "per-page"))
            return setting(setting(answer, body, "total-count", n), body, "total-pages", pages)

        return on_pages("legacy", change_totals)

    def short_page_dropped(call: Call, body: Item) -> Item:
        if len(items_of(call, body)) < meta(body, "per-page"):
            put(body, contract.pagination.items, [])
        return body

    def more_links(call: Call, answer: Answer, body: Item) -> Answer:
        number, size, pages = *legacy_request(call), meta(body, "total-pages") + 1
        links = _links(contract, call.url, [*call.query], number, size, pages)
        return answer.with_header(link or "link", links)

    async def off_by_one(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if answer.status != 200 or call.mode != "legacy":
            return answer
        return legacy_answer(call, answer, await walk(call, forward), *legacy_request(call), 1)

    async def unfiltered(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if answer.status != 200 or call.mode != "legacy":
            return answer
        bare = call.only(p.name for p in legacy.parameters)
        everything, body = (await forward(bare)).json(), answer.json()
        answer = setting(answer, body, "total-count", meta(everything, "total-count"))
        return setting(answer, body, "total-pages", meta(everything, "total-pages"))

    def refusals(change: Callable[[Call, Forward, Answer, Item], Awaitable[Answer]]) -> Handler:
        """``await change(call, forward, answer, body)`` on the legacy limit's refusals."""

        async def handle(call: Call, forward: Forward) -> Answer:
            answer = await forward(call)
            body = answer.json() if answer.status == status else None
            if not isinstance(body, dict) or body.get("message") != legacy.limit_error_code:
                return answer
            return await change(call, forward, answer, body)

        return handle

    async def generic_body(call: Call, _: Forward, answer: Answer, body: Item) -> Answer:
        return answer.with_json({"error": str(body.get("detail")), "parameter": page})

    async def as_422(call: Call, _: Forward, answer: Answer, body: Item) -> Answer:
        return answer.with_json(body, 422)

    async def past_the_largest(call: Call, forward: Forward, answer: Answer, _: Item) -> Answer:
        number, size = (int(call.get(p.name) or p.default) for p in legacy.parameters)
        page_one = await forward(call.with_param(page, str(first)))
        if number * size > window.value or page_one.status != 200:
            return answer  # the window refuses it too
        return legacy_answer(call, page_one, await walk(call, forward), number, size)

    def window_refused(call: Call) -> Call:
        """The largest window asked as the next page (``>=`` for ``>``): the limit refuses it."""
        if call.verdict.refused or call.mode != "legacy":
            return call
        number, size = legacy_request(call)
        return call.with_param(page, str(number + 1)) if number * size == window.value else call

    yield from table(contract, "legacy", [
        ("legacy-offset-off-by-one", "the offset is (page - 1) * per_page + 1: a first item lost",
         promise, off_by_one),
        ("legacy-ties-disagree", f"legacy pages break ties by {order[-1].field} the other way",
         ties, on_bodies("legacy", _ties_flipped), "ties"),
        ("legacy-last-page-dropped-when-short", "a page short of per_page items comes back empty",
         promise, on_bodies("legacy", short_page_dropped)),
        ("total-count-ignores-filters", "the totals (meta and headers) count the unfiltered items",
         promise, unfiltered),
        ("total-count-off-by-one", "the totals count one item more than match",
         promise, totals(lambda n, size: (n + 1, math.ceil((n + 1) / size)))),
        ("total-pages-floor", "the page count rounds down (count // per_page)",
         promise, totals(lambda n, size: (n, n // size))),
        ("total-pages-one-too-many-on-exact-multiples", "the page count is count // per_page + 1",
         promise, totals(lambda n, size: (n, n // size + 1))),
        ("total-header-is-page-size", f"{count} counts the items on the page",
         promise * bool(count), header("total-count", lambda c, b: len(items_of(c, b)))),
        ("per-page-header-is-the-default", f"{size} always says the default page size",
         promise * bool(size),
         header("per-page", lambda c, b: legacy.per_page.default)),
        ("meta-page-zero-based", "the page number (meta and header) counts from 0", promise,
         on_pages("legacy", lambda c, a, b: setting(a, b, "page", meta(b, "page") - first))),
        ("link-next-on-the-last-page", "Link counts one page too many: rel=next on the last page",
         promise * bool(link), on_pages("legacy", more_links)),
        ("legacy-limit-generic-body", "the legacy limit's refusal has the generic error body",
         limits, refusals(generic_body)),
        ("legacy-limit-422", f"the legacy limit is refused with a 422, not a {status}",
         limits, refusals(as_422)),
        ("page-maximum-not-enforced", f"pages past {legacy.max_page} are served (the window holds)",
         maximum, refusals(past_the_largest)),
        ("largest-window-refused", f"the largest window ({window.value}) is refused (>= for >)",
         [window.provenance], rewrite(window_refused)),
    ])  # fmt: skip


def bound_and_rule_mutants(contract: Contract) -> Iterator[Mutant]:
    """Each integer parameter's edges refused as if past them; a 500 on each rule."""

    def as_past(name: str, edge: int, step: int) -> Handler:
        return rewrite(
            lambda c: c.with_param(name, str(edge + step)) if c.value(name) == edge else c
        )

    def crash_on(triggered: Callable[[set[str]], bool]) -> Handler:
        async def handle(call: Call, forward: Forward) -> Answer:
            return CRASH if triggered({k for k, _ in call.query}) else await forward(call)

        return handle

    integers = [p for p in contract.parameters.values() if p.schema.get("type") == "integer"]
    legacy = contract.pagination.legacy

    def broken(p: Parameter, bound: str, edge: int) -> list[Provenance]:
        """The bound's promise; refusing the first legacy page also breaks legacy paging."""
        first = p.name == legacy.page.name and edge == legacy.first_page
        return [p.source_of(bound), *[legacy.provenance] * first]

    yield from table(contract, "bound", [
        (f"{p.name.replace('_', '-')}-{bound}-refused", f"{p.name}={edge} (its {bound}) is refused",
         broken(p, bound, edge), as_past(p.name, edge, step))
        for p in integers
        for bound, edge, step in (("maximum", p.maximum, 1), ("minimum", p.minimum, -1))
        if edge is not None
    ])  # fmt: skip
    # A 500 is never an answer (the operation documents none): whatever the rule's reading.
    responses = spec_node(contract, contract.operation_pointer + "/responses")
    yield from table(contract, "rule", [
        (f"{rule.id}-crashes", f"a 500 when {rule.describe()} come together",
         [rule.provenance, responses], crash_on(rule.triggered_by))
        for rule in contract.rules
    ])  # fmt: skip


def mutants(contract: Contract) -> Iterator[Mutant]:
    """Every mutant of the contract, kind by kind."""
    for kind in (filter_mutants, cursor_mutants, legacy_mutants, bound_and_rule_mutants):
        yield from kind(contract)
    for kind in (schema_mutants, auth_mutants, robustness_mutants, spelling_mutants):
        yield from kind(contract)
