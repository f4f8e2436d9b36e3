"""The ASGI app: ``create_app`` and the one route, ``GET /platform/v1/whatsapp/contacts``."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._constants import CONTACTS_PATH
from ._faults import FaultConfig, FaultMiddleware
from ._params import CursorPage, LegacyLimitError, ParameterError, parse_query
from ._ratelimit import RateLimitMiddleware
from ._responses import cursor_response, error_response, json_response, legacy_response
from .data import generate_dataset
from .store import ContactStore


def create_app(
    *,
    api_keys: Sequence[str],
    contacts: int = 1000,
    seed: int = 1,
    rate_limit: int | None = None,
    rate_window: float = 60.0,
    fault_rate: float = 0.0,
    db_path: str | Path | None = None,
    store: ContactStore | None = None,
    faults: FaultConfig | None = None,
    clock: Callable[[], float] | None = None,
) -> Starlette:
    """Return the fake API as a Starlette app, with a fresh store unless ``store`` is given.

    Args:
        api_keys: the keys ``X-API-Key`` is checked against (at least one).
        contacts: how many generated contacts (ignored when ``store`` is given).
        seed: the seed of the generated data and of the fault injection.
        rate_limit: requests per minute per key; ``None`` for no limit.
        rate_window: length of a rate-limit window in seconds (Kapso's is 60;
            shorter windows keep rate-limit drills and benchmarks short).
        fault_rate: share of requests (0..1) answered with an injected fault.
        db_path: an SQLite file to (re)build the store in; in memory when ``None``.
        store: an existing store to serve instead of generating one.
        faults: full fault settings (overrides ``fault_rate``).
        clock: monotonic seconds for the rate limiter (injectable for tests).

    Returns:
        The app; ``app.state.store`` is its ``ContactStore``.

    Raises:
        ValueError: no API key, an empty key, or a setting out of range.
    """
    keys = [key.encode() for key in api_keys]
    if not keys or not all(keys):
        raise ValueError("at least one non-empty API key is required")
    if rate_limit is not None and rate_limit < 1:
        raise ValueError("rate_limit must be at least 1 request per minute")
    fault_config = faults or FaultConfig(rate=fault_rate, seed=seed)
    if store is None:
        store = ContactStore.from_dataset(generate_dataset(contacts, seed), db_path)
    middleware = []
    if fault_config.rate > 0:
        middleware.append(Middleware(FaultMiddleware, config=fault_config))
    if rate_limit is not None:
        middleware.append(
            Middleware(
                RateLimitMiddleware, limit=rate_limit, window_seconds=rate_window, clock=clock
            )
        )

    async def list_contacts(request: Request) -> Response:
        presented = request.headers.get("x-api-key", "").encode("latin-1")
        if not presented:
            return error_response(401, "Missing X-API-Key header")
        if not _known(presented, keys):
            return error_response(401, "Invalid API key")
        try:
            query = parse_query({k: request.query_params.getlist(k) for k in request.query_params})
        except (ParameterError, LegacyLimitError) as exc:
            return json_response(exc.body(), 400)
        paging = query.pagination
        if isinstance(paging, CursorPage):
            page = store.cursor_page(query.filters, paging.limit, paging.after, paging.before)
            return cursor_response(page)
        contacts, total = store.legacy_page(query.filters, paging.page, paging.per_page)
        return legacy_response(contacts, total, paging, request.url)

    app = Starlette(
        routes=[Route(CONTACTS_PATH, list_contacts, methods=["GET"])],
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.router.redirect_slashes = False
    app.state.store = store
    return app


def _known(presented: bytes, keys: Sequence[bytes]) -> bool:
    """Compare with every key, in constant time for each, without stopping early."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(presented, key)
    return found


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "Not found", 405: f"Method {request.method} not allowed"}
    return error_response(exc.status_code, messages.get(exc.status_code, exc.detail), exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_response(500, "Internal server error")
