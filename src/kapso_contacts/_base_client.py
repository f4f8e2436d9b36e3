"""What the sync and async clients share: options, the generated client, queries, pages' bodies."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version

import httpx
from kapso_contacts_api import AuthenticatedClient

from ._auth import APIKeyAuth
from ._listing import Listing, parse_listing
from ._logs import MASK, setup_logging
from ._options import ClientOptions
from ._pagination import PageContext
from ._query import build_query, page_size

try:
    USER_AGENT = f"kapso-contacts/{version('kapso-contacts')}"
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    USER_AGENT = "kapso-contacts"


class BaseClient:
    """Holds the configured generated client and the contract; its repr shows no key."""

    def __init__(
        self, options: ClientOptions, transport: httpx.BaseTransport | httpx.AsyncBaseTransport
    ) -> None:
        setup_logging()
        self.base_url = options.base_url
        self.timeout = options.timeout
        self.retry_policy = options.retry_policy
        self.contract = options.contract
        self._pages = PageContext.of(self.contract)
        # The key travels in an httpx.Auth (masked repr), not in the generated
        # client's `token` or `headers`, which its attrs repr prints. `trust_env`
        # is off so that httpx mounts no proxy transports of its own, which would
        # bypass the retry layer; the default transport applies the proxy instead.
        self._api = AuthenticatedClient(
            base_url=options.base_url,
            token=MASK,  # never sent: APIKeyAuth sets the real header on each request
            prefix="",
            auth_header_name=self.contract.api_key_header,
            headers={"User-Agent": USER_AGENT},
            timeout=options.timeout,
            httpx_args={
                "auth": APIKeyAuth(self.contract.api_key_header, options.api_key),
                "trust_env": False,
                "transport": transport,
            },
        )

    @property
    def api(self) -> AuthenticatedClient:
        """The generated client, configured (key, timeouts, retries, typed errors).

        For calls the porcelain does not wrap. Every answer but a 200 raises this
        package's errors instead of coming back as a union value.
        """
        return self._api

    def _build_query(
        self,
        limit: int | None,
        after: str | None,
        before: str | None,
        filters: Mapping[str, object],
        *,
        walk: bool,
    ) -> dict[str, str]:
        size = page_size(self.contract, limit, walk=walk)
        return build_query(self.contract, limit=size, after=after, before=before, filters=filters)

    #: Whether pages keep each contact's JSON text as they decode (an exporter's choice).
    _keep_json_texts = False

    def _listing(self, response: httpx.Response) -> Listing:
        return parse_listing(response, self.contract, keep_texts=self._keep_json_texts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, api_key='***', "
            f"max_retries={self.retry_policy.max_retries}, timeout={self.timeout!r})"
        )
