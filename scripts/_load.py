"""The load drill: many concurrent connections of mixed traffic, memory sampled from /proc."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from kapso_contacts.contract import Contract, default_contract, format_timestamp
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
    """One request of the mix: its query and, for the unauthorised kind, its headers."""
    contract = default_contract()
    cursor_mode, legacy = contract.pagination.cursor, contract.pagination.legacy
    if kind == "bare":
        return {}, None
    if kind == "legacy":
        page = rng.randint(legacy.first_page, legacy.max_page or legacy.first_page)
        sizes = [legacy.per_page.minimum or 1, legacy.per_page.default, legacy.per_page.maximum]
        per_page = rng.choice([size for size in sizes if size])
        return {legacy.page.name: str(page), legacy.per_page.name: str(per_page)}, None
    if kind == "walk":
        walk = {cursor_mode.limit.name: str(cursor_mode.limit.default)}
        return ({**walk, cursor_mode.after.name: cursor} if cursor else walk), None
    if kind == "filter":
        return _filter_query(contract, rng), None
    if kind == "invalid":
        too_large = str((cursor_mode.limit.maximum or 0) * 5)
        past_last = str((legacy.max_page or 0) + 1)
        return rng.choice(
            [
                {cursor_mode.limit.name: too_large},
                {legacy.page.name: past_last},
                {cursor_mode.after.name: "junk!"},
            ]
        ), None
    return {}, {contract.api_key_header: ""}


#: Values a filter of each kind is sent with (needles with wildcards and Greek capitals).
_NEEDLES = ("an", "ΣΟΦ", "%", "jo")


def _filter_query(contract: Contract, rng: random.Random) -> dict[str, str]:
    """One filter of the spec, with a value its match kind reads."""
    filter_ = rng.choice(list(contract.filters.values()))
    name = filter_.parameter
    if filter_.match == "present":
        return {name: rng.choice([*contract.query.booleans.true, *contract.query.booleans.false])}
    if filter_.match in ("after", "before"):
        days = rng.randint(0, 540)
        instant = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=days)
        return {name: format_timestamp(instant)}
    if filter_.match == "contains":
        return {name: rng.choice([*_NEEDLES, str(rng.randint(10, 99))])}
    return {name: f"no-such-{rng.randint(0, 999)}"}


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
