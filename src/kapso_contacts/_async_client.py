"""``AsyncKapsoContacts``: the async twin of ``KapsoContacts``, name for name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Self, Unpack

import httpx
from kapso_contacts_api.filters import ContactFilters
from kapso_contacts_api.models import Contact

from ._base_client import BaseClient
from ._constants import DEFAULT_TIMEOUT
from ._error_mapping import AsyncTypedErrorsTransport
from ._options import ClientOptions
from ._pagination import AsyncContactPage, Query
from ._policy import RetryPolicy
from ._proxies import default_async_transport
from ._retry import AsyncRetryingTransport
from .contract import Contract


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
        contract: Contract | None = None,
    ) -> None:
        options = ClientOptions.resolve(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            contract=contract,
        )
        retrying = AsyncRetryingTransport(
            transport or default_async_transport(options.base_url),
            policy=options.retry_policy,
            rate_limit=options.contract.rate_limit,
        )
        typed = AsyncTypedErrorsTransport(
            retrying, base_url=options.base_url, contract=options.contract
        )
        super().__init__(options, typed)
        self._http = self._api.get_async_httpx_client()

    async def list_contacts(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> AsyncContactPage:
        """Fetch one page of contacts; ``async for`` over it walks the rest.

        Same arguments, returns and errors as ``KapsoContacts.list_contacts``.
        """
        return await self._fetch(self._build_query(limit, after, before, filters, walk=False))

    def iter_pages(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> AsyncIterator[AsyncContactPage]:
        """Yield every page of contacts matching the filters (``async for``).

        Same arguments as ``KapsoContacts.iter_pages``; checks them now, fetches lazily.
        """
        query = self._build_query(limit, after, before, filters, walk=True)

        async def pages() -> AsyncIterator[AsyncContactPage]:
            async for page in (await self._fetch(query)).iter_pages():
                yield page

        return pages()

    def iter_contacts(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> AsyncIterator[Contact]:
        """Yield every contact matching the filters (``async for``), as ``iter_contacts``."""
        query = self._build_query(limit, after, before, filters, walk=True)

        async def contacts() -> AsyncIterator[Contact]:
            async for contact in await self._fetch(query):
                yield contact

        return contacts()

    async def _fetch(self, query: Query) -> AsyncContactPage:
        response = await self._http.get(self.contract.operation_path, params=query)
        return AsyncContactPage(
            self._listing(response),
            query=query,
            response=response,
            context=self._pages,
            fetch=self._fetch,
        )

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
