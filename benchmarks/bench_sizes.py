"""The fake across data sizes: first page, deep cursor, filtered page, legacy pages, load time."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import httpx

from kapso_fake.cursor import encode_cursor

from ._load import LoadResult
from ._proc import API_KEY, CONTACTS_PATH, Server, serve_fake
from ._rounds import interleaved

LIMIT = 20
#: A keyset older than any contact: ``before`` it lies the oldest page.
_OLDEST = ("2000-01-01T00:00:00.000000Z", "00000000-0000-4000-8000-000000000000")
FILTER = "profile_name_contains=john"
LEGACY_PER_PAGE = 100


def deep_cursor(base_url: str, limit: int = LIMIT) -> str:
    """Return the ``after`` cursor whose page is the last full page of the listing.

    Asks the server itself, through the API only: ``before`` a keyset older
    than every contact come the ``limit + 1`` oldest contacts, and the newest
    of them is the cursor after which exactly ``limit`` remain.
    """
    headers = {"X-API-Key": API_KEY}
    url = base_url + CONTACTS_PATH
    with httpx.Client(timeout=60) as client:
        body = client.get(
            url, params={"limit": limit + 1, "before": encode_cursor(*_OLDEST)}, headers=headers
        ).json()
        after = body["paging"]["cursors"]["before"]
        check = client.get(url, params={"limit": limit, "after": after}, headers=headers).json()
    if len(check["data"]) != limit or check["paging"]["next"] is not None:
        raise RuntimeError(f"{url}: the deep cursor does not lead to the last full page")
    return str(after)


def peak_rss_mib(server: Server) -> float | None:
    """Return the server process's peak resident memory in MiB (Linux only)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def run(
    *,
    sizes: list[int],
    rounds: int,
    seconds: float,
    log_dir: Path,
    log: Callable[[str], None] = print,
) -> dict[str, object]:
    """Start one fake per size (one after the other, so load times are clean), then measure.

    Latency is measured with one connection (requests in series), so p50 is
    the time of one page, not of a queue.
    """
    load: dict[str, dict[str, object]] = {}
    urls: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        for size in sizes:
            server = stack.enter_context(serve_fake(f"fake-{size}", size, log_dir=log_dir))
            load[str(size)] = {
                "ready_seconds": round(server.ready_seconds, 2),
                "peak_rss_mib": peak_rss_mib(server),
            }
            log(f"fake with {size:,} contacts answered after {server.ready_seconds:.1f} s")
            base = server.base_url + CONTACTS_PATH
            urls[f"{size} first"] = f"{base}?limit={LIMIT}"
            urls[f"{size} deep"] = f"{base}?limit={LIMIT}&after={deep_cursor(server.base_url)}"
            urls[f"{size} filtered"] = f"{base}?limit={LIMIT}&{FILTER}"
            if size >= 50 * LEGACY_PER_PAGE:
                urls[f"{size} legacy-1"] = f"{base}?page=1&per_page={LEGACY_PER_PAGE}"
                urls[f"{size} legacy-50"] = f"{base}?page=50&per_page={LEGACY_PER_PAGE}"
        results = interleaved(urls, rounds=rounds, connections=1, seconds=seconds, log=log)
    rows = {label: result.as_dict() for label, result in results.items()}
    small, large = min(sizes), max(sizes)
    ratios = {
        f"deep@{large:,} / first@{small:,} p50": _ratio(
            results, f"{large} deep", f"{small} first", "p50_ms"
        ),
        f"deep@{large:,} / first@{small:,} p99": _ratio(
            results, f"{large} deep", f"{small} first", "p99_ms"
        ),
        f"first@{large:,} / first@{small:,} p50": _ratio(
            results, f"{large} first", f"{small} first", "p50_ms"
        ),
        f"filtered@{large:,} / filtered@{small:,} p50": _ratio(
            results, f"{large} filtered", f"{small} filtered", "p50_ms"
        ),
    }
    for size in sizes:
        if f"{size} legacy-50" in results:
            ratios[f"legacy page 50 / page 1 @{size:,} p50"] = _ratio(
                results, f"{size} legacy-50", f"{size} legacy-1", "p50_ms"
            )
    return {
        "sizes": sizes,
        "limit": LIMIT,
        "filter": FILTER,
        "legacy_per_page": LEGACY_PER_PAGE,
        "rounds": rounds,
        "seconds": seconds,
        "load": load,
        "results": rows,
        "ratios": ratios,
    }


def _ratio(results: dict[str, LoadResult], top: str, bottom: str, metric: str) -> float:
    a = getattr(results[top], metric)
    b = getattr(results[bottom], metric)
    return round(float(a) / float(b), 2) if b else float("nan")
