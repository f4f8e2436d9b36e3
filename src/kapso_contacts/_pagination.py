"""Cursor pages: a page knows its contacts and how to ask for the next one.

Everything else (``has_next_page()``, ``iter_pages()``, iterating every
contact) derives from those two, in a sync and an async twin that mirror
each other name for name. A walk holds one page at a time, plus an 8-byte
digest per page to notice a server handing back a cursor it already gave.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

from kapso_contacts_api.models import Contact, ContactList
from kapso_contacts_api.types import Unset

from ._errors import KapsoError, PaginationLoopError


class _BasePage:
    """What both page twins share: the contacts and the cursors of one page."""

    def __init__(self, listing: ContactList, *, cursor: str | None) -> None:
        self.listing = listing
        self.cursor = cursor
        paging = listing.paging
        self.next_cursor: str | None = None if isinstance(paging, Unset) else paging.next_
        self.previous_cursor: str | None = None if isinstance(paging, Unset) else paging.previous

    @property
    def data(self) -> list[Contact]:
        """The contacts on this page, in API order (newest first)."""
        return self.listing.data

    def has_next_page(self) -> bool:
        """Whether the API gave a cursor to a next page."""
        return self.next_cursor is not None

    def _require_next(self) -> str:
        if self.next_cursor is None:
            raise KapsoError("This is the last page; check has_next_page() before asking for more.")
        return self.next_cursor

    def __repr__(self) -> str:
        return f"{type(self).__name__}(contacts={len(self.data)}, next_cursor={self.next_cursor!r})"


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
    """One page of contacts; iterating it walks this page and every later one."""

    def __init__(
        self,
        listing: ContactList,
        *,
        cursor: str | None,
        fetch: Callable[[str], ContactPage],
    ) -> None:
        super().__init__(listing, cursor=cursor)
        self._fetch = fetch

    def get_next_page(self) -> ContactPage:
        """Fetch the next page.

        Raises:
            KapsoError: If this is the last page.
        """
        return self._fetch(self._require_next())

    def iter_pages(self) -> Iterator[ContactPage]:
        """Yield this page and each later one, fetching as it goes.

        Raises:
            PaginationLoopError: If the server hands back a cursor it already gave.
        """
        guard = _LoopGuard(self.cursor)
        page = self
        yield page
        while page.next_cursor is not None:
            guard.advance(page.next_cursor)
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[Contact]:
        for page in self.iter_pages():
            yield from page.data


class AsyncContactPage(_BasePage):
    """Async twin of ``ContactPage``; ``async for`` walks this page and every later one."""

    def __init__(
        self,
        listing: ContactList,
        *,
        cursor: str | None,
        fetch: Callable[[str], Awaitable[AsyncContactPage]],
    ) -> None:
        super().__init__(listing, cursor=cursor)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncContactPage:
        """Fetch the next page.

        Raises:
            KapsoError: If this is the last page.
        """
        return await self._fetch(self._require_next())

    async def iter_pages(self) -> AsyncIterator[AsyncContactPage]:
        """Yield this page and each later one, fetching as it goes.

        Raises:
            PaginationLoopError: If the server hands back a cursor it already gave.
        """
        guard = _LoopGuard(self.cursor)
        page = self
        yield page
        while page.next_cursor is not None:
            guard.advance(page.next_cursor)
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[Contact]:
        async for page in self.iter_pages():
            for contact in page.data:
                yield contact
