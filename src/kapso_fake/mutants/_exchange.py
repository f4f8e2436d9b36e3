"""A request and a response as a mutant sees them, and the ASGI wrapper that runs a mutant."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kapso_contacts.contract import Assessment, Contract, assess

from ..cursor import CursorCodec

#: How many filtered listings a wrapped server keeps (see ``Server.listings``).
MAX_LISTINGS = 64


@dataclass(eq=False)
class Server:
    """What a mutant knows of the server it wraps: its contract, its keys, its cursor codec.

    ``listings`` keeps each filtered listing a mutant has read through the
    wrapped app (by its filter pairs): a mutant serves a fixed dataset.
    """

    contract: Contract
    api_keys: tuple[str, ...] = ()
    listings: dict[tuple[tuple[str, str], ...], list[dict[str, Any]]] = field(
        default_factory=dict, repr=False
    )

    @cached_property
    def codec(self) -> CursorCodec:
        """The fake's cursor codec for this contract."""
        return CursorCodec.for_contract(self.contract)


@dataclass(frozen=True, slots=True)
class Call:
    """A request to the contacts endpoint: its query pairs and headers (names lowercased)."""

    server: Server
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    raw_query: bytes | None = None
    """The query string as received; dropped once the query is rewritten."""

    @classmethod
    def from_scope(cls, scope: Scope, server: Server) -> Call:
        """Read a call from an ASGI HTTP scope."""
        raw: bytes = scope.get("query_string", b"")
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8")
        headers = tuple(
            (name.decode("latin-1").lower(), value.decode("latin-1"))
            for name, value in scope.get("headers", [])
        )
        return cls(server, tuple(pairs), headers, raw)

    @property
    def contract(self) -> Contract:
        """The contract the wrapped server serves."""
        return self.server.contract

    def verdict(self) -> Assessment:
        """The query as the contract reads it (what the correct app makes of it)."""
        return assess(self.contract, self.query)

    def get(self, name: str) -> str | None:
        """The last value of a query parameter (the one the server uses), or None."""
        values = [value for key, value in self.query if key == name]
        return values[-1] if values else None

    def has(self, name: str) -> bool:
        """Whether the query names the parameter at all."""
        return any(key == name for key, _ in self.query)

    def with_param(self, name: str, value: str | None) -> Call:
        """Return the call with every ``name`` replaced by one ``value`` (None: removed)."""
        pairs = [(key, val) for key, val in self.query if key != name]
        if value is not None:
            pairs.append((name, value))
        return replace(self, query=tuple(pairs), raw_query=None)

    def with_query(self, pairs: Iterable[tuple[str, str]]) -> Call:
        """Return the call with these query pairs instead."""
        return replace(self, query=tuple(pairs), raw_query=None)

    def only(self, names: Iterable[str]) -> Call:
        """Return the call keeping only the named parameters."""
        keep = set(names)
        pairs = tuple((key, val) for key, val in self.query if key in keep)
        return replace(self, query=pairs, raw_query=None)

    def header(self, name: str) -> str | None:
        """A request header's value, or None."""
        for key, value in self.headers:
            if key == name.lower():
                return value
        return None

    def with_header(self, name: str, value: str | None) -> Call:
        """Return the call with the header set (None: removed)."""
        kept = tuple((key, val) for key, val in self.headers if key != name.lower())
        if value is not None:
            kept = (*kept, (name.lower(), value))
        return replace(self, headers=kept)

    def query_string(self) -> bytes:
        """The query string to send to the wrapped app."""
        if self.raw_query is not None:
            return self.raw_query
        return urlencode(self.query).encode("ascii")


@dataclass(slots=True)
class Answer:
    """A complete response: status, headers (names lowercased) and body."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """A response header's value, or None."""
        for key, value in self.headers:
            if key == name.lower():
                return value
        return None

    def with_header(self, name: str, value: str | None) -> Answer:
        """Return the answer with the header set (None: removed)."""
        kept = [(key, val) for key, val in self.headers if key != name.lower()]
        if value is not None:
            kept.append((name.lower(), value))
        return Answer(self.status, kept, self.body)

    def json(self) -> Any:
        """The body parsed as JSON (raises ValueError when it is not)."""
        return json.loads(self.body)

    def with_json(self, payload: Any, status: int | None = None) -> Answer:
        """Return the answer with a new JSON body (and optionally status)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return Answer(self.status if status is None else status, self.headers, body)

    def with_text(self, text: str, status: int, content_type: str) -> Answer:
        """Return the answer with a plain body of the given type."""
        headers = [(k, v) for k, v in self.headers if k != "content-type"]
        headers.append(("content-type", content_type))
        return Answer(status, headers, text.encode("utf-8"))

    @property
    def ok(self) -> bool:
        """Whether this is a 200 with a JSON object body."""
        if self.status != 200:
            return False
        try:
            return isinstance(self.json(), dict)
        except ValueError:
            return False


Forward = Callable[[Call], Awaitable[Answer]]
"""Send a call to the wrapped (correct) app and return its complete answer."""

Handler = Callable[[Call, Forward], Awaitable[Answer]]
"""What a mutant does with one call: rewrite it, forward it (maybe twice), rewrite the answer."""


async def _forward(app: ASGIApp, scope: Scope, call: Call) -> Answer:
    inner_scope = dict(scope)
    inner_scope["query_string"] = call.query_string()
    inner_scope["headers"] = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in call.headers
    ]
    sent_body = False

    async def receive() -> Message:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    answer = Answer(500)
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = int(message["status"])
            answer.headers = [
                (bytes(name).decode("latin-1").lower(), bytes(value).decode("latin-1"))
                for name, value in message.get("headers", [])
            ]
        elif message["type"] == "http.response.body":
            chunks.append(bytes(message.get("body", b"")))

    await app(inner_scope, receive, send)
    answer.body = b"".join(chunks)
    return answer


class MutantApp:
    """ASGI middleware: the contacts endpoint goes through a mutant, the rest is untouched."""

    def __init__(self, app: ASGIApp, handler: Handler, server: Server) -> None:
        self.app = app
        self.handler = handler
        self.server = server
        # Whatever the wrapped app offers (``state``, ``store``...) stays reachable.
        self.contract = server.contract

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] != "http" or scope.get("path") != self.server.contract.path:
            await self.app(scope, receive, send)
            return

        async def forward(call: Call) -> Answer:
            return await _forward(self.app, scope, call)

        answer = await self.handler(Call.from_scope(scope, self.server), forward)
        headers = [(k, v) for k, v in answer.headers if k != "content-length"]
        headers.append(("content-length", str(len(answer.body))))
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
            }
        )
        await send({"type": "http.response.body", "body": answer.body, "more_body": False})
