"""Fault injection for client tests, as an ASGI wrapper (off unless a rate is set)."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from ._http import HTML, ASGIApp, Receive, Scope, Send, error_body, respond

FAULT_KINDS = ("500", "502", "503", "429", "delay")

_BAD_GATEWAY = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """What to inject: ``rate`` of requests get one of ``kinds``, drawn from ``seed``."""

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = FAULT_KINDS
    retry_after: int = 1
    delay: float = 0.2

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("the fault rate must be from 0 to 1")
        if not self.kinds or set(self.kinds) - set(FAULT_KINDS):
            raise ValueError(f"fault kinds must be among {', '.join(FAULT_KINDS)}")
        if self.retry_after < 0 or self.delay < 0:
            raise ValueError("retry_after and delay must be >= 0")


class FaultMiddleware:
    """Answer a seeded share of requests with 500/502/503/429, or delay them.

    The n-th request always gets the same fate for the same config, so a
    sequential client sees a reproducible sequence.
    """

    def __init__(self, app: ASGIApp, *, config: FaultConfig) -> None:
        """Wrap ``app``; the draws start from ``config.seed``."""
        self.app = app
        self.config = config
        self._rng = random.Random(config.seed)  # noqa: S311 (reproducible, not secret)

    def draw(self) -> str | None:
        """Return the fault for the next request, or ``None`` to let it through."""
        if self._rng.random() >= self.config.rate:
            return None
        return self.config.kinds[int(self._rng.random() * len(self.config.kinds))]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request: through to the app, late, or with a fault."""
        fault = self.draw()
        if fault == "delay":
            await asyncio.sleep(self.config.delay)
        if fault is None or fault == "delay":
            await self.app(scope, receive, send)
            return
        head = scope.get("method") == "HEAD"
        if fault == "502":
            await respond(send, 502, _BAD_GATEWAY, content_type=HTML, head=head)
        elif fault == "503":
            await respond(send, 503, error_body("Service unavailable"), head=head)
        elif fault == "429":
            retry = str(self.config.retry_after)
            body = error_body("Rate limit exceeded", message=f"Retry after {retry} seconds.")
            await respond(send, 429, body, [(b"retry-after", retry.encode())], head=head)
        else:
            await respond(send, 500, error_body("Internal server error"), head=head)
