"""Interleave load runs over several targets and keep the median of each.

Running target A, then B, then A again (rather than all of A first) spreads
whatever else the shared machine is doing evenly over the targets, so the
ratio between them survives background noise.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping

from ._load import LoadResult, run_load


def interleaved(
    urls: Mapping[str, str],
    *,
    rounds: int,
    connections: int,
    seconds: float,
    warmup: float = 1.0,
    prewarm: float = 0.0,
    log: Callable[[str], None] = print,
) -> dict[str, LoadResult]:
    """Run every url once per round, ``rounds`` times; return the median run of each.

    The median is taken per metric (rps, p50, p99) over the rounds. Every
    run has ``warmup`` seconds of unmeasured load first; ``prewarm`` seconds
    more go to each url once before the first round (a JIT, like Node's,
    needs longer than a second to settle).
    """
    if prewarm > 0:
        for url in urls.values():
            run_load(url, connections=connections, seconds=prewarm, warmup=0)
    runs: dict[str, list[LoadResult]] = {label: [] for label in urls}
    for round_ in range(rounds):
        for label, url in urls.items():
            result = run_load(url, connections=connections, seconds=seconds, warmup=warmup)
            runs[label].append(result)
            log(
                f"  round {round_ + 1}/{rounds} {label}: {result.rps:.0f} req/s, "
                f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, errors {result.errors}"
            )
    return {label: median(results) for label, results in runs.items()}


def median(results: list[LoadResult]) -> LoadResult:
    """Return one result holding the median of each metric and the sum of the errors."""
    first = results[0]
    return LoadResult(
        generator=first.generator,
        connections=first.connections,
        seconds=round(sum(r.seconds for r in results), 3),
        requests=sum(r.requests for r in results),
        rps=round(statistics.median(r.rps for r in results), 1),
        p50_ms=round(statistics.median(r.p50_ms for r in results), 3),
        p99_ms=round(statistics.median(r.p99_ms for r in results), 3),
        errors=sum(r.errors for r in results),
        bytes_per_response=first.bytes_per_response,
    )
