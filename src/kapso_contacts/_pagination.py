"""Pages of any list operation, read by its contract: a page knows its items and its neighbours.

The items and cursors are where ``contract.pagination`` says; ``iter_pages()``
and iterating every item derive from them, in sync and async twins. A page
walks the way it was fetched: with ``after`` (or no cursor) through ``next``;
with ``before`` back through ``previous``, each page reversed. A walk keeps
one page, and digests of the cursors it followed to stop on one handed back twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

import httpx

from ._errors import APIResponseValidationError, KapsoError, PaginationLoopError, RateLimitInfo
from .contract import Contract, schema_checker

T = TypeVar("T")
Query = Mapping[str, str]
#: What a client makes of an item's JSON object (None: the object itself).
ItemModel = Callable[[dict[str, Any]], Any]


class PageReader(Generic[T]):
    """How a client reads pages: by the contract, tolerantly (required fields only; a
    nullable field left out is None in a model; envelopes may carry more), items as
    dicts or as ``model`` builds them."""

    def __init__(self, contract: Contract, model: ItemModel | None = None) -> None:
        self.contract = contract
        self._model = model
        self._fits = schema_checker(contract, contract.item.schema)
        self._nullable = [name for name, field in contract.item.fields.items() if field.nullable]

    def read(self, response: httpx.Response) -> tuple[list[dict[str, Any]], str | None, str | None]:
        """The items and the (next, previous) cursors of a 200 (``APIResponseValidationError``)."""
        pagination, cursor = self.contract.pagination, self.contract.pagination.cursor
        try:
            body = response.json()
        except ValueError:
            body = None
        items = pagination.items.get(body)
        cursors = (cursor.next.get(body), cursor.previous.get(body))
        problem = ""
        if not isinstance(items, list):
            problem = f"with no list of {self.contract.noun} at `{pagination.items.path}`"
        elif (bad := next((i for i, item in enumerate(items) if not self._fits(item)), -1)) >= 0:
            why = "; ".join(self._fits.problems(items[bad]))
            problem = f"with an item (index {bad}) that is no {self.contract.item.schema}: {why}"
        elif not isinstance(body.get(cursor.envelope), dict):
            problem = (
                f"without `{cursor.envelope}` (a legacy `{pagination.legacy.envelope}` page?):"
                " cannot tell where the next page starts"
            )
        elif any(value is not None and not isinstance(value, str) for value in cursors):
            problem = f"with cursors that are not strings: {cursors!r}"
        if problem:
            raise APIResponseValidationError(f"The API answered 200 {problem}.", response=response)
        return cast(list[dict[str, Any]], items), cursors[0], cursors[1]

    def model(self, item: dict[str, Any]) -> T:
        """What the client makes of one item (the dict itself without a model)."""
        if self._model is None:
            return cast(T, item)
        missing = {name: None for name in self._nullable if name not in item}
        return cast(T, self._model({**missing, **item} if missing else item))


class _BasePage(Generic[T]):
    """What both page twins share: the items, cursors and headers of one answer.

    ``raw_data``: the items as sent, unknown fields included; ``next_cursor`` and
    ``previous_cursor``: pass as ``after`` / ``before`` (None at the ends); ``query``:
    what the page was fetched with; ``headers``.
    """

    def __init__(
        self, response: httpx.Response, *, query: Query, reader: PageReader[T], fetch: Any
    ) -> None:
        self.raw_data, self.next_cursor, self.previous_cursor = reader.read(response)
        self._fetch = fetch  # the client's: a query -> the page it gets
        self.query: Mapping[str, str] = MappingProxyType(dict(query))
        self.headers: httpx.Headers = response.headers
        self._response = response
        self._reader = reader
        cursor = reader.contract.pagination.cursor
        self._after, self._before = cursor.after.name, cursor.before.name
        self._backward = self._before in self.query

    @cached_property
    def data(self) -> list[T]:
        """The items, in API order: models (``APIResponseValidationError`` if one cannot be)."""
        try:
            return [self._reader.model(item) for item in self.raw_data]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problem = f"an item the model cannot read ({type(exc).__name__}: {exc})"
            raise APIResponseValidationError(
                f"The API answered 200 with {problem}.", response=self._response
            ) from exc

    @property
    def rate_limit(self) -> RateLimitInfo:
        """What the answer's headers say about the API key's rate limit."""
        return RateLimitInfo.read(self.headers, self._reader.contract.rate_limit)

    def has_next_page(self) -> bool:
        """Whether the API gave a cursor to a next page."""
        return self.next_cursor is not None

    def has_previous_page(self) -> bool:
        """Whether the API gave a cursor to a previous page."""
        return self.previous_cursor is not None

    def _neighbour(self, *, forward: bool) -> dict[str, str]:
        name, cursor, drop = (
            (self._after, self.next_cursor, self._before)
            if forward
            else (self._before, self.previous_cursor, self._after)
        )
        if cursor is None:
            which = "last" if forward else "first"
            check = "has_next_page()" if forward else "has_previous_page()"
            raise KapsoError(f"This is the {which} page; check {check} before asking for more.")
        return {**{k: v for k, v in self.query.items() if k != drop}, name: cursor}

    def onward_cursor(self) -> str | None:
        """The cursor a walk from this page follows: ``previous`` walking back, else ``next``."""
        return self.previous_cursor if self._backward else self.next_cursor

    def walk_order(self) -> list[T]:
        """The items in the order a walk from here reads them (reversed walking back)."""
        return self.data[::-1] if self._backward else self.data

    def _guard(self) -> set[bytes]:
        """The digests of the cursors a walk from here has followed: its start, if any."""
        seen: set[bytes] = set()
        if (start := self.query.get(self._before if self._backward else self._after)) is not None:
            _follow(seen, start)
        return seen

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(items={len(self.raw_data)}, next_cursor={self.next_cursor!r})"
        )


def _follow(seen: set[bytes], cursor: str) -> None:
    """Note a cursor a walk follows; one handed back twice would loop forever."""
    digest = hashlib.blake2b(cursor.encode(), digest_size=8).digest()
    if digest in seen:
        raise PaginationLoopError(cursor, len(seen))
    seen.add(digest)


class Page(_BasePage[T]):
    """One page; iterating it walks this page and every one after it, fetching as it goes."""

    _fetch: Callable[[Query], Page[T]]

    def get_next_page(self) -> Page[T]:
        """Fetch the next page (``KapsoError`` on the last)."""
        return self._fetch(self._neighbour(forward=True))

    def get_previous_page(self) -> Page[T]:
        """Fetch the previous page (``KapsoError`` on the first)."""
        return self._fetch(self._neighbour(forward=False))

    def iter_pages(self) -> Iterator[Page[T]]:
        """This page and each one after it in its direction (``PaginationLoopError`` on a loop)."""
        guard, page = self._guard(), self
        yield page
        while (cursor := page.onward_cursor()) is not None:
            _follow(guard, cursor)
            page = page.get_previous_page() if self._backward else page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.walk_order()


class AsyncPage(_BasePage[T]):
    """Async twin of ``Page``; ``async for`` walks this page and every one after it."""

    _fetch: Callable[[Query], Awaitable[AsyncPage[T]]]

    async def get_next_page(self) -> AsyncPage[T]:
        """Fetch the next page (``KapsoError`` on the last)."""
        return await self._fetch(self._neighbour(forward=True))

    async def get_previous_page(self) -> AsyncPage[T]:
        """Fetch the previous page (``KapsoError`` on the first)."""
        return await self._fetch(self._neighbour(forward=False))

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and each one after it in its direction (``PaginationLoopError`` on a loop)."""
        guard, page = self._guard(), self
        yield page
        while (cursor := page.onward_cursor()) is not None:
            _follow(guard, cursor)
            page = await (page.get_previous_page() if self._backward else page.get_next_page())
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.walk_order():
                yield item
