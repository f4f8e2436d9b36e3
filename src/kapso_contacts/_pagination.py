"""Cursor pages: a page knows its contacts, its answer's headers and how to ask for its neighbours.

Everything else (``has_next_page()``, ``iter_pages()``, iterating every
contact) derives from those, in a sync and an async twin that mirror each
other name for name. A page walks in the direction it was fetched: a page
asked for with ``after`` (or none) walks on to older contacts through
``next``; one asked for with ``before`` walks back to newer ones through
``previous``, and iterating its contacts then yields each page in reverse, so
the stream always reads away from the starting cursor. A walk holds one page
at a time, plus an 8-byte digest per page to notice a server handing back a
cursor it already gave.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any

import httpx
from kapso_contacts_api.models import Contact, ContactList

from ._errors import APIResponseValidationError, KapsoError, PaginationLoopError
from ._headers import RateLimitInfo
from ._listing import Listing
from .contract import Contract, schema_checker

#: The spec's schema of one item of a page (``components.schemas.Contact``).
_ITEM_SCHEMA = "Contact"

Query = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class PageContext:
    """What every page of a client shares: the contract, and checks worked out from it once."""

    contract: Contract
    item_fits: Callable[[Any], bool]

    @classmethod
    def of(cls, contract: Contract) -> PageContext:
        """The context of pages read by ``contract``."""
        return cls(contract, schema_checker(contract, _ITEM_SCHEMA))


class _BasePage:
    """What both page twins share: the contacts, cursors and headers of one answer.

    Attributes:
        query: The query this page was fetched with (``limit``, a cursor, the filters),
            each value as sent.
        headers: The answer's HTTP headers.
        next_cursor: Pass as ``after`` for the next (older) page; ``None`` on the last.
        previous_cursor: Pass as ``before`` for the previous (newer) page; ``None`` on
            the first.
    """

    def __init__(
        self, listing: Listing, *, query: Query, response: httpx.Response, context: PageContext
    ) -> None:
        self._body = listing
        self._response = response
        self._context = context
        contract = context.contract
        self.query: Mapping[str, str] = MappingProxyType(dict(query))
        self.headers: httpx.Headers = response.headers
        self.next_cursor = listing.next_cursor
        self.previous_cursor = listing.previous_cursor
        cursor = contract.pagination.cursor
        self._after, self._before = cursor.after.name, cursor.before.name
        self._backward = self._before in self.query

    @cached_property
    def listing(self) -> ContactList:
        """The whole body as the generated ``ContactList`` model, built on first use.

        Raises:
            APIResponseValidationError: If the body does not fit the models.
        """
        try:
            return ContactList.from_dict(self._body.body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise APIResponseValidationError(
                "The API answered 200 with a contact that does not match the contract "
                f"({type(exc).__name__}: {exc}).",
                response=self._response,
            ) from exc

    @property
    def data(self) -> list[Contact]:
        """The contacts on this page as ``Contact`` models, in API order (newest first).

        Raises:
            APIResponseValidationError: If a contact does not fit the model.
        """
        return self.listing.data

    @cached_property
    def raw_data(self) -> list[dict[str, Any]]:
        """The contacts as the JSON objects the API sent, unknown fields included.

        Raises:
            APIResponseValidationError: If a contact lacks a required field of the
                spec's ``Contact`` or has a value of the wrong JSON type.
        """
        items = self._body.items
        fits = self._context.item_fits
        for index, item in enumerate(items):
            if not fits(item):
                raise APIResponseValidationError(
                    f"The API answered 200 with a contact (item {index}) that does not match "
                    f"the spec's {_ITEM_SCHEMA} schema: {sorted(item)}.",
                    response=self._response,
                )
        return items

    @property
    def raw_json(self) -> list[str]:
        """Each contact's JSON text exactly as the body carries it (checked as ``raw_data``)."""
        _ = self.raw_data
        return self._body.texts

    @property
    def rate_limit(self) -> RateLimitInfo:
        """What the answer's headers say about the API key's rate limit."""
        return RateLimitInfo.read(self.headers, self._context.contract.rate_limit)

    def has_next_page(self) -> bool:
        """Whether the API gave a cursor to a next (older) page."""
        return self.next_cursor is not None

    def has_previous_page(self) -> bool:
        """Whether the API gave a cursor to a previous (newer) page."""
        return self.previous_cursor is not None

    def _next_query(self) -> dict[str, str]:
        if self.next_cursor is None:
            raise KapsoError("This is the last page; check has_next_page() before asking for more.")
        return self._moved(self._after, self.next_cursor, drop=self._before)

    def _previous_query(self) -> dict[str, str]:
        if self.previous_cursor is None:
            raise KapsoError(
                "This is the first page; check has_previous_page() before asking for more."
            )
        return self._moved(self._before, self.previous_cursor, drop=self._after)

    def _moved(self, name: str, cursor: str, *, drop: str) -> dict[str, str]:
        query = {key: value for key, value in self.query.items() if key != drop}
        query[name] = cursor
        return query

    def _onward_cursor(self) -> str | None:
        """The cursor a walk from this page follows: ``previous`` going back, else ``next``."""
        return self.previous_cursor if self._backward else self.next_cursor

    def _start_cursor(self) -> str | None:
        return self.query.get(self._before if self._backward else self._after)

    def _walk_order(self) -> list[Contact]:
        return self.data[::-1] if self._backward else self.data

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(contacts={len(self._body.items)}, "
            f"next_cursor={self.next_cursor!r})"
        )


class _LoopGuard:
    """Remembers the cursors of a walk (as digests) and refuses one seen before."""

    def __init__(self, start: str | None) -> None:
        self._seen: set[bytes] = set()
        self.pages = 0
        if start is not None:
            self._seen.add(_digest(start))

    def advance(self, cursor: str) -> None:
        self.pages += 1
        digest = _digest(cursor)
        if digest in self._seen:
            raise PaginationLoopError(cursor, self.pages)
        self._seen.add(digest)


def _digest(cursor: str) -> bytes:
    return hashlib.blake2b(cursor.encode(), digest_size=8).digest()


class ContactPage(_BasePage):
    """One page of contacts; iterating it walks this page and every one after it."""

    def __init__(
        self,
        listing: Listing,
        *,
        query: Query,
        response: httpx.Response,
        context: PageContext,
        fetch: Callable[[Query], ContactPage],
    ) -> None:
        super().__init__(listing, query=query, response=response, context=context)
        self._fetch = fetch

    def get_next_page(self) -> ContactPage:
        """Fetch the next (older) page.

        Raises:
            KapsoError: If this is the last page.
        """
        return self._fetch(self._next_query())

    def get_previous_page(self) -> ContactPage:
        """Fetch the previous (newer) page.

        Raises:
            KapsoError: If this is the first page.
        """
        return self._fetch(self._previous_query())

    def iter_pages(self) -> Iterator[ContactPage]:
        """Yield this page and each one after it in its direction, fetching as it goes.

        Raises:
            PaginationLoopError: If the server hands back a cursor it already gave.
        """
        guard = _LoopGuard(self._start_cursor())
        page = self
        yield page
        while (cursor := page._onward_cursor()) is not None:
            guard.advance(cursor)
            page = page.get_previous_page() if page._backward else page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[Contact]:
        for page in self.iter_pages():
            yield from page._walk_order()


class AsyncContactPage(_BasePage):
    """Async twin of ``ContactPage``; ``async for`` walks this page and every one after it."""

    def __init__(
        self,
        listing: Listing,
        *,
        query: Query,
        response: httpx.Response,
        context: PageContext,
        fetch: Callable[[Query], Awaitable[AsyncContactPage]],
    ) -> None:
        super().__init__(listing, query=query, response=response, context=context)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncContactPage:
        """Fetch the next (older) page.

        Raises:
            KapsoError: If this is the last page.
        """
        return await self._fetch(self._next_query())

    async def get_previous_page(self) -> AsyncContactPage:
        """Fetch the previous (newer) page.

        Raises:
            KapsoError: If this is the first page.
        """
        return await self._fetch(self._previous_query())

    async def iter_pages(self) -> AsyncIterator[AsyncContactPage]:
        """Yield this page and each one after it in its direction, fetching as it goes.

        Raises:
            PaginationLoopError: If the server hands back a cursor it already gave.
        """
        guard = _LoopGuard(self._start_cursor())
        page = self
        yield page
        while (cursor := page._onward_cursor()) is not None:
            guard.advance(cursor)
            page = await (page.get_previous_page() if page._backward else page.get_next_page())
            yield page

    async def __aiter__(self) -> AsyncIterator[Contact]:
        async for page in self.iter_pages():
            for contact in page._walk_order():
                yield contact
