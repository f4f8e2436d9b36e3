"""``AsyncKapsoContacts``: the async twin of ``KapsoContacts``, name for name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Self, Unpack

import httpx
from kapso_contacts_api.api.contacts import list_contacts as list_contacts_api
from kapso_contacts_api.models import Contact

from ._base_client import BaseClient, Settings, page_params, with_after
from ._constants import DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT
from ._http import acheck_response, cursor_listing, default_async_transport, translating_errors
from ._pagination import AsyncContactPage
from ._retry import AsyncRetryingTransport, RetryPolicy
from ._validation import ContactFilters


class AsyncKapsoContacts(BaseClient):
    """Async twin of ``KapsoContacts``: same arguments, awaitable calls, async iterators."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        settings = Settings(api_key, base_url, timeout, max_retries, retry_policy)
        inner = transport or default_async_transport(settings.base_url)
        super().__init__(
            settings,
            {
                "transport": AsyncRetryingTransport(inner, policy=settings.retry_policy),
                "event_hooks": {"response": [acheck_response]},
            },
        )
        self._http = self._api.get_async_httpx_client()

    async def list_contacts(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> AsyncContactPage:
        """Fetch one page of contacts; ``async for`` over it walks the rest.

        Same arguments, returns and errors as ``KapsoContacts.list_contacts``.
        """
        return await self._fetch(page_params(limit, after, filters), after)

    def iter_pages(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> AsyncIterator[AsyncContactPage]:
        """Yield every page of contacts matching the filters (``async for``).

        Takes the arguments of ``list_contacts``; checks them now, fetches lazily.
        """
        params = page_params(limit, after, filters)
        return self._walk(params, after)

    def iter_contacts(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> AsyncIterator[Contact]:
        """Yield every contact matching the filters, newest first (``async for``)."""
        return self._contacts(self.iter_pages(limit=limit, after=after, **filters))

    async def _contacts(self, pages: AsyncIterator[AsyncContactPage]) -> AsyncIterator[Contact]:
        async for page in pages:
            for contact in page.data:
                yield contact

    async def _walk(
        self, params: dict[str, Any], after: str | None
    ) -> AsyncIterator[AsyncContactPage]:
        first = await self._fetch(params, after)
        async for page in first.iter_pages():
            yield page

    async def _fetch(self, params: dict[str, Any], after: str | None) -> AsyncContactPage:
        with translating_errors(self.base_url):
            response = await list_contacts_api.asyncio_detailed(
                client=self._api, **with_after(params, after)
            )
            listing = cursor_listing(response)

        async def fetch(cursor: str) -> AsyncContactPage:
            return await self._fetch(params, cursor)

        return AsyncContactPage(listing, cursor=after, fetch=fetch)

    async def close(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
