"""The clients: ``ListClient`` for any list operation a spec describes, and ``KapsoContacts``.

``ListClient(contract=load_contract("conversations.yaml"))`` lists that spec's
items as the JSON objects the API sent, knowing nothing of contacts;
``KapsoContacts`` is the same client bound to the packaged spec, with the
generated ``Contact`` model and ``ContactFilters``. Each has an async twin.
Arguments are checked before sending by the spec (``build_query``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from functools import cached_property
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, Unpack

import httpx
from kapso_contacts_api import AuthenticatedClient
from kapso_contacts_api.filters import ContactFilters
from kapso_contacts_api.models import Contact

from ._errors import MASK, InvalidParameterError
from ._http import ClientArguments, ClientOptions, async_http_client, http_client
from ._pagination import AsyncPage, ItemModel, Page, PageReader, Query
from .contract import Contract, Parameter, assess, default_contract, shown, to_query_value

T = TypeVar("T")
#: Kapso's production base URL: the packaged spec's server.
DEFAULT_BASE_URL = default_contract().server_url
#: A page of contacts, and its async twin.
ContactPage = Page[Contact]
AsyncContactPage = AsyncPage[Contact]

#: The Python values a parameter of each type takes, and how to say so.
_ACCEPTED: Mapping[str, tuple[tuple[type, ...], str]] = {
    "integer": ((int,), "an integer"),
    "boolean": ((bool,), "True or False"),
    "date-time": ((datetime, str), "a datetime or an ISO 8601 string"),
    "string": ((str,), "a string"),
    "cursor": ((str,), "a string"),
}


class ContactQuery(ContactFilters, total=False):
    """The filters (AND), ``limit`` (20 a page, 100 a walk), ``after`` or ``before`` a cursor."""

    limit: int | None
    after: str | None
    before: str | None


def build_query(
    contract: Contract, arguments: Mapping[str, object], *, walk: bool
) -> dict[str, str]:
    """The query of a cursor request from ``arguments`` (spec names; None: left out).

    Each value is checked by its parameter's type, the query by ``contract.assess`` (the
    fake's and the suite's reader): the client refuses (``InvalidParameterError``) what
    the spec refuses, and parameters a rule joins (``after`` with ``before``, which a
    server reads by dropping one). ``walk`` makes the default page size the largest.
    """
    size = contract.pagination.cursor.limit
    given = {name: value for name, value in arguments.items() if value is not None}
    given.setdefault(size.name, (size.maximum if walk else None) or size.default)
    pagination = {parameter.name for parameter in contract.pagination.cursor.parameters}
    for name in given:
        if name not in contract.filters and name not in pagination:
            known = ", ".join(contract.filters)
            raise InvalidParameterError(name, f"unknown filter {name!r}; the filters are: {known}")
    query = {name: _written(contract, contract.parameters[name], v) for name, v in given.items()}
    for rule in contract.rules:
        if rule.triggered_by(query):
            named = [next(name for name in group if name in query) for group in rule.groups]
            message = f"{' and '.join(named)} cannot be used together: pass one of them."
            raise InvalidParameterError(named[-1], message)
    refused = assess(contract, query).first
    if refused is not None:
        raise InvalidParameterError(refused.parameter, refused.message)
    return query


def _written(contract: Contract, parameter: Parameter, value: object) -> str:
    name = parameter.name
    types, wanted = _ACCEPTED[parameter.kind]
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        span = f" {parameter.span}" if parameter.span else ""
        got = shown(value) if isinstance(value, str) else repr(value)
        raise InvalidParameterError(name, f"{name} must be {wanted}{span}, got {got}")
    if isinstance(value, str) and datetime in types:
        try:
            value = datetime.fromisoformat(text := value.strip())
        except ValueError:
            example = "2025-03-26T15:00:00Z"
            message = f"{name} must be an ISO 8601 timestamp such as {example}, got {shown(text)}"
            raise InvalidParameterError(name, message) from None
    if isinstance(value, datetime):
        # A naive value is UTC; isoformat() keeps the caller's offset (the same instant).
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return to_query_value(contract, parameter, value)


class _Client(Generic[T]):
    """What every client shares: the contract, the options, how its pages are read."""

    def __init__(
        self,
        contract: Contract,
        model: ItemModel | None,
        transport: Any,
        arguments: ClientArguments,
    ) -> None:
        self.contract = contract
        self._options = ClientOptions.resolve(contract.server_url, arguments)
        self.base_url = self._options.base_url
        self.timeout = self._options.timeout
        self.retry_policy = self._options.retry_policy
        self._reader: PageReader[T] = PageReader(contract, model)
        self._http = self._connect(self._options, contract, transport)

    def _connect(self, options: ClientOptions, contract: Contract, transport: Any) -> Any:
        raise NotImplementedError


class _SyncClient(_Client[T]):
    _http: httpx.Client

    def _connect(self, options: ClientOptions, contract: Contract, transport: Any) -> httpx.Client:
        return http_client(options, contract, transport)

    def _fetch(self, query: Query) -> Page[T]:
        response = self._http.get(self.contract.operation_path, params=query)
        return Page(response, query=query, reader=self._reader, fetch=self._fetch)

    def _pages(self, arguments: Mapping[str, object]) -> Iterator[Page[T]]:
        query = build_query(self.contract, arguments, walk=True)  # checked now, fetched later

        def pages() -> Iterator[Page[T]]:
            yield from self._fetch(query).iter_pages()

        return pages()

    def _items(self, arguments: Mapping[str, object]) -> Iterator[T]:
        return (item for page in self._pages(arguments) for item in page.walk_order())

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, *exc_info: type[BaseException] | BaseException | TracebackType | None
    ) -> None:
        self.close()


class _AsyncClient(_Client[T]):
    _http: httpx.AsyncClient

    def _connect(
        self, options: ClientOptions, contract: Contract, transport: Any
    ) -> httpx.AsyncClient:
        return async_http_client(options, contract, transport)

    async def _fetch(self, query: Query) -> AsyncPage[T]:
        response = await self._http.get(self.contract.operation_path, params=query)
        return AsyncPage(response, query=query, reader=self._reader, fetch=self._fetch)

    def _pages(self, arguments: Mapping[str, object]) -> AsyncIterator[AsyncPage[T]]:
        query = build_query(self.contract, arguments, walk=True)  # checked now, fetched later

        async def pages() -> AsyncIterator[AsyncPage[T]]:
            async for page in (await self._fetch(query)).iter_pages():
                yield page

        return pages()

    def _items(self, arguments: Mapping[str, object]) -> AsyncIterator[T]:
        pages = self._pages(arguments)
        return (item async for page in pages for item in page.walk_order())

    async def close(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, *exc_info: type[BaseException] | BaseException | TracebackType | None
    ) -> None:
        await self.close()


class ListClient(_SyncClient[dict[str, Any]]):
    """A client of any Kapso list operation a spec describes; its items are the JSON objects sent.

    ``contract`` (``load_contract("spec.yaml")``); ``transport``, the network layer under
    the retries (by default through the environment's proxy); ``api_key``, ``base_url``,
    ``timeout``, ``max_retries``, ``retry_policy`` (``ClientArguments``). Raises
    ``ConfigurationError`` for no key, a base URL without a scheme or host, a bad ``KAPSO_LOG``.
    """

    def __init__(
        self,
        *,
        contract: Contract,
        transport: httpx.BaseTransport | None = None,
        **arguments: Unpack[ClientArguments],
    ) -> None:
        super().__init__(contract, None, transport, arguments)

    def list(self, **query: Any) -> Page[dict[str, Any]]:
        """One page: ``limit``, ``after`` or ``before`` and the filters, by their spec names.

        Raises:
            InvalidParameterError: Before sending. APIError: after the retries (``_errors.py``).
        """
        return self._fetch(build_query(self.contract, query, walk=False))

    def iter_pages(self, **query: Any) -> Iterator[Page[dict[str, Any]]]:
        """Every page from there, ``limit`` defaulting to its maximum; see ``list``."""
        return self._pages(query)

    def iter_items(self, **query: Any) -> Iterator[dict[str, Any]]:
        """Every item from there, one page in memory at a time; see ``iter_pages``."""
        return self._items(query)


class AsyncListClient(_AsyncClient[dict[str, Any]]):
    """Async twin of ``ListClient``: the same arguments, awaitable calls, async iterators."""

    def __init__(
        self,
        *,
        contract: Contract,
        transport: httpx.AsyncBaseTransport | None = None,
        **arguments: Unpack[ClientArguments],
    ) -> None:
        super().__init__(contract, None, transport, arguments)

    async def list(self, **query: Any) -> AsyncPage[dict[str, Any]]:
        """One page, as ``ListClient.list``."""
        return await self._fetch(build_query(self.contract, query, walk=False))

    def iter_pages(self, **query: Any) -> AsyncIterator[AsyncPage[dict[str, Any]]]:
        """Every page (``async for``), as ``ListClient.iter_pages``."""
        return self._pages(query)

    def iter_items(self, **query: Any) -> AsyncIterator[dict[str, Any]]:
        """Every item (``async for``), as ``ListClient.iter_items``."""
        return self._items(query)


class KapsoContacts(_SyncClient[Contact]):
    """Client for Kapso's List contacts: auto-pagination both ways, retries, typed errors.

    Takes the arguments of ``ListClient``; ``contract`` defaults to the packaged spec.
    """

    def __init__(
        self,
        *,
        contract: Contract | None = None,
        transport: httpx.BaseTransport | None = None,
        **arguments: Unpack[ClientArguments],
    ) -> None:
        super().__init__(contract or default_contract(), Contact.from_dict, transport, arguments)

    @cached_property
    def api(self) -> AuthenticatedClient:
        """The generated client on this client's connections: key, retries, typed errors."""
        client = AuthenticatedClient(
            self.base_url, token=MASK, prefix="", auth_header_name=self.contract.api_key_header
        )
        return client.set_httpx_client(self._http)

    def list_contacts(self, **query: Unpack[ContactQuery]) -> ContactPage:
        """One page of contacts (newest first); iterate it to walk on (``ContactQuery``).

        Raises:
            InvalidParameterError: Before sending. APIError: after the retries (``_errors.py``).
        """
        return self._fetch(build_query(self.contract, query, walk=False))

    def iter_pages(self, **query: Unpack[ContactQuery]) -> Iterator[ContactPage]:
        """Every page from there (100 contacts each by default): checked now, fetched lazily."""
        return self._pages(query)

    def iter_contacts(self, **query: Unpack[ContactQuery]) -> Iterator[Contact]:
        """Every contact from there, as ``iter_pages`` fetches them; memory stays at one page."""
        return self._items(query)


class AsyncKapsoContacts(_AsyncClient[Contact]):
    """Async twin of ``KapsoContacts``: the same arguments, awaitable calls, async iterators."""

    def __init__(
        self,
        *,
        contract: Contract | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **arguments: Unpack[ClientArguments],
    ) -> None:
        super().__init__(contract or default_contract(), Contact.from_dict, transport, arguments)

    @cached_property
    def api(self) -> AuthenticatedClient:
        """The generated client on this client's connections (its ``asyncio`` calls)."""
        client = AuthenticatedClient(
            self.base_url, token=MASK, prefix="", auth_header_name=self.contract.api_key_header
        )
        return client.set_async_httpx_client(self._http)

    async def list_contacts(self, **query: Unpack[ContactQuery]) -> AsyncContactPage:
        """One page of contacts; ``async for`` over it walks on."""
        return await self._fetch(build_query(self.contract, query, walk=False))

    def iter_pages(self, **query: Unpack[ContactQuery]) -> AsyncIterator[AsyncContactPage]:
        """Every page of contacts (``async for``), as ``KapsoContacts.iter_pages``."""
        return self._pages(query)

    def iter_contacts(self, **query: Unpack[ContactQuery]) -> AsyncIterator[Contact]:
        """Every contact (``async for``), as ``KapsoContacts.iter_contacts``."""
        return self._items(query)
