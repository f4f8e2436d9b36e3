"""Retries as httpx transports, built on httpx-retries.

httpx-retries runs the loop (GET only, the statuses and exceptions listed,
``Retry-After`` parsing, closing each discarded response). This module adds
what it leaves open: waits that go through an injectable sleep and jitter
source, one log line per retry, and, underneath the loop, the pacing layer of
``_pacing.py`` (waits when ``X-RateLimit-Remaining`` reaches 0 and reads each
body inside the loop, so a connection dropped mid-body is retried too).
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import anyio
import httpx
from httpx_retries import Retry, RetryTransport

from ._constants import (
    DEFAULT_MAX_RETRIES,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RATE_LIMIT_WINDOW,
    RETRYABLE_STATUSES,
)
from ._errors import parse_retry_after
from ._logs import logger
from ._pacing import AsyncPacedTransport, PacedTransport, RateLimitPacer


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How requests are retried, and where waiting happens.

    Attributes:
        max_retries: Retries after the first attempt (0 turns retrying off).
        initial_delay: Backoff before the first retry, in seconds; doubles per retry.
        max_delay: Upper bound of a computed backoff.
        max_retry_after: ``Retry-After`` and rate-limit pauses are honoured up to
            this many seconds; a longer value is cut to it.
        rate_limit_window: Length of the API's rate-limit window (Kapso: a minute).
        pace_rate_limit: Pause when ``X-RateLimit-Remaining`` reaches 0 instead
            of sending a request bound to get a 429.
        sleep: Blocking sleep (tests inject a fake one).
        async_sleep: Async sleep (tests inject a fake one).
        random: Source of jitter in ``[0, 1)``.
        clock: Monotonic clock in seconds, for rate-limit pacing.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    rate_limit_window: float = RATE_LIMIT_WINDOW
    pace_rate_limit: bool = True
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    random: Callable[[], float] = random.random
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {self.max_retries}")
        durations = {
            "initial_delay": self.initial_delay,
            "max_delay": self.max_delay,
            "max_retry_after": self.max_retry_after,
            "rate_limit_window": self.rate_limit_window,
        }
        for name, value in durations.items():
            if value < 0:
                raise ValueError(f"{name} must be 0 or more, got {value}")

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based) when the server named no time.

        Exponential (``initial_delay * 2**(n-1)``, capped at ``max_delay``), less
        up to 25% of jitter so that many clients do not retry in step.
        """
        delay = min(self.initial_delay * 2.0 ** max(retry_number - 1, 0), self.max_delay)
        return delay * (1 - 0.25 * self.random())

    def wait_before_retry(self, retry_number: int, outcome: httpx.Response | Exception) -> float:
        """Seconds to wait before retry ``retry_number`` after ``outcome``.

        ``Retry-After`` (seconds or HTTP-date) wins when the response has one, up
        to ``max_retry_after``; otherwise the backoff applies.
        """
        if isinstance(outcome, httpx.Response):
            retry_after = parse_retry_after(outcome.headers.get("Retry-After"))
            if retry_after is not None:
                return min(retry_after, self.max_retry_after)
        return self.backoff(retry_number)


class _PolicyRetry(Retry):
    """httpx-retries' ``Retry`` with its waits taken from a ``RetryPolicy``."""

    def __init__(self, *args: Any, policy: RetryPolicy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy or RetryPolicy()

    @classmethod
    def from_policy(cls, policy: RetryPolicy) -> _PolicyRetry:
        return cls(
            total=policy.max_retries,
            allowed_methods=["GET"],
            status_forcelist=RETRYABLE_STATUSES,
            policy=policy,
        )

    def copy_with(self, *args: Any, **kwargs: Any) -> _PolicyRetry:
        # The base class rebuilds from its own constructor arguments only.
        copy = cast(_PolicyRetry, super().copy_with(*args, **kwargs))
        copy.policy = self.policy
        return copy

    def backoff_strategy(self) -> float:
        return self.policy.backoff(self.attempts_made)

    def sleep(self, response: httpx.Response | Exception) -> None:
        wait = self._announce(response)
        self.policy.sleep(wait)
        self.elapsed_sleep += wait

    async def asleep(self, response: httpx.Response | Exception) -> None:
        wait = self._announce(response)
        await self.policy.async_sleep(wait)
        self.elapsed_sleep += wait

    def _announce(self, outcome: httpx.Response | Exception) -> float:
        wait = self.policy.wait_before_retry(self.attempts_made, outcome)
        cause = (
            f"status {outcome.status_code}"
            if isinstance(outcome, httpx.Response)
            else f"{type(outcome).__name__}: {outcome}"
        )
        logger.info(
            "Retrying in %.2f s (retry %d of %d) after %s",
            wait,
            self.attempts_made,
            self.total,
            cause,
        )
        return wait


class RetryingTransport(httpx.BaseTransport):
    """Sync httpx transport that retries GETs per a ``RetryPolicy`` around ``inner``.

    Retries connection errors, timeouts and 408/429/500/502/503/504 with
    exponential backoff and jitter, honouring ``Retry-After``; pauses when
    ``X-RateLimit-Remaining`` reaches 0. ``close()`` closes ``inner``.
    """

    def __init__(
        self, inner: httpx.BaseTransport | None = None, *, policy: RetryPolicy | None = None
    ) -> None:
        self.policy = policy or RetryPolicy()
        paced = PacedTransport(inner or httpx.HTTPTransport(), RateLimitPacer(self.policy))
        self._transport = RetryTransport(paced, retry=_PolicyRetry.from_policy(self.policy))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transport.handle_request(request)

    def close(self) -> None:
        self._transport.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """Async twin of ``RetryingTransport``."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport | None = None, *, policy: RetryPolicy | None = None
    ) -> None:
        self.policy = policy or RetryPolicy()
        paced = AsyncPacedTransport(
            inner or httpx.AsyncHTTPTransport(), RateLimitPacer(self.policy)
        )
        self._transport = RetryTransport(paced, retry=_PolicyRetry.from_policy(self.policy))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._transport.aclose()
