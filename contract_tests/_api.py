"""Requests built from the contract, the replies, and what every reply is held to on arrival.

`Api.get(**typed)` writes each typed value as the query carries it
(`to_query_value`); `Api.raw(pairs)` sends any query. Every reply is checked
as it arrives: a documented status has its documented media type and body
(jsonschema-rs, formats included); what the spec does not document is drift;
every item is the same record wherever it appears (the identity registry);
served cursors join the pool of issued cursors. Walks (cursor and legacy)
check each page and are read once per run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import jsonschema_rs
from _pytest.outcomes import Skipped

from kapso_contacts.contract import Assessment, Contract, Provenance, assess, to_query_value

from . import _pages
from ._run import BudgetExhausted, Run
from ._verdicts import answer, explained, promise, served_by, served_verdict, snippet

# Headers any HTTP server or proxy may add; they say nothing about this API.
GENERIC_HEADERS = frozenset(
    """content-type content-length content-encoding date server connection keep-alive vary
    transfer-encoding cache-control etag via age expires pragma last-modified alt-svc
    strict-transport-security x-content-type-options x-frame-options referrer-policy
    x-xss-protection content-security-policy permissions-policy x-request-id x-runtime
    report-to nel set-cookie retry-after allow""".split()  # noqa: SIM905
)
GENERIC_PREFIXES = ("access-control-", "cf-", "x-amz-", "x-cache", "x-served-by", "x-vercel-")


class BudgetSpent(Skipped):
    """A check skipped because the run's request budget is spent (a pytest skip)."""


def schema_promise(contract: Contract, status: int) -> Provenance:
    """The promise that an answer of ``status`` is as its response documents it."""
    where = f"{contract.operation_pointer}/responses/{status}"
    return Provenance(where, contract.file, "schema", f"the {status} response")


@dataclass(frozen=True)
class Reply:
    """One request and its answer."""

    contract: Contract = field(repr=False)
    pairs: tuple[tuple[str, str], ...]
    status: int
    headers: httpx.Headers
    body: Any
    url: str

    @property
    def items(self) -> list[dict[str, Any]]:
        """The items of the page."""
        return _pages.items_of(self.contract, self.body)

    @property
    def ids(self) -> list[str]:
        """The items' identities, in order."""
        return _pages.ids_of(self.contract, self.items)

    @property
    def next(self) -> Any:
        """The cursor for the next page (None at the end)."""
        return self.contract.pagination.cursor.next.get(self.body)

    @property
    def previous(self) -> Any:
        """The cursor for the previous page (None at the start)."""
        return self.contract.pagination.cursor.previous.get(self.body)


@dataclass(frozen=True)
class Walk:
    """The pages of one walk, in order."""

    pages: list[Reply]

    @property
    def items(self) -> list[dict[str, Any]]:
        """Every item, in walk order."""
        return [item for page in self.pages for item in page.items]

    @property
    def ids(self) -> list[str]:
        """Every identity, in walk order."""
        return [key for page in self.pages for key in page.ids]


class Api:
    """The list operation of the run's contract, through the run's budgeted client."""

    def __init__(self, run: Run, client: httpx.Client) -> None:
        self.run, self.http = run, client
        self.pool: dict[str, None] = {}  # issued cursors, in the order seen
        self.records: dict[str, tuple[str, dict[str, Any]]] = {}
        self._validators: dict[int, Any] = {}

    def __repr__(self) -> str:
        return f"Api({self.run.target.base_url})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis prints examples so
        printer.text(repr(self))

    @property
    def contract(self) -> Contract:
        """The effective contract of the run."""
        return self.run.now

    @property
    def known(self) -> set[str]:
        """The spec locations of the mismatches found so far (they explain first)."""
        return set(self.run.findings.mismatches)

    def knows(self, name: str, value: str) -> bool:
        """Whether ``value`` is a cursor the server issued (``assess``'s ``readable``)."""
        return value in self.pool

    def verdict(self, reply: Reply, contract: Contract | None = None) -> Assessment:
        """What the contract says of the query a reply answers."""
        return assess(contract or self.contract, reply.pairs, readable=self.knows)

    def query(self, **typed: Any) -> list[tuple[str, str]]:
        """Typed values written as the query carries them (None: left out)."""
        contract = self.contract
        return [
            (name, to_query_value(contract, contract.parameters[name], value))
            for name, value in typed.items()
            if value is not None
        ]

    def get(self, **typed: Any) -> Reply:
        """GET the list with typed parameters (ints, bools, datetimes, strings)."""
        return self.raw(self.query(**typed))

    def raw(
        self,
        pairs: Mapping[str, str] | Iterable[tuple[str, str]],
        *,
        client: httpx.Client | None = None,
    ) -> Reply:
        """GET the list with query values as given."""
        pairs = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
        try:
            response = (client or self.http).get(
                self.contract.operation_path, params=httpx.QueryParams(tuple(pairs))
            )
        except BudgetExhausted as exc:
            raise BudgetSpent(str(exc)) from None
        return self.received(response)

    def received(self, response: httpx.Response) -> Reply:
        """A reply, checked on arrival (see the module docstring)."""
        contract = self.contract
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            body = None
        pairs = tuple(response.request.url.params.multi_items())
        reply = Reply(
            contract, pairs, response.status_code, response.headers, body, str(response.url)
        )
        self._drift(reply)
        if reply.status in contract.statuses and response.request.method == "GET":
            self._conforms(reply)
        if reply.status == contract.success_status:
            for item in reply.items:
                self._same_record(item, reply.url)
            for cursor in (reply.next, reply.previous):
                if isinstance(cursor, str):
                    self.pool.setdefault(cursor)
        return reply

    def _conforms(self, reply: Reply) -> None:
        contract, status = self.contract, reply.status
        why = schema_promise(contract, status)
        media = reply.headers.get("content-type", "").split(";")[0].strip().lower()
        types = contract.media_types(status)
        promise(
            not types or media in types,
            why,
            f"a {status} is {sorted(types)}; got {media!r} (GET {reply.url})",
        )
        if status not in self._validators:
            schema = contract.body_schema(status)
            self._validators[status] = schema and jsonschema_rs.Draft202012Validator(
                {**schema, "components": contract.spec.get("components", {})}, validate_formats=True
            )
        validator = self._validators[status]
        for error in validator.iter_errors(reply.body) if validator else ():
            where = "".join(
                f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.instance_path
            )
            promise(
                False,
                why,
                f"a {status} body matches its schema; body{where}: {error.message[:160]}"
                f" (GET {reply.url})",
            )

    def _drift(self, reply: Reply) -> None:
        contract, where = self.contract, f"{reply.status} from {reply.url}"
        if reply.status not in contract.statuses:
            self.run.note_drift(f"status {reply.status}", where)
        rate = contract.rate_limit
        known = contract.response_headers(reply.status) | {
            rate.limit_header.lower(),
            rate.remaining_header.lower(),
        }
        for name in reply.headers:
            lower = name.lower()
            if (
                lower not in known
                and lower not in GENERIC_HEADERS
                and not lower.startswith(GENERIC_PREFIXES)
            ):
                self.run.note_drift(f"header {name}", where)
        if reply.status != contract.success_status or not isinstance(reply.body, dict):
            return
        pagination = contract.pagination
        envelopes = {
            pagination.items.parts[0],
            pagination.cursor.envelope,
            pagination.legacy.envelope,
        }
        for name in set(reply.body) - envelopes:
            self.run.note_drift(f"member {name}", where)
        for item in reply.items:
            for name in set(item) - set(contract.item.fields):
                self.run.note_drift(f"field {contract.item.schema}.{name}", where)

    def _same_record(self, item: dict[str, Any], url: str) -> None:
        """An item is the same record wherever it appears, unless it was updated meanwhile."""
        contract = self.contract
        omitted = contract.item.nulls.value == "omitted"
        shown = {k: v for k, v in item.items() if v is not None} if omitted else item
        text = json.dumps(shown, sort_keys=True, ensure_ascii=False)
        key = str(item.get(contract.identity))
        seen = self.records.get(key)
        if seen is None or seen[0] == text:
            self.records.setdefault(key, (text, item))
            return
        stamps = [
            n
            for n, f in contract.item.fields.items()
            if f.format == "date-time" and n not in {k.field for k in contract.order}
        ]
        if any(n in seen[1] and n in item and seen[1][n] != item[n] for n in stamps):
            self.records[key] = (text, item)  # updated between the two views
            return
        differ = sorted(
            n
            for n in {*seen[1], *item}
            if json.dumps(seen[1].get(n, "<absent>")) != json.dumps(item.get(n, "<absent>"))
        )
        promise(
            False,
            contract.item.identity,
            f"an item is the same record wherever it appears; {contract.identity}={key} differs in"
            f" {differ}: {snippet({n: seen[1].get(n, '<absent>') for n in differ})} then"
            f" {snippet({n: item.get(n, '<absent>') for n in differ})} (GET {url})",
        )

    def answered(self, reply: Reply, why: Provenance, what: str, *, body_too: bool = True) -> Reply:
        """The reply is what the contract asks for its query (``why``: the rule serving it), and a
        served page is sound."""
        answer(self.contract, reply.pairs, reply.status, reply.body, readable=self.knows,
               served=why,
               what=f"{what} (GET {reply.url})", known=self.known, body_too=body_too)  # fmt: skip
        self.page(reply)
        return reply

    def page(self, reply: Reply) -> None:
        """A served page is sound on its own (another reading may explain a difference)."""
        if reply.status != self.contract.success_status:
            return
        explained(
            self.contract,
            lambda c: _pages.one_page(
                c, served_verdict(c, reply.pairs, self.knows), reply.headers, reply.body
            ),
            self.known,
        )

    # -- walks ----------------------------------------------------------------

    def walk(
        self,
        query: Mapping[str, Any],
        size: int,
        *,
        max_items: int,
        size_once: bool = False,
        stop_after: int | None = None,
    ) -> Walk:
        """Follow ``next`` from the first page until it is null (read once per run).

        Every page but the last holds ``size`` items: a short page with a ``next``
        is a violation, and so is a ``next`` leading to an empty page. A walk of
        more pages than ``max_items`` allows fails too. ``size_once``: only the
        first page names its size (the rest get the default).
        """
        key = (
            "cursor",
            tuple(sorted((n, str(v)) for n, v in query.items())),
            size,
            size_once,
            stop_after,
        )
        if key in self.run.memo:
            walk: Walk = self.run.memo[key]
            return walk
        cursor = self.contract.pagination.cursor
        pages: list[Reply] = []
        after: str | None = None
        while True:
            sized = None if size_once and after else size
            page = self.answered(
                self.get(**query, **{cursor.limit.name: sized, cursor.after.name: after}),
                served_by(self.contract, {cursor.limit.name: size}, cursor.provenance),
                "a cursor page of valid parameters",
            )
            promise(
                page.next is None or len(page.items) == size,
                cursor.full_pages,
                f"a page with a next cursor is full ({size}); page {len(pages) + 1} holds"
                f" {len(page.items)} (GET {page.url})",
            )
            promise(
                page.items or not pages,
                cursor.full_pages,
                f"`next` is null at the end; page {len(pages)} led to an empty page"
                f" (GET {page.url})",
            )
            pages.append(page)
            after = page.next if isinstance(page.next, str) else None
            if after is None or len(pages) == stop_after:
                break
            promise(
                len(pages) <= max_items // size + 1,
                cursor.provenance,
                f"a walk of at most {max_items} items at {size} a page ends; `next` is still set"
                f" after page {len(pages)} (GET {page.url})",
            )
        self.run.memo[key] = walk = Walk(pages)
        return walk

    def legacy_walk(self, query: Mapping[str, Any], size: int, *, max_items: int) -> Walk:
        """Read legacy pages from the first until the last (read once per run)."""
        key = ("legacy", tuple(sorted((n, str(v)) for n, v in query.items())), size)
        if key in self.run.memo:
            walk: Walk = self.run.memo[key]
            return walk
        legacy = self.contract.pagination.legacy
        pages: list[Reply] = []
        number = legacy.first_page
        while True:
            page = self.answered(
                self.get(**query, **{legacy.page.name: number, legacy.per_page.name: size}),
                served_by(self.contract, {legacy.per_page.name: size}, legacy.provenance),
                "a legacy page within the documented limits",
            )
            pages.append(page)
            total = legacy.meta["total-pages"].get(page.body)
            last = legacy.first_page + (total if isinstance(total, int) else 1) - 1
            _pages.link_next(self.contract, page.headers, number, last, page.url)
            if not page.items or number >= last:
                break
            promise(
                len(pages) <= max_items // size + 1,
                legacy.provenance,
                f"a legacy walk of at most {max_items} items ends;"
                f" {legacy.meta['total-pages'].path}"
                f"={total} (GET {page.url})",
            )
            number += 1
        self.run.memo[key] = walk = Walk(pages)
        return walk

    def read_as(self, reply: Reply, why: Provenance, what: str) -> None:
        """The reply answers its query as the contract reads it: as the query written plainly.

        Refused if the contract refuses it; else the same page as the values the
        contract reads, written in their plain spelling (read once per query).
        """
        answer(
            self.contract,
            reply.pairs,
            reply.status,
            reply.body,
            readable=self.knows,
            served=why,
            what=f"{what} (GET {reply.url})",
            known=self.known,
        )
        if reply.status != self.contract.success_status:
            return
        self.page(reply)
        plain: dict[tuple[tuple[str, str], ...], Reply] = {}

        def check(reading: Contract) -> None:
            verdict = served_verdict(reading, reply.pairs, self.knows)
            pairs = tuple(self.query(**verdict.values))
            if pairs not in plain:
                plain[pairs] = self.raw(pairs)
            same = plain[pairs]
            promise(
                (same.status, same.ids, _pages.modes_in(reading, same.body))
                == (reply.status, reply.ids, _pages.modes_in(reading, reply.body)),
                why,
                f"{what} is answered as {same.url}: {len(same.ids)} items {same.ids[:2]}; got"
                f" {reply.status} with {len(reply.ids)} items {reply.ids[:2]} (GET {reply.url})",
            )

        explained(self.contract, check, self.known)
