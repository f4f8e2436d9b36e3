"""The one load generator: keep-alive HTTP/1.1 connections to a loopback server.

``make bench`` measures throughput and latency with it and ``make stress``
drives its 64-connection drill with it. Plain asyncio streams on uvloop (the
``[fake]`` extra installs it) with a minimal response reader: one process
sends tens of thousands of requests a second, more than the servers measured
here answer, so the server is what is measured. Every run is bounded in time
and in count, and only loopback addresses are accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import uvloop

from kapso_contacts.contract import Contract, to_query_value

#: A problem with an answer (status, body), or None when it is right.
Check = Callable[[int, bytes], str | None]
#: Seconds one request may take before its connection counts as hung.
REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class Request:
    """One request of a mix: its path and query, its headers, the status that is right."""

    path: str
    query: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    expect: int = 200

    @property
    def target(self) -> str:
        """The request target: the path and the encoded query."""
        return f"{self.path}?{urlencode(self.query)}" if self.query else self.path


@dataclass
class LoadResult:
    """What one run measured."""

    connections: int
    seconds: float
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    #: Answers with a status it did not expect, a problem the check found, or a
    #: broken or hung connection; the first ten are kept in ``problems``.
    errors: int = 0
    problems: list[str] = field(default_factory=list)


def showing(contract: Contract, client: httpx.Client, url: str) -> Iterator[dict[str, Any]]:
    """Queries that show a server's data, read from the contract and the server's answers.

    Whole cursor walks at the smallest page (a boundary between any two items:
    ties show) and at the largest, every legacy page, and each filter with the
    values its kind tries, cut from the items seen: the gauge's probes and the
    stress drill's traffic.
    """
    cursor, legacy = contract.pagination.cursor, contract.pagination.legacy
    items: list[Any] = []
    for size in (cursor.limit.minimum or 1, cursor.limit.maximum):
        query: dict[str, Any] = {cursor.limit.name: size}
        while query:
            yield query
            body = client.get(url, params=query).json()
            items += contract.pagination.items.get(body) if size == cursor.limit.maximum else []
            after = cursor.next.get(body)
            query = {cursor.limit.name: size, cursor.after.name: after} if after else {}
    for page in range(legacy.first_page, (legacy.max_page or legacy.first_page) + 1):
        yield {legacy.page.name: page}
    for f in contract.filters.values():
        for value in f.meaning.samples([f.field_value(item)[1] for item in items]):
            yield {f.parameter: to_query_value(contract, contract.parameters[f.parameter], value)}


def loopback(url: str) -> tuple[str, int]:
    """The host and port of a loopback URL.

    Raises:
        ValueError: the host is not a loopback address (this generator sends nowhere else).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    with contextlib.suppress(ValueError):  # a name other than localhost is no address
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            return host, parts.port or 80
    raise ValueError(f"{host} is not a loopback address")


def drive(
    url: str,
    requests: Sequence[Request],
    *,
    connections: int,
    seconds: float,
    max_requests: int | None = None,
    check: Check | None = None,
) -> LoadResult:
    """Send ``requests`` in turn over ``connections`` connections for ``seconds`` (at most).

    ``url`` is the server's root (``http://127.0.0.1:PORT``); each connection
    starts at its own place, spread over the mix. ``max_requests`` bounds the count.
    """
    host, port = loopback(url)
    wire = [_wire(host, port, request) for request in requests]
    result = LoadResult(connections, seconds)
    latencies: list[float] = []
    sent = 0

    async def connection(number: int, deadline: float) -> None:
        nonlocal sent
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError as exc:
            _problem(result, f"connect: {exc}")
            return
        turn = number * len(requests) // connections  # spread over the mix
        try:
            while time.perf_counter() < deadline:
                if max_requests is not None and sent >= max_requests:
                    break
                request = requests[turn % len(requests)]
                started = time.perf_counter()
                writer.write(wire[turn % len(requests)])
                sent += 1
                status, body = await asyncio.wait_for(_answer(reader), REQUEST_TIMEOUT)
                latencies.append(time.perf_counter() - started)
                result.statuses[str(status)] = result.statuses.get(str(status), 0) + 1
                problem = None if status == request.expect else f"status {status}"
                problem = problem or (check(status, body) if check else None)
                if problem:
                    _problem(result, f"{request.target}: {problem}")
                turn += 1
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            _problem(result, f"{requests[turn % len(requests)].target}: {type(exc).__name__}")
        finally:
            writer.close()

    async def run() -> float:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(connection(n, deadline) for n in range(connections)))
        return time.perf_counter() - started

    elapsed = uvloop.run(run())
    result.requests = len(latencies)
    result.rps = round(len(latencies) / elapsed, 1) if elapsed else 0.0
    if len(latencies) >= 2:
        cuts = statistics.quantiles(latencies, n=100)
        result.p50_ms, result.p99_ms = round(cuts[49] * 1e3, 3), round(cuts[98] * 1e3, 3)
        result.max_ms = round(max(latencies) * 1e3, 3)
    return result


def _problem(result: LoadResult, text: str) -> None:
    result.errors += 1
    if len(result.problems) < 10:
        result.problems.append(text[:300])


def _wire(host: str, port: int, request: Request) -> bytes:
    lines = [f"GET {request.target} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    return ("\r\n".join([*lines, "", ""])).encode("latin-1")


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Read one whole response: its status and its body (by its Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (int(line[15:]) for line in head.lower().split(b"\r\n") if line[:15] == b"content-length:"),
        None,
    )
    if length is None:
        raise ValueError("an answer without a Content-Length")
    return int(head.split(b" ", 2)[1]), await reader.readexactly(length)
