"""The fake API as a plain ASGI app: ``create_app`` and everything one request meets.

A request is authenticated, read with the contract's ``assess`` (the one query
reader) and answered from the store, in the envelope of its mode. Test
switches sit in front of it and can be changed while it serves: injected
faults, a rate limit, and an account that gains items as time passes. Every
request is recorded (``FakeApp.requests``), the key masked.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import random
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from kapso_contacts.contract import Assessment, Contract, Refused, assess, default_contract

from .data import Generator, Shape
from .store import Page, Store

logger = logging.getLogger("kapso_fake")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[str, str]]
Answer = tuple[int, bytes, Headers]

FAULT_KINDS = ("500", "502", "503", "429", "delay")
MASK = "***"
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_ITEMS = "\x00items\x00"  # stands for the page's items while the envelope is encoded
_BAD_GATEWAY = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
#: Requests kept in ``FakeApp.requests`` (the oldest go first).
MAX_RECORDED = 10_000


def error_body(error: str, **extra: Any) -> bytes:
    """The generic ``Error`` body: ``{"error": ...}`` plus ``parameter``, ``message``..."""
    return _JSON({"error": error, **extra}).encode()


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


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the fake answered: what was sent (the key masked) and the status."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    status: int


@dataclass
class _RateLimit:
    limit: int
    window: float
    clock: Callable[[], float]
    counts: dict[bytes, int] = field(default_factory=dict)
    current: int = -1

    def take(self, key: bytes) -> tuple[int, float]:
        """Count a request of ``key``: (requests left, -1 if none; seconds left in the window)."""
        now = self.clock()
        window = math.floor(now / self.window)
        if window != self.current:
            self.current, self.counts = window, {}
        used = self.counts.get(key, 0)
        left = (window + 1) * self.window - now
        if used >= self.limit:
            return -1, left
        self.counts[key] = used + 1
        return self.limit - used - 1, left


class FakeApp:
    """The fake API (see the module docstring)."""

    def __init__(
        self,
        contract: Contract,
        store: Store,
        generator: Generator,
        api_keys: Sequence[str],
        *,
        new_per_minute: float = 0.0,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """Serve ``store`` to requests carrying one of ``api_keys`` (at least one)."""
        if not api_keys or not all(api_keys):
            raise ValueError("at least one non-empty API key is required")
        self.contract = contract
        self.store = store
        self.generator = generator
        self.requests: deque[RecordedRequest] = deque(maxlen=MAX_RECORDED)
        self._keys = [key.encode() for key in api_keys]
        self._key_header = contract.api_key_header.lower()
        self._now = now or (lambda: datetime.now(UTC))
        self._grow_from = self._now()
        self._grown = 0
        self._growing = threading.Lock()
        self._new_per_minute = 0.0
        self.grow(new_per_minute)
        self._faults: tuple[FaultConfig, random.Random] | None = None
        self._rate: _RateLimit | None = None

    # -- switches ---------------------------------------------------------------

    def inject_faults(self, config: FaultConfig | None) -> None:
        """Answer a seeded share of the following requests with faults (None: none)."""
        on = config is not None and config.rate > 0
        self._faults = (config, random.Random(config.seed)) if on and config else None  # noqa: S311

    def limit_rate(
        self,
        limit: int | None,
        window_seconds: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Allow ``limit`` requests per key per window from now on (None: no limit).

        Raises:
            ValueError: a limit below 1 or a window that is not positive.
        """
        if limit is None:
            self._rate = None
            return
        window = (
            self.contract.rate_limit.window_seconds if window_seconds is None else window_seconds
        )
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs at least 1 request per positive window")
        self._rate = _RateLimit(limit, window, clock or time.monotonic)

    def grow(self, per_minute: float) -> None:
        """Gain ``per_minute`` new items a minute from now on, created as time passes (newest)."""
        if per_minute < 0:
            raise ValueError("new items per minute must be 0 or more")
        self.catch_up()
        self._new_per_minute = per_minute
        self._grow_from, self._grown = self._now(), 0

    def add(self, **fields: Any) -> dict[str, Any]:
        """Add one item (created now unless ``fields`` say otherwise); return it as served.

        Fields left out are drawn as the generator draws them; ``datetime`` values
        are written as the API writes timestamps; hidden fields (read by filters,
        not shown) may be given by their dotted name.

        Raises:
            ValueError: a field of the wrong type, or a place in the listing already taken.
        """
        first = self.contract.order[0].field
        item, hidden = self.generator.item(**{first: self._now(), **fields})
        self.store.insert([self.store.row(item, hidden)])
        return item

    def add_generated(self, n: int) -> list[dict[str, Any]]:
        """Add ``n`` generated items, spread as the data's shape spreads them; return them."""
        drawn = list(self.generator.items(n))
        self.store.insert(self.store.row(item, hidden, trusted=True) for item, hidden in drawn)
        return [item for item, _ in drawn]

    def catch_up(self) -> None:
        """Add the items the account has gained by now (see ``grow``)."""
        if not self._new_per_minute:
            return
        with self._growing:
            self._add_due()

    def _add_due(self) -> None:
        # Each item is created at the instant it fell due, as on a live account, not all
        # at the instant somebody asked.
        interval = timedelta(minutes=1 / self._new_per_minute)
        due = int((self._now() - self._grow_from) / interval)
        first = self.contract.order[0].field
        rows = [
            self.store.row(*self.generator.item(**{first: self._grow_from + n * interval}))
            for n in range(self._grown + 1, due + 1)
        ]
        self._grown = max(due, self._grown)
        if rows:
            self.store.insert(rows)

    # -- serving ----------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point (HTTP requests and lifespan events)."""
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        fault = self._draw_fault()
        if fault == "delay" and self._faults:
            await asyncio.sleep(self._faults[0].delay)
        try:
            status, body, extra = self._fault(fault) or self.answer(scope, headers, query)
        except Exception:
            logger.exception("kapso-fake: answering %s failed", scope.get("path"))
            status, body, extra = 500, error_body("Internal server error"), []
        masked = {k: (MASK if k == self._key_header else v) for k, v in headers.items()}
        self.requests.append(
            RecordedRequest(scope["method"], scope["path"], tuple(query), masked, status)
        )
        content = "text/html; charset=utf-8" if status == 502 else "application/json"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content.encode()),
                    (b"content-length", str(len(body)).encode()),
                    *((k.encode("latin-1"), v.encode("latin-1")) for k, v in extra),
                ],
            }
        )
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    def _draw_fault(self) -> str | None:
        if self._faults is None:
            return None
        config, rng = self._faults
        return rng.choice(config.kinds) if rng.random() < config.rate else None

    def _fault(self, fault: str | None) -> Answer | None:
        if fault is None or fault == "delay" or self._faults is None:
            return None
        if fault == "502":
            return 502, _BAD_GATEWAY, []
        if fault == "429":
            retry = str(self._faults[0].retry_after)
            body = error_body("Rate limit exceeded", message=f"Retry after {retry} seconds.")
            return 429, body, [("retry-after", retry)]
        return (
            int(fault),
            error_body("Service unavailable" if fault == "503" else "Internal server error"),
            [],
        )

    def answer(
        self, scope: Scope, headers: Mapping[str, str], query: list[tuple[str, str]]
    ) -> Answer:
        """The status, body and extra headers of the answer to one request."""
        if scope["path"] != self.contract.path:
            return 404, error_body("Not found"), []
        if scope["method"] not in ("GET", "HEAD"):
            return (
                405,
                error_body(f"Method {scope['method']} not allowed"),
                [("allow", "GET, HEAD")],
            )
        presented = headers.get(self._key_header, "").encode("latin-1")
        limited: Headers = []
        if self._rate is not None:
            left, seconds = self._rate.take(presented)
            rate = self.contract.rate_limit
            limited = [
                (rate.limit_header, str(self._rate.limit)),
                (rate.remaining_header, str(max(left, 0))),
            ]
            if left < 0:
                retry = str(max(1, math.ceil(seconds)))
                body = error_body(
                    "Rate limit exceeded",
                    message=f"Too many requests. Retry after {retry} seconds.",
                )
                return 429, body, [("retry-after", retry), *limited]
        if not presented:
            return 401, error_body(f"Missing {self.contract.api_key_header} header"), limited
        if not _known(presented, self._keys):
            return 401, error_body("Invalid API key"), limited
        self.catch_up()
        verdict = assess(self.contract, query, readable=self.store.cursors.readable)
        if verdict.first is not None:
            status, body = self._refusal(verdict.first, dict(query))
            return status, body, limited
        if verdict.mode == "cursor":
            return 200, self._cursor_page(verdict), limited
        status, body, extra = self._legacy_page(verdict, scope, headers, query)
        return status, body, [*extra, *limited]

    def _cursor_page(self, verdict: Assessment) -> bytes:
        contract, cursors = self.contract, self.store.cursors
        mode = contract.pagination.cursor
        values = verdict.values
        after = values.get(mode.after.name)
        before = values.get(mode.before.name)
        filters = verdict.filters(contract)
        page = self.store.cursor_page(
            filters,
            verdict.page_size(contract),
            cursors.decode(after) if after else None,
            cursors.decode(before) if before else None,
        )
        first = cursors.encode(page.first) if page.first else None
        last = cursors.encode(page.last) if page.last else None
        body: dict[str, Any] = {}
        _put(body, mode.first.parts, first)
        _put(body, mode.last.parts, last)
        _put(body, mode.next.parts, last if page.has_next else None)
        _put(body, mode.previous.parts, first if page.has_previous else None)
        if not contract.pagination.one_envelope.value:
            total = contract.pagination.legacy.meta["total-count"]
            _put(body, total.parts, self.store.count(filters))
        return self._with_items(body, page)

    def _legacy_page(
        self,
        verdict: Assessment,
        scope: Scope,
        headers: Mapping[str, str],
        query: list[tuple[str, str]],
    ) -> Answer:
        contract = self.contract
        legacy = contract.pagination.legacy
        number = max(
            int(verdict.values.get(legacy.page.name, legacy.page.default)), legacy.first_page
        )
        size = verdict.page_size(contract)
        page, total = self.store.legacy_page(verdict.filters(contract), number, size)
        pages = math.ceil(total / size)
        roles = {"page": number, "per-page": size, "total-pages": pages, "total-count": total}
        body: dict[str, Any] = {}
        for role, path in legacy.meta.items():
            _put(body, path.parts, roles[role])
        extra: Headers = []
        for name, role in legacy.headers.items():
            value = (
                _links(contract, _url(scope, headers), query, number, size, pages)
                if role == "links"
                else str(roles[role])
            )
            extra.append((name.lower(), value))
        return 200, self._with_items(body, page), extra

    def _with_items(self, body: dict[str, Any], page: Page) -> bytes:
        _put(body, self.contract.pagination.items.parts, _ITEMS)
        return _JSON(body).replace(_JSON(_ITEMS), "[" + ",".join(page.bodies) + "]", 1).encode()

    def _refusal(self, refused: Refused, query: Mapping[str, str]) -> tuple[int, bytes]:
        legacy = self.contract.pagination.legacy
        if refused.body != legacy.limit_error_body:
            return refused.status, error_body(refused.message, parameter=refused.parameter)
        cursor = self.contract.pagination.cursor
        page = _integer(query.get(legacy.page.name), legacy.page.default)
        per_page = _integer(query.get(legacy.per_page.name), legacy.per_page.default)
        example = min(per_page, cursor.limit.maximum or per_page)
        names = [p.name for p in cursor.parameters]
        body = {
            "message": legacy.limit_error_code,
            "detail": f"{refused.message} Use cursor pagination with {', '.join(names[:-1])},"
            f" and {names[-1]}.",
            f"requested_{legacy.page.name}": page,
            f"requested_{legacy.per_page.name}": per_page,
            "requested_window": page * per_page,
            f"max_{legacy.page.name}": legacy.max_page if legacy.max_page is not None else page,
            "max_window": legacy.max_window.value,
            "cursor_example": f"{self.contract.path}?{cursor.limit.name}={example}",
        }
        return refused.status, _JSON(body).encode()


def create_app(
    *,
    api_keys: Sequence[str],
    contract: Contract | None = None,
    contacts: int = 1000,
    seed: int = 1,
    shape: Shape = "mixed",
    readings: Mapping[str, Any] | None = None,
    new_contacts_per_minute: float = 0.0,
    data: Iterable[Mapping[str, Any]] | None = None,
    rate_limit: int | None = None,
    rate_window: float | None = None,
    faults: FaultConfig | None = None,
    clock: Callable[[], float] | None = None,
    now: Callable[[], datetime] | None = None,
) -> FakeApp:
    """The fake API as an ASGI app, with a fresh in-memory store.

    Args:
        api_keys: the keys the API key header is checked against (at least one).
        contract: the contract to serve (default: the shipped spec's).
        contacts: how many items to generate (unless ``data`` is given).
        seed: the seed of the generated data and of the faults.
        shape: how the order's first key is spread (``kapso_fake.data.SHAPES``).
        readings: assumed facts to read otherwise (pointer -> one of their
            readings, ``Contract.read_as``): the fake then serves that reading.
        new_contacts_per_minute: items the account gains a minute, created as
            time passes (a live account).
        data: items to serve instead of generated ones (each an item of the spec).
        rate_limit: requests per window per key; None for no limit.
        rate_window: the window's length in seconds (default: the spec's).
        faults: faults to inject (default: none).
        clock: monotonic seconds for the rate limit (tests inject one).
        now: the wall clock for created items (tests inject one).

    Raises:
        ValueError: no key, a setting out of range, an unknown reading, or data
            that is not items of the spec (the message names the item).
    """
    contract = (contract or default_contract()).read_as(readings or {})
    store = Store(contract)
    generator = Generator(contract, seed, shape)
    if data is None:
        store.insert(
            store.row(item, hidden, trusted=True) for item, hidden in generator.items(contacts)
        )
    else:
        store.insert(_rows(store, generator, data))
    app = FakeApp(
        contract, store, generator, api_keys, new_per_minute=new_contacts_per_minute, now=now
    )
    app.limit_rate(rate_limit, rate_window, clock)
    app.inject_faults(faults or FaultConfig(seed=seed))
    return app


def _rows(
    store: Store, generator: Generator, data: Iterable[Mapping[str, Any]]
) -> Iterable[tuple[Any, ...]]:
    """The rows of given items: a nullable field left out is null, another is drawn."""
    nulls = {name: None for name, f in store.contract.item.fields.items() if f.nullable}
    for number, item in enumerate(data, 1):
        try:
            yield store.row(*generator.item(**{**nulls, **item}))
        except ValueError as exc:
            raise ValueError(f"item {number}: {exc}") from None


def _integer(text: str | None, default: int) -> int:
    """A query value read as an integer for an error body (its default if it is none)."""
    try:
        return int(text or default)
    except ValueError:
        return default


def _known(presented: bytes, keys: Sequence[bytes]) -> bool:
    """Compare with every key, in constant time for each, without stopping early."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(presented, key)
    return found


def _put(body: dict[str, Any], parts: tuple[str, ...], value: Any) -> None:
    node = body
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _url(scope: Scope, headers: Mapping[str, str]) -> str:
    """The request's URL without its query, as the client addressed it."""
    host = headers.get("host") or "{}:{}".format(*(scope.get("server") or ("127.0.0.1", 80)))
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"


def _links(
    contract: Contract, url: str, query: list[tuple[str, str]], page: int, per_page: int, pages: int
) -> str:
    """The RFC 8288 ``Link`` of a legacy page; links stop at the largest page the limits allow."""
    legacy = contract.pagination.legacy
    first = legacy.first_page
    reachable = legacy.max_window.value // per_page
    if legacy.max_page is not None:
        reachable = min(reachable, legacy.max_page)
    last = min(first + pages - 1, reachable)
    rels = {"first": first}
    if page > first:
        rels["prev"] = min(page - 1, max(last, first))
    if page < last:
        rels["next"] = page + 1
    if last >= first:
        rels["last"] = last
    names = (legacy.page.name, legacy.per_page.name)
    kept = [(k, v) for k, v in query if k not in names]
    return ", ".join(
        f'<{url}?{urlencode([*kept, (names[0], n), (names[1], per_page)])}>; rel="{rel}"'
        for rel, n in rels.items()
    )
