"""The layer under the retry loop: rate-limit pacing, request logging, bodies read in full.

Reading each body here, inside the retry loop, means a connection dropped in
the middle of a body is retried like any other dropped connection.
"""

from __future__ import annotations

import threading
from collections import deque

import httpx

from ._headers import RateLimitInfo
from ._logs import logger, redact_headers
from ._policy import RetryPolicy
from .contract import RateLimit

# Send times kept to estimate when a rate-limit window frees up.
_MAX_TRACKED_SENDS = 10_000


class RateLimitPacer:
    """Knows, from the rate-limit headers, when the next request may go out.

    When a response says ``X-RateLimit-Remaining: 0``, the next request waits
    until the window should have room again: ``Retry-After`` if the response
    has one; else, with ``X-RateLimit-Limit: L``, one window after the L-th
    most recent request this client sent (exact for a window this client
    opened, fixed or sliding); else one whole window. Never longer than
    ``max_retry_after``.
    """

    def __init__(self, policy: RetryPolicy, rate_limit: RateLimit) -> None:
        self.policy = policy
        self.rate_limit = rate_limit
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
        info = RateLimitInfo.read(headers, self.rate_limit)
        if info.remaining != 0:
            return
        policy = self.policy
        with self._lock:
            now = policy.clock()
            if info.retry_after is not None:
                resume_at = now + info.retry_after
            elif info.limit and len(self._sent) >= info.limit:
                resume_at = self._sent[-info.limit] + policy.rate_limit_window
            else:
                resume_at = now + policy.rate_limit_window
            resume_at = min(resume_at, now + policy.max_retry_after)
            self._resume_at = max(self._resume_at, resume_at)

    def pause(self) -> float:
        """Seconds to wait before the next request goes out; a pause is logged."""
        delay = self.delay()
        if delay > 0:
            logger.info(
                "%s reached 0: waiting %.2f s before the next request",
                self.rate_limit.remaining_header,
                delay,
            )
        return delay

    def sending(self, request: httpx.Request) -> None:
        """Record (and log) that ``request`` goes out now, after any pause."""
        self.sent()
        logger.debug(
            "HTTP request: %s %s headers=%s",
            request.method,
            request.url,
            redact_headers(request.headers),
        )

    def after_receiving(self, request: httpx.Request, response: httpx.Response) -> None:
        """Learn from ``response`` (its body read) and log it."""
        response.request = request
        self.received(response.headers)
        logger.debug(
            "HTTP response: %s %s -> %d (%s: %s)",
            request.method,
            request.url,
            response.status_code,
            self.rate_limit.remaining_header,
            response.headers.get(self.rate_limit.remaining_header, "-"),
        )


def _log_failure(request: httpx.Request, exc: Exception) -> None:
    logger.debug(
        "HTTP request failed: %s %s: %s: %s", request.method, request.url, type(exc).__name__, exc
    )


class PacedTransport(httpx.BaseTransport):
    """Waits for the pacer, logs the exchange, reads the body; forwards ``close()``."""

    def __init__(self, inner: httpx.BaseTransport, pacer: RateLimitPacer) -> None:
        self._inner = inner
        self._pacer = pacer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        delay = self._pacer.pause()
        if delay > 0:
            self._pacer.policy.sleep(delay)
        self._pacer.sending(request)
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
        self._pacer.after_receiving(request, response)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncPacedTransport(httpx.AsyncBaseTransport):
    """Async twin of ``PacedTransport``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, pacer: RateLimitPacer) -> None:
        self._inner = inner
        self._pacer = pacer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        delay = self._pacer.pause()
        if delay > 0:
            await self._pacer.policy.async_sleep(delay)
        self._pacer.sending(request)
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
        self._pacer.after_receiving(request, response)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
