"""The ASGI app: ``create_app`` and its one route, the spec's contacts endpoint.

The app is plain ASGI: a request is read straight from the scope and answered
with two messages. Fault injection and the rate limit wrap it from outside and
can be switched at run time (``FakeApp.inject_faults``, ``FakeApp.limit_rate``).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from kapso_contacts.contract import Contract, default_contract

from ._envelopes import Envelopes
from ._faults import FaultConfig, FaultMiddleware
from ._http import ASGIApp, Headers, Receive, Scope, Send, error_body, lifespan, respond
from ._ratelimit import RateLimitMiddleware
from ._request import Refusal, read_request
from .cursor import CursorCodec
from .data import Shape, generate_dataset
from .store import ContactStore

logger = logging.getLogger("kapso_fake")

_METHODS = ("GET", "HEAD")
StatusBodyHeaders = tuple[int, bytes, Headers]


@dataclass
class AppState:
    """What tests reach through ``app.state``: the store."""

    store: ContactStore


class ContactsEndpoint:
    """The contacts endpoint: routing, the API key, the query, the page."""

    def __init__(self, contract: Contract, store: ContactStore, keys: Sequence[bytes]) -> None:
        """Serve ``store`` at ``contract.path`` to requests carrying one of ``keys``."""
        self.contract = contract
        self.store = store
        self._keys = list(keys)
        self._key_header = contract.api_key_header.lower().encode("latin-1")
        self.codec = CursorCodec.for_contract(contract)
        self.envelopes = Envelopes(contract, self.codec)
        self._not_found = error_body("Not found")
        self._missing_key = error_body(f"Missing {contract.api_key_header} header")
        self._wrong_key = error_body("Invalid API key")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request (a 500 if answering it fails)."""
        try:
            status, body, headers = self.answer(scope)
        except Exception:
            logger.exception("kapso-fake: answering %s failed", scope.get("path"))
            status, body, headers = 500, error_body("Internal server error"), []
        await respond(send, status, body, headers, head=scope["method"] == "HEAD")

    def answer(self, scope: Scope) -> StatusBodyHeaders:
        """The status, body and extra headers of the answer to ``scope``."""
        if scope["path"] != self.contract.path:
            return 404, self._not_found, []
        method = scope["method"]
        if method not in _METHODS:
            allow = ", ".join(_METHODS).encode()
            return 405, error_body(f"Method {method} not allowed"), [(b"allow", allow)]
        presented = next((v for k, v in scope["headers"] if k == self._key_header), b"")
        if not presented:
            return 401, self._missing_key, []
        if not _known(presented, self._keys):
            return 401, self._wrong_key, []
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        request = read_request(self.contract, self.codec, query)
        if isinstance(request, Refusal):
            status, body = self.envelopes.refusal(request.reason, request.values)
            return status, body, []
        if request.mode == "cursor":
            page = self.store.cursor_page(
                request.filters, request.size, request.after, request.before
            )
            return 200, self.envelopes.cursor(page), []
        page, total = self.store.legacy_page(request.filters, request.page, request.size)
        body, headers = self.envelopes.legacy(
            page, request.page, request.size, total, _url(scope), query
        )
        return 200, body, headers


class FakeApp:
    """The fake API as an ASGI app: the endpoint, behind optional faults and a rate limit."""

    def __init__(self, endpoint: ContactsEndpoint) -> None:
        """Serve ``endpoint`` with neither faults nor a rate limit (see the setters)."""
        self.endpoint = endpoint
        self.contract = endpoint.contract
        self.state = AppState(endpoint.store)
        self._faults: FaultConfig | None = None
        self._rate: tuple[int, float | None, Callable[[], float] | None] | None = None
        self._served: ASGIApp = endpoint

    @property
    def store(self) -> ContactStore:
        """The store the app serves."""
        return self.endpoint.store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point (HTTP requests and lifespan events)."""
        if scope["type"] == "http":
            await self._served(scope, receive, send)
        elif scope["type"] == "lifespan":
            await lifespan(receive, send)

    def inject_faults(self, config: FaultConfig | None) -> None:
        """Answer a share of the following requests with faults (None or rate 0: none)."""
        self._faults = config if config is not None and config.rate > 0 else None
        self._rebuild()

    def limit_rate(
        self,
        limit: int | None,
        window_seconds: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Allow ``limit`` requests per key per window from now on (None: no limit).

        Args:
            limit: requests per window and key, at least 1; None removes the limit.
            window_seconds: the window's length (default: the spec's window).
            clock: monotonic seconds (injectable for tests).

        Raises:
            ValueError: a limit below 1 or a window that is not positive.
        """
        self._rate = None if limit is None else (limit, window_seconds, clock)
        self._rebuild()

    def _rebuild(self) -> None:
        served: ASGIApp = self.endpoint
        if self._rate is not None:
            limit, window, clock = self._rate
            served = RateLimitMiddleware(
                served, contract=self.contract, limit=limit, window_seconds=window, clock=clock
            )
        if self._faults is not None:
            served = FaultMiddleware(served, config=self._faults)
        self._served = served


def create_app(
    *,
    api_keys: Sequence[str],
    contacts: int = 1000,
    seed: int = 1,
    shape: Shape = "mixed",
    rate_limit: int | None = None,
    rate_window: float | None = None,
    fault_rate: float = 0.0,
    db_path: str | Path | None = None,
    store: ContactStore | None = None,
    faults: FaultConfig | None = None,
    clock: Callable[[], float] | None = None,
    contract: Contract | None = None,
) -> FakeApp:
    """Return the fake API as an ASGI app, with a fresh store unless ``store`` is given.

    Args:
        api_keys: the keys the API key header is checked against (at least one).
        contacts: how many generated contacts (ignored when ``store`` is given).
        seed: the seed of the generated data and of the fault injection.
        shape: how the generated contacts' creation times are spread
            (``kapso_fake.data.SHAPES``: ``mixed``, ``sparse``, ``dense``).
        rate_limit: requests per window per key; ``None`` for no limit.
        rate_window: length of a rate-limit window in seconds (default: the
            spec's; shorter windows keep rate-limit drills and benchmarks short).
        fault_rate: share of requests (0..1) answered with an injected fault.
        db_path: an SQLite file to (re)build the store in; in memory when ``None``.
        store: an existing store to serve instead of generating one.
        faults: full fault settings (overrides ``fault_rate``).
        clock: monotonic seconds for the rate limiter (injectable for tests).
        contract: the contract to serve (default: the shipped spec's); a given
            ``store`` must have been built for the same one.

    Returns:
        The app; ``app.state.store`` is its ``ContactStore``.

    Raises:
        ValueError: no API key, an empty key, an unknown shape, or a setting out of range.
    """
    keys = [key.encode() for key in api_keys]
    if not keys or not all(keys):
        raise ValueError("at least one non-empty API key is required")
    if store is not None and contract is not None and store.contract != contract:
        raise ValueError("the store was built for another contract")
    contract = contract or (store.contract if store is not None else default_contract())
    if store is None:
        dataset = generate_dataset(contacts, seed, shape)
        store = ContactStore.from_dataset(dataset, db_path, contract)
    app = FakeApp(ContactsEndpoint(contract, store, keys))
    app.limit_rate(rate_limit, rate_window, clock)
    app.inject_faults(faults or FaultConfig(rate=fault_rate, seed=seed))
    return app


def _known(presented: bytes, keys: Sequence[bytes]) -> bool:
    """Compare with every key, in constant time for each, without stopping early."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(presented, key)
    return found


def _url(scope: Scope) -> str:
    """The request's URL without its query, as the client addressed it."""
    host = next((v for k, v in scope["headers"] if k == b"host"), b"").decode("latin-1")
    if not host:
        server_host, port = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server_host}:{port}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"
