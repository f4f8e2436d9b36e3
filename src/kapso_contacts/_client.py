"""``KapsoContacts``: the sync client."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Self, Unpack

import httpx
from kapso_contacts_api.filters import ContactFilters
from kapso_contacts_api.models import Contact

from ._base_client import BaseClient
from ._constants import DEFAULT_TIMEOUT
from ._error_mapping import TypedErrorsTransport
from ._options import ClientOptions
from ._pagination import ContactPage, Query
from ._policy import RetryPolicy
from ._proxies import default_transport
from ._retry import RetryingTransport
from .contract import Contract


class KapsoContacts(BaseClient):
    """Client for Kapso's List contacts API, with auto-pagination, retries and typed errors.

    Args:
        api_key: The project API key; defaults to ``KAPSO_API_KEY``.
        base_url: Defaults to ``KAPSO_BASE_URL``, else ``https://api.kapso.ai/platform/v1``.
        timeout: Seconds, or an ``httpx.Timeout``; default 5 s to connect, 30 s to read.
        max_retries: Retries per request (default 8); overrides ``retry_policy``'s.
        retry_policy: Backoff, caps and the sleep used while waiting.
        transport: The httpx transport under the retry layer; by default one that
            goes through ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` unless ``NO_PROXY``.
        contract: The contract to check arguments and read answers by; by default
            the spec shipped with the generated client (``default_contract()``).

    Raises:
        MissingAPIKeyError: If no key is given and ``KAPSO_API_KEY`` is not set.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
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
        retrying = RetryingTransport(
            transport or default_transport(options.base_url),
            policy=options.retry_policy,
            rate_limit=options.contract.rate_limit,
        )
        typed = TypedErrorsTransport(retrying, base_url=options.base_url, contract=options.contract)
        super().__init__(options, typed)
        self._http = self._api.get_httpx_client()

    def list_contacts(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> ContactPage:
        """Fetch one page of contacts (newest first); iterate it to walk the rest.

        Args:
            limit: Contacts per page, within ``limit``'s range in the spec; by
                default the spec's documented default.
            after: Start after this cursor (a page's ``next_cursor``): older contacts.
            before: Start before this cursor (a page's ``previous_cursor``): newer
                contacts; iterating the page then walks back towards the newest.
            **filters: ``customer_id``, ``has_customer``, ``created_after``, ... (AND).

        Returns:
            The page. ``page.data`` is this page; ``for contact in page`` walks on.

        Raises:
            InvalidParameterError: Before sending, for a value the spec refuses.
            APIStatusError: A subclass per status (``AuthenticationError``, ...).
            APIConnectionError: If the API cannot be reached, after retries.
            APIResponseValidationError: If the answer is not a cursor page.
        """
        return self._fetch(self._build_query(limit, after, before, filters, walk=False))

    def iter_pages(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> Iterator[ContactPage]:
        """Yield every page of contacts matching the filters, one request per page.

        Takes the arguments of ``list_contacts`` (``limit`` defaults to the largest
        page); checks them now, fetches lazily. With ``before``, walks back towards
        the newest contacts.

        Raises:
            PaginationLoopError: If the server hands back a cursor it already gave.
        """
        query = self._build_query(limit, after, before, filters, walk=True)

        def pages() -> Iterator[ContactPage]:
            yield from self._fetch(query).iter_pages()

        return pages()

    def iter_contacts(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> Iterator[Contact]:
        """Yield every contact matching the filters, fetching page by page.

        Takes the arguments of ``iter_pages``; memory stays at one page. Newest
        first; with ``before``, oldest first from the cursor back to the newest.
        """
        query = self._build_query(limit, after, before, filters, walk=True)

        def contacts() -> Iterator[Contact]:
            yield from self._fetch(query)

        return contacts()

    def _fetch(self, query: Query) -> ContactPage:
        response = self._http.get(self.contract.operation_path, params=query)
        return ContactPage(
            self._listing(response),
            query=query,
            response=response,
            context=self._pages,
            fetch=self._fetch,
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
