"""The mechanism: what a mutant is, the call and answer it sees, the one ASGI wrapper that
runs it, handlers made of one change, and re-paging (a mutant that changes what is listed
reads the correct listing, a cursor walk through ``forward``, and serves it again)."""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from kapso_contacts.contract import Assessment, Contract, FieldPath, Mode, Provenance, assess

from ..app import Message, Receive, Scope, Send, _links, _put, _url
from ..store import Cursors

Item = dict[str, Any]
Pairs = tuple[tuple[str, str], ...]
Forward = Callable[["Call"], Awaitable["Answer"]]
#: What a mutant does with a call: rewrite it, forward it (maybe more than once), change the answer.
Handler = Callable[["Call", Forward], Awaitable["Answer"]]


@dataclass(frozen=True)
class Mutant:
    """A defect: ``breaks`` the spec pointers (relative) of the promises it breaks, ``documented``
    whether one is documented, ``needs`` what the data must hold to show it (``ties``...)."""

    name: str
    category: str
    description: str
    breaks: tuple[str, ...]
    documented: bool
    handler: Handler
    needs: tuple[str, ...] = ()


def table(contract: Contract, category: str, rows: Iterable[tuple[Any, ...]]) -> Iterator[Mutant]:
    """Mutants from rows ``(name, description, promises, handler[, need])``; a row that breaks
    no promise of the contract (no text filter to crash on...) is no mutant of it."""
    for name, description, promises, handler, *needs in rows:
        if promises:
            breaks = tuple(dict.fromkeys(contract.relative(p.pointer) for p in promises))
            documented = any(p.documented for p in promises)
            yield Mutant(name, category, description, breaks, documented, handler, tuple(needs))


def spec_node(contract: Contract, pointer: str) -> Provenance:
    """The promise of a plain OpenAPI node (a response, a schema): documented, as a parameter's
    keywords without a provenance of their own are (``Parameter.source_of``)."""
    return Provenance(contract.absolute(pointer), contract.file, "schema", pointer)


def _with(headers: Pairs, name: str, value: str) -> Pairs:
    return (*((k, v) for k, v in headers if k != name.lower()), (name.lower(), value))


def _decoded(headers: Iterable[tuple[bytes, bytes]]) -> Pairs:
    return tuple(
        (bytes(k).decode("latin-1").lower(), bytes(v).decode("latin-1")) for k, v in headers
    )


def _encoded(headers: Pairs) -> list[tuple[bytes, bytes]]:
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]


@dataclass(frozen=True)
class Call:
    """A request to the list endpoint as received, and the server's contract, codec, keys and
    the listings a mutant read from it (by their filters: what a walk found, and its probe)."""

    contract: Contract
    cursors: Cursors
    keys: tuple[str, ...]
    listings: dict[Pairs, tuple[bytes, list[Item]]]
    query: Pairs
    headers: Pairs  # names lowercase
    url: str
    raw: bytes | None = None  # the query string as received, until it is rewritten

    @cached_property
    def verdict(self) -> Assessment:
        """The query as the correct server reads it."""
        return assess(self.contract, self.query)

    @property
    def mode(self) -> Mode:
        return self.verdict.mode

    def value(self, name: str) -> Any:
        """The typed value the correct server reads for a parameter (None: none)."""
        return self.verdict.values.get(name)

    def get(self, name: str) -> str | None:
        """A parameter's text, the one the server reads when it is repeated."""
        values = [value for key, value in self.query if key == name]
        first = self.contract.query.repeated.value == "first"
        return (values[0] if first else values[-1]) if values else None

    def with_param(self, name: str, value: str | None) -> Call:
        """The call with ``name`` set to one ``value`` (None: removed)."""
        pairs = [(k, v) for k, v in self.query if k != name]
        pairs += [] if value is None else [(name, value)]
        return replace(self, query=tuple(pairs), raw=None)

    def only(self, names: Iterable[str]) -> Call:
        keep = set(names)
        return replace(self, query=tuple(p for p in self.query if p[0] in keep), raw=None)

    def with_header(self, name: str, value: str) -> Call:
        return replace(self, headers=_with(self.headers, name, value))


@dataclass(frozen=True)
class Answer:
    """A whole response: status, headers (names lowercase), body."""

    status: int
    headers: Pairs
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def with_header(self, name: str, value: str) -> Answer:
        return replace(self, headers=_with(self.headers, name, value))

    def with_json(self, payload: Any, status: int | None = None) -> Answer:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return replace(self, body=body, status=status or self.status)


#: What a server with an unhandled exception answers (uvicorn's and Starlette's default).
CRASH = Answer(500, (("content-type", "text/plain; charset=utf-8"),), b"Internal Server Error")


class Worn:
    """The correct app wearing one mutant: calls to the list endpoint go through its handler."""

    def __init__(self, app: Any, mutant: Mutant, api_keys: Iterable[str]) -> None:
        self.app, self.mutant, self.contract = app, mutant, app.contract
        self.cursors, self.keys = Cursors(self.contract), tuple(api_keys)
        self.listings: dict[Pairs, tuple[bytes, list[Item]]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)  # ``store``, ``requests``... stay reachable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI event (other paths, methods and lifespan events pass through)."""
        if (
            scope["type"] != "http"
            or scope["path"] != self.contract.path
            or scope["method"] not in ("GET", "HEAD")
        ):
            return await self.app(scope, receive, send)  # type: ignore[no-any-return]
        raw = bytes(scope.get("query_string", b""))
        headers = _decoded(scope["headers"])
        query = tuple(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
        call = Call(
            self.contract,
            self.cursors,
            self.keys,
            self.listings,
            query,
            headers,
            _url(scope, dict(headers)),
            raw,
        )
        answer = await self.mutant.handler(call, lambda c: self._forward(scope, c))
        head = _encoded(_with(answer.headers, "content-length", str(len(answer.body))))
        body = b"" if scope["method"] == "HEAD" else answer.body
        await send({"type": "http.response.start", "status": answer.status, "headers": head})
        await send({"type": "http.response.body", "body": body})

    async def _forward(self, scope: Scope, call: Call) -> Answer:
        """The wrapped app's whole answer to ``call`` (as a GET: a mutant reads the body)."""
        query = call.raw if call.raw is not None else urlencode(call.query).encode()
        headers = _encoded(call.headers)
        start: Message = {}
        chunks: list[bytes] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(bytes(message.get("body", b"")))

        await self.app(
            {**scope, "method": "GET", "query_string": query, "headers": headers}, receive, send
        )
        return Answer(int(start["status"]), _decoded(start["headers"]), b"".join(chunks))


def rewrite(change: Callable[[Call], Call]) -> Handler:
    """A handler that only changes the request the correct app sees."""

    async def handle(call: Call, forward: Forward) -> Answer:
        return await forward(change(call))

    return handle


def on_pages(mode: Mode | None, change: Callable[[Call, Answer, Item], Answer]) -> Handler:
    """A handler applying ``change(call, answer, body)`` to the correct app's pages (of a mode)."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if answer.status != 200 or mode not in (None, call.mode):
            return answer
        return change(call, answer, answer.json())

    return handle


def on_bodies(mode: Mode | None, change: Callable[[Call, Item], Item]) -> Handler:
    """A handler applying ``change(call, body)`` to the correct app's pages (of a mode)."""
    return on_pages(mode, lambda call, answer, body: answer.with_json(change(call, body)))


def crash_when(trigger: Callable[[Call, Answer], Any]) -> Handler:
    """A handler answering a 500 where a request the correct app serves meets ``trigger``."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        return CRASH if answer.status == 200 and trigger(call, answer) else answer

    return handle


# -- re-paging ------------------------------------------------------------------------

#: Pages a walk reads before it gives up (a loop in the wrapped app); listings a server keeps.
MAX_WALK_PAGES, MAX_LISTINGS = 100_000, 64
#: Whether a keyset lies past another toward the listing's end, from their comparison key
#: by key (+1: later on that key, -1: earlier, 0: tied). Mutants pass wrong ones.
Beyond = Callable[[Sequence[int]], bool]
Select = Callable[[Call, Forward], Awaitable[list[Item]]]


def keyset(signs: Sequence[int]) -> bool:
    return next((s for s in signs if s), 0) > 0


def inclusive(signs: Sequence[int]) -> bool:
    """The bound itself counts as past it (``<=`` for ``<``)."""
    return next((s for s in signs if s), 0) >= 0


def put(body: Item, path: FieldPath, value: Any) -> None:
    _put(body, path.parts, value)


def items_of(call: Call, body: Any) -> list[Item]:
    found = call.contract.pagination.items.get(body)
    return list(found) if isinstance(found, list) else []


async def walk(call: Call, forward: Forward, filters: Iterable[str] | None = None) -> list[Item]:
    """Every item the wrapped app lists for the call's filters (or ``filters``), in order.

    A listing read before is read again only when its probe (the legacy page of one item:
    the count and the first item) changed: an account that grows is never served stale.

    Raises:
        RuntimeError: the wrapped app refused a page of the walk, or never ended it.
    """
    cursor, per_page = call.contract.pagination.cursor, call.contract.pagination.legacy.per_page
    page = call.only(call.contract.filters if filters is None else filters)
    probe = (await forward(page.with_param(per_page.name, "1"))).body
    if (known := call.listings.get(page.query)) and known[0] == probe:
        return known[1]
    page = page.with_param(cursor.limit.name, str(cursor.limit.maximum or cursor.limit.default))
    items: list[Item] = []
    for _ in range(MAX_WALK_PAGES):
        answer = await forward(page)
        if answer.status != 200:
            raise RuntimeError(f"a page of the walk got {answer.status}")
        items += items_of(call, body := answer.json())
        if not (after := cursor.next.get(body)):
            if len(call.listings) >= MAX_LISTINGS:
                del call.listings[next(iter(call.listings))]
            call.listings[page.only(call.contract.filters).query] = (probe, items)
            return items
        page = page.with_param(cursor.after.name, after)
    raise RuntimeError("the walk did not end")


@lru_cache(maxsize=1 << 16)
def _keyset(cursors: Cursors, values: tuple[Any, ...]) -> tuple[str, ...]:
    """An item's keyset in the codec's stored form (parsed once per listing of a server)."""
    return cursors.key_of(dict(zip(cursors.columns, values, strict=True)))


def _cut(call: Call, body: Item, items: Sequence[Item], beyond: Beyond, near: bool) -> Item:
    """``body`` holding the cursor page the call asks for, cut from ``items`` (in order);
    ``near=False``: the page before a cursor is the top of what lies before it."""
    contract, cursors = call.contract, call.cursors
    cursor, size = contract.pagination.cursor, call.verdict.page_size(contract)
    keys = [_keyset(cursors, tuple(item.get(c) for c in cursors.columns)) for item in items]

    def past(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        return beyond([
            (x < y) - (x > y) if key.descending else (x > y) - (x < y)
            for x, y, key in zip(a, b, contract.order, strict=True)
        ])  # fmt: skip

    after, before = call.value(cursor.after.name), call.value(cursor.before.name)
    if before is not None:
        rest = [i for i, k in enumerate(keys) if past(cursors.decode(before), k)]
        shown = rest[-size:] if near else rest[:size]
        has_next = bool(shown) and any(past(k, keys[shown[-1]]) for k in keys)
        has_previous = len(rest) > size
    else:
        bound = None if after is None else cursors.decode(after)
        rest = [i for i, k in enumerate(keys) if bound is None or past(k, bound)]
        shown, has_next = rest[:size], len(rest) > size
        has_previous = bool(after and rest) and any(past(keys[rest[0]], k) for k in keys)
    first, last = (cursors.encode(keys[shown[i]]) if shown else None for i in (0, -1))
    put(body, contract.pagination.items, [items[i] for i in shown])
    put(body, cursor.first, first)
    put(body, cursor.last, last)
    put(body, cursor.next, last if has_next else None)
    put(body, cursor.previous, first if has_previous else None)
    return body


def legacy_request(call: Call) -> tuple[int, int]:
    """(page, per_page) of a legacy call, as the correct app reads them."""
    legacy = call.contract.pagination.legacy
    page = int(call.value(legacy.page.name) or legacy.page.default)
    return max(page, legacy.first_page), call.verdict.page_size(call.contract)


def legacy_answer(
    call: Call, template: Answer, items: Sequence[Item], page: int, size: int, shift: int = 0
) -> Answer:
    """The legacy page of ``items`` (the whole listing; its data ``shift`` items further on),
    with meta, headers and ``Link``; ``template``, a correct page, gives the rest."""
    contract, legacy = call.contract, call.contract.pagination.legacy
    pages, start = math.ceil(len(items) / size), (page - legacy.first_page) * size + shift
    roles: dict[str, Any] = {"page": page, "per-page": size, "total-pages": pages}
    roles["total-count"] = len(items)
    roles["links"] = _links(contract, call.url, [*call.query], page, size, pages)
    body: Item = {}
    put(body, contract.pagination.items, list(items[start : start + size]))
    for role, path in legacy.meta.items():
        put(body, path, roles[role])
    answer = template.with_json(body, 200)
    for name, role in legacy.headers.items():
        answer = answer.with_header(name, str(roles[role]))
    return answer


def relisted(
    picked: Callable[[Call], Any], select: Select = walk, beyond: Beyond = keyset, near: bool = True
) -> Handler:
    """A handler serving what ``select`` lists (the correct listing by default) as the page a
    call ``picked`` asks for (``beyond``, ``near``: how a cursor page is cut, see ``_cut``)."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        if answer.status != 200 or not picked(call):
            return answer
        items = await select(call, forward)
        if call.mode == "legacy":
            return legacy_answer(call, answer, items, *legacy_request(call))
        return answer.with_json(_cut(call, answer.json(), items, beyond, near))

    return handle
