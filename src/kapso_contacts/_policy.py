"""``RetryPolicy``: how many retries, how long between them, and where waiting happens."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import anyio
import httpx

from ._constants import DEFAULT_MAX_RETRIES, INITIAL_RETRY_DELAY, MAX_RETRY_DELAY
from ._headers import RETRY_AFTER, parse_retry_after
from .contract import default_contract


def _rate_limit_window() -> float:
    return default_contract().rate_limit.window_seconds


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How requests are retried, and where waiting happens.

    Attributes:
        max_retries: Retries after the first attempt (0 turns retrying off).
        initial_delay: Backoff before the first retry, in seconds; doubles per retry.
        max_delay: Upper bound of a computed backoff.
        max_retry_after: ``Retry-After`` and rate-limit pauses are honoured up to
            this many seconds; a longer value is cut to it. Default: one rate-limit
            window (the spec's ``x-kapso-rate-limit``), after which the window has room.
        rate_limit_window: Length of the API's rate-limit window (the spec's: a minute).
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
    max_retry_after: float = field(default_factory=_rate_limit_window)
    rate_limit_window: float = field(default_factory=_rate_limit_window)
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
            retry_after = parse_retry_after(outcome.headers.get(RETRY_AFTER))
            if retry_after is not None:
                return min(retry_after, self.max_retry_after)
        return self.backoff(retry_number)
