"""The load drill: many concurrent connections of mixed traffic, memory sampled from /proc."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from kapso_fake.testing import LoopbackServer as Server

REQUEST_TIMEOUT = 10.0
MEMORY_GROWTH_LIMIT_MIB = 64.0
WARM_UP = 5.0


@dataclass
class LoadResult:
    """What the load drill saw."""

    connections: int
    seconds: float
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    requests_per_second: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    rss_mib: dict[str, float] = field(default_factory=dict)

    @property
    def memory_growth_mib(self) -> float:
        """Resident memory at the end minus after warm-up."""
        return round(self.rss_mib.get("end", 0.0) - self.rss_mib.get("after_warm_up", 0.0), 1)

    @property
    def ok(self) -> bool:
        """Zero errors and bounded memory growth."""
        return self.errors == 0 and self.memory_growth_mib <= MEMORY_GROWTH_LIMIT_MIB


_EXPECTED = {
    "bare": {200},
    "legacy": {200},
    "walk": {200},
    "filter": {200},
    "invalid": {400},
    "no key": {401},
}


async def load(server: Server, key: str, connections: int, seconds: float) -> LoadResult:
    """``connections`` clients sending mixed traffic for ``seconds``."""
    result = LoadResult(connections, seconds)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    samples: list[tuple[float, int]] = []
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    started = time.monotonic()
    deadline = started + seconds
    async with httpx.AsyncClient(
        headers={"X-API-Key": key}, limits=limits, timeout=REQUEST_TIMEOUT
    ) as client:

        async def worker(number: int) -> None:
            rng = random.Random(number)  # noqa: S311 (traffic mix)
            cursor: str | None = None
            while time.monotonic() < deadline:
                kind = rng.choice(list(_EXPECTED))
                params, headers = _request(kind, rng, cursor)
                t0 = time.monotonic()
                try:
                    response = await client.get(server.url, params=params, headers=headers)
                except httpx.HTTPError as exc:
                    result.errors += 1
                    if len(result.error_samples) < 10:
                        result.error_samples.append(f"{kind}: {type(exc).__name__}")
                    continue
                latencies.append(time.monotonic() - t0)
                statuses[str(response.status_code)] += 1
                if response.status_code not in _EXPECTED[kind]:
                    result.errors += 1
                    if len(result.error_samples) < 10:
                        result.error_samples.append(f"{kind}: {response.status_code}")
                elif kind == "walk":
                    cursor = response.json()["paging"]["next"]

        async def sampler() -> None:
            while time.monotonic() < deadline:
                rss = server.rss_kib()
                if rss is not None:
                    samples.append((time.monotonic() - started, rss))
                await asyncio.sleep(0.5)

        await asyncio.gather(sampler(), *(worker(n) for n in range(connections)))
    elapsed = time.monotonic() - started
    result.requests = len(latencies) + result.errors
    result.statuses = dict(sorted(statuses.items()))
    result.requests_per_second = round(len(latencies) / elapsed, 1)
    result.latency_ms = _percentiles(latencies)
    result.rss_mib = _memory(samples, server)
    return result


def _request(
    kind: str, rng: random.Random, cursor: str | None
) -> tuple[dict[str, str], dict[str, str] | None]:
    if kind == "bare":
        return {}, None
    if kind == "legacy":
        return {"page": str(rng.randint(1, 50)), "per_page": str(rng.choice([10, 20, 100]))}, None
    if kind == "walk":
        return ({"limit": "50", "after": cursor} if cursor else {"limit": "50"}), None
    if kind == "filter":
        choice = rng.choice(
            [
                {"profile_name_contains": rng.choice(["an", "ΣΟΦ", "%", "jo"])},
                {"has_customer": rng.choice(["true", "false"]), "limit": "20"},
                {"wa_id_contains": str(rng.randint(10, 99))},
                {"created_after": "2025-01-01T00:00:00Z", "created_before": "2025-03-01T00:00:00Z"},
            ]
        )
        return choice, None
    if kind == "invalid":
        return rng.choice([{"limit": "500"}, {"page": "51"}, {"after": "junk!"}]), None
    return {}, {"X-API-Key": ""}


def _percentiles(latencies: list[float]) -> dict[str, float]:
    if len(latencies) < 2:
        return {}
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "p50": round(cuts[49] * 1000, 1),
        "p95": round(cuts[94] * 1000, 1),
        "p99": round(cuts[98] * 1000, 1),
        "max": round(max(latencies) * 1000, 1),
    }


def _memory(samples: list[tuple[float, int]], server: Server) -> dict[str, float]:
    if not samples:
        return {}
    warm = [rss for t, rss in samples if t >= WARM_UP] or [samples[-1][1]]
    end = server.rss_kib() or samples[-1][1]
    return {
        "start": round(samples[0][1] / 1024, 1),
        "after_warm_up": round(warm[0] / 1024, 1),
        "peak": round(max(rss for _, rss in samples) / 1024, 1),
        "end": round(end / 1024, 1),
    }
