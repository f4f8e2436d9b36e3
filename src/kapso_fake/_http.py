"""Plain ASGI answers: one start message, one body message, no per-request objects."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from kapso_contacts_api import models

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = Sequence[tuple[bytes, bytes]]

JSON = b"application/json"
HTML = b"text/html; charset=utf-8"

json_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""Compact JSON text, non-ASCII kept as is (the API's own form)."""


def json_bytes(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON."""
    return json_text(value).encode()


def error_body(error: str, **extra: str) -> bytes:
    """The generic ``Error`` body (``{"error": ...}`` plus ``message``/``parameter``)."""
    return json_bytes(models.Error(error=error, **extra).to_dict())


async def respond(
    send: Send,
    status: int,
    body: bytes,
    headers: Headers = (),
    *,
    content_type: bytes = JSON,
    head: bool = False,
) -> None:
    """Send one whole answer (``head``: its headers only, as a ``HEAD`` gets)."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})


async def lifespan(receive: Receive, send: Send) -> None:
    """Answer the server's start-up and shut-down (nothing to do for either)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
