"""The layer under the retry loop: rate-limit pacing, request logging, eager bodies."""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING

import httpx

from ._errors import parse_retry_after
from ._logs import logger, redact_headers

if TYPE_CHECKING:
    from ._retry import RetryPolicy

# Send times kept to estimate when a rate-limit window frees up.
_MAX_TRACKED_SENDS = 10_000


class RateLimitPacer:
    """Knows, from ``X-RateLimit-*`` headers, when the next request may go out.

    When a response says ``X-RateLimit-Remaining: 0``, the next request waits
    until the window should have room again: ``Retry-After`` if the response
    has one; else, with ``X-RateLimit-Limit: L``, one window after the L-th
    most recent request this client sent (exact for a window this client
    opened, fixed or sliding); else one whole window. Never longer than
    ``max_retry_after``.
    """

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self._sent: deque[float] = deque(maxlen=_MAX_TRACKED_SENDS)
        self._resume_at = 0.0
        self._lock = threading.Lock()

    def delay(self) -> float:
        """Seconds to wait before sending now (0 if the window has room)."""
        if not self.policy.pace_rate_limit:
            return 0.0
        with self._lock:
            return max(self._resume_at - self.policy.clock(), 0.0)

    def sent(self) -> None:
        """Record that a request is going out now."""
        with self._lock:
            self._sent.append(self.policy.clock())

    def received(self, headers: httpx.Headers) -> None:
        """Learn from a response's rate-limit headers."""
        if _int(headers.get("X-RateLimit-Remaining")) != 0:
            return
        policy = self.policy
        limit = _int(headers.get("X-RateLimit-Limit"))
        retry_after = parse_retry_after(headers.get("Retry-After"))
        with self._lock:
            now = policy.clock()
            if retry_after is not None:
                resume_at = now + retry_after
            elif limit and len(self._sent) >= limit:
                resume_at = self._sent[-limit] + policy.rate_limit_window
            else:
                resume_at = now + policy.rate_limit_window
            resume_at = min(resume_at, now + policy.max_retry_after)
            self._resume_at = max(self._resume_at, resume_at)


class PacedTransport(httpx.BaseTransport):
    """Waits for the pacer, logs the exchange, reads the body; forwards ``close()``."""

    def __init__(self, inner: httpx.BaseTransport, pacer: RateLimitPacer) -> None:
        self._inner = inner
        self._pacer = pacer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        delay = self._pacer.delay()
        if delay > 0:
            _log_pause(delay)
            self._pacer.policy.sleep(delay)
        self._pacer.sent()
        _log_request(request)
        try:
            response = self._inner.handle_request(request)
            try:
                response.read()
            except BaseException:
                response.close()
                raise
        except Exception as exc:
            _log_failure(request, exc)
            raise
        return _received(self._pacer, request, response)

    def close(self) -> None:
        self._inner.close()


class AsyncPacedTransport(httpx.AsyncBaseTransport):
    """Async twin of ``PacedTransport``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, pacer: RateLimitPacer) -> None:
        self._inner = inner
        self._pacer = pacer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        delay = self._pacer.delay()
        if delay > 0:
            _log_pause(delay)
            await self._pacer.policy.async_sleep(delay)
        self._pacer.sent()
        _log_request(request)
        try:
            response = await self._inner.handle_async_request(request)
            try:
                await response.aread()
            except BaseException:
                await response.aclose()
                raise
        except Exception as exc:
            _log_failure(request, exc)
            raise
        return _received(self._pacer, request, response)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _received(
    pacer: RateLimitPacer, request: httpx.Request, response: httpx.Response
) -> httpx.Response:
    response.request = request
    pacer.received(response.headers)
    logger.debug(
        "HTTP response: %s %s -> %d (X-RateLimit-Remaining: %s)",
        request.method,
        request.url,
        response.status_code,
        response.headers.get("X-RateLimit-Remaining", "-"),
    )
    return response


def _log_request(request: httpx.Request) -> None:
    logger.debug(
        "HTTP request: %s %s headers=%s",
        request.method,
        request.url,
        redact_headers(request.headers),
    )


def _log_failure(request: httpx.Request, exc: Exception) -> None:
    logger.debug(
        "HTTP request failed: %s %s: %s: %s", request.method, request.url, type(exc).__name__, exc
    )


def _log_pause(delay: float) -> None:
    logger.info("X-RateLimit-Remaining reached 0: waiting %.2f s before the next request", delay)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdecimal() else None
