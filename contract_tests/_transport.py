"""One httpx transport for everything that talks to the server.

It counts requests against a budget, paces itself by the contract's
rate-limit headers and window, waits out `Retry-After` on a 429, and keeps a
log of what it sent (never the API key) for the run summary and the
reproductions.
"""

from __future__ import annotations

import shlex
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from kapso_contacts.contract import RateLimit

from ._env import MASK

# The suite's patience with a 429: at most this long a wait, this many retries.
MAX_RETRY_AFTER = 120.0
MAX_429_RETRIES = 2


class BudgetExhausted(RuntimeError):
    """The run has sent as many requests as it may."""


@dataclass(frozen=True, slots=True)
class SentRequest:
    """One request as sent, without credentials."""

    method: str
    url: str
    status: int | None
    key_header: str

    def curl(self) -> str:
        """A curl line reproducing the request, the key masked."""
        return f"curl -sS -H '{self.key_header}: {MASK}' {shlex.quote(self.url)}"


@dataclass
class RequestLog:
    """Every request the suite sent, shared by all clients of a run."""

    key_header: str
    sent: list[SentRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def count(self) -> int:
        """Number of requests sent so far."""
        return len(self.sent)

    def record(self, request: httpx.Request, status: int | None) -> None:
        """Add a request to the log."""
        with self.lock:
            self.sent.append(SentRequest(request.method, str(request.url), status, self.key_header))

    def since(self, mark: int) -> list[SentRequest]:
        """Requests sent after `mark` (a previous `count`)."""
        return self.sent[mark:]


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _restreamed(response: httpx.Response) -> httpx.Response:
    """The answer read whole and handed back as a stream, so that httpx times it.

    An in-process transport may answer with its body already read, which leaves
    `elapsed` unset (schemathesis reads it). The body is decoded by then, so its
    `Content-Encoding` goes.
    """
    response.read()
    headers = [(k, v) for k, v in response.headers.raw if k.lower() != b"content-encoding"]
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=httpx.ByteStream(response.content),
        extensions=response.extensions,
    )


class BudgetTransport(httpx.BaseTransport):
    """Wrap a transport with a request budget, pacing and 429 handling.

    The rate-limit window and headers are the contract's (`RateLimit`).
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        log: RequestLog,
        *,
        budget: int | None,
        rate_limit: RateLimit,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner = inner
        self._log = log
        self._budget = budget
        self._rate = rate_limit
        self._sleep = sleep
        self._remaining: int | None = None
        self._limit: int | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, pacing first, retrying a 429 after its `Retry-After`."""
        attempt = 0
        while True:
            self._spend(request)
            self._pace()
            response = _restreamed(self._inner.handle_request(request))
            self._log.record(request, response.status_code)
            self._observe(response)
            if response.status_code != 429 or attempt >= MAX_429_RETRIES:
                return response
            wait = _seconds(response.headers.get("Retry-After")) or self._rate.window_seconds
            if wait > MAX_RETRY_AFTER:
                return response
            response.read()
            response.close()
            attempt += 1
            self._sleep(wait)
            self._remaining = None  # the wait was the server's own; start afresh

    def _spend(self, request: httpx.Request) -> None:
        if self._budget is not None and self._log.count >= self._budget:
            raise BudgetExhausted(
                f"request budget of {self._budget} spent before {request.method} {request.url.path}"
            )

    def _observe(self, response: httpx.Response) -> None:
        remaining = _seconds(response.headers.get(self._rate.remaining_header))
        limit = _seconds(response.headers.get(self._rate.limit_header))
        self._remaining = int(remaining) if remaining is not None else None
        self._limit = int(limit) if limit is not None else self._limit

    def _pace(self) -> None:
        """Spread requests once the per-minute allowance runs low; at 0, wait a window."""
        if self._remaining is None:
            return
        window = self._rate.window_seconds
        if self._remaining <= 0:
            self._sleep(window)
            self._remaining = None
        elif self._limit and self._remaining < max(5, self._limit // 10):
            self._sleep(window / self._limit)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()
