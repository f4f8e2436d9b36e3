"""``KapsoContacts``: the sync client."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any, Self, Unpack

import httpx
from kapso_contacts_api.api.contacts import list_contacts as list_contacts_api
from kapso_contacts_api.models import Contact

from ._base_client import BaseClient, Settings, page_params, with_after
from ._constants import DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT
from ._http import check_response, cursor_listing, default_transport, translating_errors
from ._pagination import ContactPage
from ._retry import RetryingTransport, RetryPolicy
from ._validation import ContactFilters


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
    ) -> None:
        settings = Settings(api_key, base_url, timeout, max_retries, retry_policy)
        inner = transport or default_transport(settings.base_url)
        super().__init__(
            settings,
            {
                "transport": RetryingTransport(inner, policy=settings.retry_policy),
                "event_hooks": {"response": [check_response]},
            },
        )
        self._http = self._api.get_httpx_client()

    def list_contacts(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> ContactPage:
        """Fetch one page of contacts (newest first); iterate it to walk the rest.

        Args:
            limit: Contacts per page, 1 to 100.
            after: Start after this cursor (a page's ``next_cursor``).
            **filters: ``customer_id``, ``has_customer``, ``created_after``, ... (AND).

        Returns:
            The page. ``page.data`` is this page; ``for contact in page`` walks on.

        Raises:
            InvalidParameterError: Before sending, for a value out of range.
            APIStatusError: A subclass per status (``AuthenticationError``, ...).
            APIConnectionError: If the API cannot be reached, after retries.
        """
        return self._fetch(page_params(limit, after, filters), after)

    def iter_pages(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> Iterator[ContactPage]:
        """Yield every page of contacts matching the filters, one request per page.

        Takes the arguments of ``list_contacts``; checks them now, fetches lazily.

        Raises:
            PaginationLoopError: If the server hands back a cursor it already gave.
        """
        params = page_params(limit, after, filters)
        return self._walk(params, after)

    def iter_contacts(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        **filters: Unpack[ContactFilters],
    ) -> Iterator[Contact]:
        """Yield every contact matching the filters, newest first, fetching page by page.

        Takes the arguments of ``list_contacts``; memory stays at one page.
        """
        pages = self.iter_pages(limit=limit, after=after, **filters)
        return (contact for page in pages for contact in page.data)

    def _walk(self, params: dict[str, Any], after: str | None) -> Iterator[ContactPage]:
        yield from self._fetch(params, after).iter_pages()

    def _fetch(self, params: dict[str, Any], after: str | None) -> ContactPage:
        with translating_errors(self.base_url):
            response = list_contacts_api.sync_detailed(
                client=self._api, **with_after(params, after)
            )
            listing = cursor_listing(response)
        return ContactPage(listing, cursor=after, fetch=lambda cursor: self._fetch(params, cursor))

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
