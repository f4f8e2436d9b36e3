"""Per-key rate limiting in fixed one-minute windows, as an ASGI wrapper."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._responses import json_response

WINDOW_SECONDS = 60.0


class RateLimitMiddleware:
    """Allow ``limit`` requests per key per minute; add ``X-RateLimit-*`` to every answer.

    A request is counted against the ``X-API-Key`` it carries (valid or not,
    before authentication); requests without the header share one bucket.
    Windows are fixed and aligned on multiples of 60 s of ``clock``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock or time.monotonic
        self._window = -1
        self._counts: dict[bytes, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = self.clock()
        window = math.floor(now / self.window_seconds)
        if window != self._window:
            self._window, self._counts = window, {}
        # Buckets are keyed by a digest: the limiter never holds a client's key.
        key = next((v for k, v in scope["headers"] if k == b"x-api-key"), b"")
        bucket = hashlib.sha256(key).digest()
        used = self._counts.get(bucket, 0)
        if used >= self.limit:
            retry_after = max(1, math.ceil((window + 1) * self.window_seconds - now))
            response = json_response(
                {
                    "error": "Rate limit exceeded",
                    "message": f"Too many requests. Retry after {retry_after} seconds.",
                },
                429,
                {
                    "Retry-After": str(retry_after),
                    "X-RateLimit-Limit": str(self.limit),
                    "X-RateLimit-Remaining": "0",
                },
            )
            await response(scope, receive, send)
            return
        self._counts[bucket] = used + 1
        extra = [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.limit - used - 1).encode()),
        ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
