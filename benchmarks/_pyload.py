"""A small HTTP/1.1 keep-alive load generator, used only when wrk is not installed.

Usage: ``python -m benchmarks._pyload URL CONNECTIONS SECONDS [HEADER ...]``.
Prints one ``BENCH-JSON {...}`` line in the shape of ``wrk_report.lua``.
Slower than wrk (it caps the measurable rate near its own speed), but every
server in one run is measured with it, so ratios stay meaningful.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


async def _connection(
    host: str,
    port: int,
    request: bytes,
    deadline: float,
    latencies: list[float],
    counters: dict[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            chunked = False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                key = name.strip().lower()
                if key == b"content-length":
                    length = int(value)
                elif key == b"transfer-encoding" and b"chunked" in value.lower():
                    chunked = True
            size = len(head)
            if chunked:
                while True:
                    size_line = await reader.readuntil(b"\r\n")
                    chunk = int(size_line.split(b";")[0], 16)
                    await reader.readexactly(chunk + 2)
                    size += len(size_line) + chunk + 2
                    if chunk == 0:
                        break
            else:
                await reader.readexactly(length)
                size += length
            latencies.append(time.perf_counter() - started)
            counters["bytes"] += size
            if not 200 <= status < 300:
                counters["errors"] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError):
        counters["errors"] += 1
    finally:
        writer.close()


async def _main(url: str, connections: int, seconds: float, headers: list[str]) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}", *headers, "", ""]
    request = "\r\n".join(lines).encode()
    latencies: list[float] = []
    counters = {"bytes": 0, "errors": 0}
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _connection(host, port, request, deadline, latencies, counters)
            for _ in range(connections)
        )
    )
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(q: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(q / 100 * len(latencies)))] * 1e6

    report = {
        "requests": len(latencies),
        "duration_us": int(elapsed * 1e6),
        "bytes": counters["bytes"],
        "p50_us": percentile(50),
        "p99_us": percentile(99),
        "errors": counters["errors"],
    }
    print("BENCH-JSON " + json.dumps(report))


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]))
