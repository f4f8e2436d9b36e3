"""Retries as httpx transports, with a short loop of our own.

The loop retries GETs on connection errors, timeouts and the retryable
statuses; honours ``Retry-After`` up to a cap, else waits an exponential
backoff with jitter; closes each discarded response before sleeping; and
sleeps through the policy's injectable ``sleep`` and ``random``. Under it, the
pacing layer (``_pacing``) waits out an exhausted rate-limit window and reads
each body, so a connection dropped mid-body is retried too.
"""

from __future__ import annotations

import httpx

from ._constants import RETRYABLE_ERRORS, RETRYABLE_METHODS, RETRYABLE_STATUSES
from ._logs import logger
from ._pacing import AsyncPacedTransport, PacedTransport, RateLimitPacer
from ._policy import RetryPolicy
from .contract import RateLimit, default_contract


class _Attempts:
    """One request's retries: whether to try again after an outcome, and after how long."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.retries = 0

    def wait_after(self, outcome: httpx.Response | Exception) -> float | None:
        """Seconds to wait before the next try, or ``None`` to stop here."""
        if isinstance(outcome, httpx.Response) and outcome.status_code not in RETRYABLE_STATUSES:
            return None
        if self.retries >= self.policy.max_retries:
            return None
        self.retries += 1
        wait = self.policy.wait_before_retry(self.retries, outcome)
        cause = (
            f"status {outcome.status_code}"
            if isinstance(outcome, httpx.Response)
            else f"{type(outcome).__name__}: {outcome}"
        )
        logger.info(
            "Retrying in %.2f s (retry %d of %d) after %s",
            wait,
            self.retries,
            self.policy.max_retries,
            cause,
        )
        return wait


class RetryingTransport(httpx.BaseTransport):
    """Sync httpx transport that retries GETs per a ``RetryPolicy`` around ``inner``.

    Retries connection errors, timeouts and 408/429/500/502/503/504 with
    exponential backoff and jitter, honouring ``Retry-After``; pauses when
    ``X-RateLimit-Remaining`` reaches 0. ``close()`` closes ``inner``.

    Args:
        inner: The transport that sends; by default a plain ``httpx.HTTPTransport``.
        policy: Retries, waits and the sleep used; by default ``RetryPolicy()``.
        rate_limit: Which headers carry the rate limit; by default the spec's.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        pacer = RateLimitPacer(self.policy, rate_limit or default_contract().rate_limit)
        self._paced = PacedTransport(inner or httpx.HTTPTransport(), pacer)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method not in RETRYABLE_METHODS:
            return self._paced.handle_request(request)
        attempts = _Attempts(self.policy)
        while True:
            try:
                response = self._paced.handle_request(request)
            except RETRYABLE_ERRORS as exc:
                wait = attempts.wait_after(exc)
                if wait is None:
                    raise
            else:
                wait = attempts.wait_after(response)
                if wait is None:
                    return response
                response.close()
            self.policy.sleep(wait)

    def close(self) -> None:
        self._paced.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """Async twin of ``RetryingTransport``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        pacer = RateLimitPacer(self.policy, rate_limit or default_contract().rate_limit)
        self._paced = AsyncPacedTransport(inner or httpx.AsyncHTTPTransport(), pacer)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method not in RETRYABLE_METHODS:
            return await self._paced.handle_async_request(request)
        attempts = _Attempts(self.policy)
        while True:
            try:
                response = await self._paced.handle_async_request(request)
            except RETRYABLE_ERRORS as exc:
                wait = attempts.wait_after(exc)
                if wait is None:
                    raise
            else:
                wait = attempts.wait_after(response)
                if wait is None:
                    return response
                await response.aclose()
            await self.policy.async_sleep(wait)

    async def aclose(self) -> None:
        await self._paced.aclose()
