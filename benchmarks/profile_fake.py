"""Where the fake's time goes: a layer-by-layer timing and a cProfile of the live server.

Layers (one ``?limit=20`` page, times in microseconds):

- query parsing (``read_request``: the contract's ``assess`` and the filters),
- SQLite and rows (``ContactStore.cursor_page``: the query; each row is its
  contact's JSON, written at load),
- JSON and cursors (``Envelopes.cursor``: splice the rows, two cursors),
- the rest of the app (the whole ASGI app called in-process, less the three
  above: routing, the API key, the two ASGI messages),
- the HTTP server and loopback (p50 over HTTP with one connection, less the
  ASGI call: uvicorn, h11, asyncio, sockets, and the load generator's side).

The cProfile part runs ``kapso-fake`` under the profiler while the load
generator drives it, and sorts self time into the same kinds of buckets.
"""

from __future__ import annotations

import asyncio
import pstats
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kapso_fake.testing import free_port

from ._load import run_load
from ._proc import API_KEY, CONTACTS_PATH, HOST, fake_args, serve, serve_fake

#: Buckets for self time, matched in order against "file:function".
_BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("SQLite (execute, fetch)", ("sqlite3",)),
    ("JSON encode", ("json/encoder", "_json.", "encode_basestring", "c_make_encoder")),
    ("JSON decode (metadata, cursors)", ("json/decoder", "json/__init__", "scanstring")),
    # Before the fake's own bucket: the fake writes the access line itself.
    ("access log", ("logging/", "uvicorn/logging", "kapso_fake/_access_log")),
    ("kapso_fake (query, rows, cursors, envelopes)", ("kapso_fake/",)),
    ("the contract's query reader (assess)", ("kapso_contacts/contract",)),
    ("uvicorn + h11 (HTTP parsing, ASGI glue)", ("uvicorn/", "h11/", "httptools")),
    ("asyncio + sockets (event loop, I/O)", ("asyncio/", "selectors", "socket", "select.")),
)


def layers(contacts: int, http_p50_ms: float | None) -> dict[str, Any]:
    """Time each layer of one ``?limit=20`` page in-process (fastest of several loops)."""
    from kapso_fake import ContactStore, create_app, generate_dataset
    from kapso_fake._request import read_request

    store = ContactStore.from_dataset(generate_dataset(contacts, 1))
    app = create_app(api_keys=[API_KEY], store=store)
    endpoint = app.endpoint
    filters = store.filters()
    page = store.cursor_page(filters, 20)
    query = [("limit", "20")]
    timings = {
        "query parsing": _per_call(lambda: read_request(app.contract, endpoint.codec, query)),
        "SQLite and rows (store.cursor_page)": _per_call(lambda: store.cursor_page(filters, 20)),
        "JSON and cursors (Envelopes.cursor)": _per_call(lambda: endpoint.envelopes.cursor(page)),
    }
    asgi_us = _asgi_per_call(app, CONTACTS_PATH, "limit=20")
    own = sum(timings.values())
    timings["rest of the app (ASGI call less the above)"] = max(asgi_us - own, 0.0)
    result: dict[str, Any] = {
        "contacts": contacts,
        "asgi_call_us": round(asgi_us, 1),
    }
    if http_p50_ms is not None:
        timings["HTTP server + loopback (p50 over HTTP less the ASGI call)"] = max(
            http_p50_ms * 1000 - asgi_us, 0.0
        )
        result["http_p50_us"] = round(http_p50_ms * 1000, 1)
    total = sum(timings.values())
    result["layers_us"] = {k: round(v, 1) for k, v in timings.items()}
    result["layers_share"] = {k: round(v / total, 3) for k, v in timings.items()}
    store.close()
    return result


def _per_call(fn: Callable[[], object], budget: float = 0.2, repeat: int = 7) -> float:
    """Microseconds per call: the fastest of ``repeat`` loops (the least disturbed one)."""
    number = max(1, int(budget / max(timeit.timeit(fn, number=10) / 10, 1e-9)))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def _asgi_per_call(app: Any, path: str, query: str, calls: int = 2000) -> float:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"x-api-key", API_KEY.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def loop(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            await app(dict(scope), receive, send)
        return time.perf_counter() - started

    asyncio.run(loop(200))  # warm up
    runs = [asyncio.run(loop(calls)) / calls for _ in range(5)]
    if set(statuses) != {200}:
        raise RuntimeError(f"in-process ASGI calls answered {sorted(set(statuses))}")
    return min(runs) * 1e6


def serving_profile(
    *,
    contacts: int,
    query: str,
    seconds: float,
    log_dir: Path,
    extra: list[str] | None = None,
    top: int = 12,
) -> dict[str, Any]:
    """Profile a live ``kapso-fake`` while wrk (or the fallback) drives ``query``."""
    stats_path = log_dir / f"fake-serving-{contacts}.prof"
    stats_path.unlink(missing_ok=True)
    port = free_port()
    args = ["--host", HOST, "--port", str(port), *fake_args(contacts, *(extra or []))]
    argv = [sys.executable, "-m", "benchmarks._serve_profiled", str(stats_path), "--", *args]
    with serve("fake-profiled", argv, port, CONTACTS_PATH + "?limit=1", log_dir) as server:
        load = run_load(server.base_url + CONTACTS_PATH + "?" + query, seconds=seconds)
    for _ in range(50):
        if stats_path.exists():
            break
        time.sleep(0.1)
    stats = pstats.Stats(str(stats_path))
    return {
        "query": query,
        "requests": load.requests,
        "buckets_share": _buckets(stats),
        "top_self_time": _top(stats, top),
    }


def _label(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name
    parts = Path(filename).parts
    short = "/".join(parts[-2:]) if len(parts) >= 2 else filename
    return f"{short}:{line}({name})"


def _stat_items(stats: pstats.Stats) -> list[tuple[tuple[str, int, str], float, float]]:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    return [(key, value[2], value[3]) for key, value in raw.items()]


def _direct_bucket(key: tuple[str, int, str]) -> str | None:
    text = f"{key[0]}:{key[2]}"
    return next((name for name, needles in _BUCKETS if any(n in text for n in needles)), None)


def _buckets(stats: pstats.Stats) -> dict[str, float]:
    """Sort self time into buckets; a builtin or generic stdlib function counts for its caller.

    ``re.match`` called by the JSON decoder is JSON decoding, ``copy`` called
    by uvicorn's access formatter is logging: self time of a function with no
    bucket of its own is split over its callers (by the time spent under
    each) and follows each caller's bucket, up a few levels.
    """
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    memo: dict[Any, str] = {}

    def owner(key: Any, depth: int = 0) -> str:
        if key in memo:
            return memo[key]
        found = _direct_bucket(key)
        if found is None:
            callers = raw.get(key, (0, 0, 0.0, 0.0, {}))[4]
            if callers and depth < 6:
                top = max(callers.items(), key=lambda kv: kv[1][3])[0]
                found = owner(top, depth + 1)
            else:
                found = "other"
        memo[key] = found
        return found

    totals: dict[str, float] = {}
    for key, value in raw.items():
        if _is_idle(key):
            continue
        self_time, callers = value[2], value[4]
        direct = _direct_bucket(key)
        if direct is not None or not callers:
            bucket = direct or "other"
            totals[bucket] = totals.get(bucket, 0.0) + self_time
            continue
        for caller, caller_value in callers.items():
            bucket = owner(caller)
            totals[bucket] = totals.get(bucket, 0.0) + caller_value[2]
    busy = sum(totals.values())
    return {k: round(v / busy, 3) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}


def _is_idle(key: tuple[str, int, str]) -> bool:
    """Waiting in the selector is not work."""
    return "poll" in key[2] and ("select" in key[2] or "epoll" in key[2])


def _idle(stats: pstats.Stats) -> float:
    return sum(self_time for key, self_time, _ in _stat_items(stats) if _is_idle(key))


def _top(stats: pstats.Stats, n: int) -> list[dict[str, Any]]:
    busy = sum(t for _, t, _ in _stat_items(stats)) - _idle(stats)
    items = [item for item in _stat_items(stats) if not _is_idle(item[0])]
    items.sort(key=lambda item: -item[1])
    return [
        {
            "function": _label(key),
            "self_share": round(self_time / busy, 3),
            "cumulative_share": round(cumulative / busy, 3),
        }
        for key, self_time, cumulative in items[:n]
    ]


def load_profile(contacts: int) -> dict[str, Any]:
    """Split ``ContactStore.from_dataset`` into generating, inserting and indexing.

    Generating is timed alone (iterating the dataset); the SQLite part is the
    rest of an unprofiled load, split between inserts (``executemany``) and
    indexes + ANALYZE (``executescript``) by their self time under cProfile
    (C calls, which the profiler barely distorts).
    """
    import cProfile

    from kapso_fake import ContactStore, generate_dataset

    dataset = generate_dataset(contacts, 1)
    started = time.perf_counter()
    for _ in dataset.contacts():
        pass
    generating = time.perf_counter() - started
    started = time.perf_counter()
    ContactStore.from_dataset(dataset).close()
    total = time.perf_counter() - started
    profiler = cProfile.Profile()
    profiler.enable()
    ContactStore.from_dataset(dataset).close()
    profiler.disable()
    inserts = indexes = 0.0
    for (_, _, name), self_time, _ in _stat_items(pstats.Stats(profiler)):
        if "executemany" in name:
            inserts += self_time
        elif "executescript" in name:
            indexes += self_time
    sqlite_part = max(total - generating, 0.0)
    insert_share = inserts / (inserts + indexes) if inserts + indexes else 0.0
    phases = {
        "generating contacts (data.py)": generating,
        "each contact's JSON + SQLite inserts (executemany)": sqlite_part * insert_share,
        "SQLite indexes + ANALYZE": sqlite_part * (1 - insert_share),
    }
    return {
        "contacts": contacts,
        "seconds": round(total, 2),
        "phases_seconds": {k: round(v, 2) for k, v in phases.items()},
    }


def run(
    *,
    contacts: int,
    seconds: float,
    log_dir: Path,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Profile the fake: layer timings, then cProfile of the live server (quiet log)."""
    quiet = ("--log-level", "warning")
    with serve_fake("fake-profile-http", contacts, *quiet, log_dir=log_dir) as server:
        http = run_load(
            server.base_url + CONTACTS_PATH + "?limit=20", connections=1, seconds=seconds
        )
    result: dict[str, Any] = {"layers": layers(contacts, http.p50_ms)}
    result["load"] = load_profile(contacts)
    log(f"  load: {result['load']}")
    log(f"  layers: {result['layers']['layers_us']}")
    result["cprofile"] = serving_profile(
        contacts=contacts, query="limit=20", seconds=seconds, log_dir=log_dir
    )
    log(f"  cProfile buckets: {result['cprofile']['buckets_share']}")
    return result
