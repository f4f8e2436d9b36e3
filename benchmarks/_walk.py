"""Walk every contact of a server with the client library; run as its own process.

Usage: ``python -m benchmarks._walk BASE_URL [--window SECONDS]``.
Prints one ``BENCH-JSON {...}`` line: contacts seen, seconds, the process's
peak resident memory, and what went over the wire (requests, 429s), counted
by a transport under the client's retry layer. A run in its own process keeps
the peak memory its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import httpx

from kapso_contacts import KapsoContacts, KapsoError, RetryPolicy

from ._proc import API_KEY


class CountingTransport(httpx.HTTPTransport):
    """An HTTP transport that counts responses by status."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: dict[int, int] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--window", type=float, default=None, help="rate-limit window, seconds")
    args = parser.parse_args()
    policy = RetryPolicy() if args.window is None else RetryPolicy(rate_limit_window=args.window)
    wire = CountingTransport()
    count = 0
    surfaced = None
    started = time.perf_counter()
    with KapsoContacts(
        api_key=API_KEY, base_url=args.base_url, retry_policy=policy, transport=wire
    ) as kapso:
        try:
            for _ in kapso.iter_contacts(limit=100):
                count += 1
        except KapsoError as exc:
            surfaced = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = {
        "contacts": count,
        "seconds": seconds,
        "peak_rss_mib": peak_kib / 1024,
        "wire_statuses": {str(k): v for k, v in sorted(wire.statuses.items())},
        "surfaced_error": surfaced,
    }
    print("BENCH-JSON " + json.dumps(report))


if __name__ == "__main__":
    main()
