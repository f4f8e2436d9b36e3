"""Per-key rate limiting in fixed windows (the spec's minute by default), as an ASGI wrapper."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from kapso_contacts.contract import Contract

from ._http import ASGIApp, Message, Receive, Scope, Send, error_body, respond


class RateLimitMiddleware:
    """Allow ``limit`` requests per key per window; add the rate-limit headers to every answer.

    A request is counted against the API key it carries (valid or not,
    before authentication); requests without the header share one bucket.
    Windows are fixed and aligned on multiples of ``window_seconds`` of
    ``clock``; the window and the header names default to ``x-kapso-rate-limit``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        contract: Contract,
        limit: int,
        window_seconds: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Wrap ``app``.

        Raises:
            ValueError: ``limit`` below 1 or a window that is not positive.
        """
        if limit < 1:
            raise ValueError("rate_limit must be at least 1 request per window")
        rate = contract.rate_limit
        self.app = app
        self.limit = limit
        self.window_seconds = rate.window_seconds if window_seconds is None else window_seconds
        if self.window_seconds <= 0:
            raise ValueError("the rate-limit window must be positive")
        self.clock = clock or time.monotonic
        self._key_header = contract.api_key_header.lower().encode("latin-1")
        self._limit_header = rate.limit_header.lower().encode("latin-1")
        self._remaining_header = rate.remaining_header.lower().encode("latin-1")
        self._window = -1
        self._counts: dict[bytes, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request, then answer 429 or pass it on with the headers added."""
        now = self.clock()
        window = math.floor(now / self.window_seconds)
        if window != self._window:
            self._window, self._counts = window, {}
        # Buckets are keyed by a digest: the limiter never holds a client's key.
        key = next((v for k, v in scope["headers"] if k == self._key_header), b"")
        bucket = hashlib.sha256(key).digest()
        used = self._counts.get(bucket, 0)
        limit = str(self.limit).encode()
        if used >= self.limit:
            retry_after = str(max(1, math.ceil((window + 1) * self.window_seconds - now)))
            body = error_body(
                "Rate limit exceeded",
                message=f"Too many requests. Retry after {retry_after} seconds.",
            )
            headers = [
                (b"retry-after", retry_after.encode()),
                (self._limit_header, limit),
                (self._remaining_header, b"0"),
            ]
            await respond(send, 429, body, headers, head=scope.get("method") == "HEAD")
            return
        self._counts[bucket] = used + 1
        extra = [
            (self._limit_header, limit),
            (self._remaining_header, str(self.limit - used - 1).encode()),
        ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
