"""The client: parsing a page with the generated models, and walking a fake on loopback."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import httpx
from kapso_contacts_api.models import ContactList

from ._proc import API_KEY, API_PATH, BIN, CONTACTS_PATH, ROOT, serve_fake

_MARKER = "BENCH-JSON "


def parse_page(body: bytes, *, repeat: int = 7, budget: float = 0.3) -> dict[str, object]:
    """Time ``ContactList.from_dict(json.loads(body))`` against ``json.loads(body)``.

    Each timing is the median over ``repeat`` runs of a loop sized to take
    about ``budget`` seconds; the two are interleaved.
    """
    page = json.loads(body)

    def plain() -> Any:
        return json.loads(body)

    def models() -> Any:
        return ContactList.from_dict(json.loads(body))

    loops = {
        name: max(1, int(budget / timeit.timeit(fn, number=20) * 20))
        for name, fn in (("json", plain), ("models", models))
    }
    times: dict[str, list[float]] = {"json": [], "models": []}
    for _ in range(repeat):
        for name, fn in (("json", plain), ("models", models)):
            times[name].append(timeit.timeit(fn, number=loops[name]) / loops[name])
    json_us = statistics.median(times["json"]) * 1e6
    models_us = statistics.median(times["models"]) * 1e6
    return {
        "contacts": len(page["data"]),
        "bytes": len(body),
        "json_loads_us": round(json_us, 1),
        "models_us": round(models_us, 1),
        "ratio_models_over_json": round(models_us / json_us, 1),
    }


def walk(base_url: str, *, window: float | None = None, timeout: float = 600) -> dict[str, Any]:
    """Walk every contact of ``base_url`` with the client library, in its own process.

    ``seconds`` is the walk as the process times it; ``process_seconds`` is
    spawn to exit as this process times it, the measure ``walk_cli`` has too.
    """
    argv = [sys.executable, "-m", "benchmarks._walk", base_url]
    if window is not None:
        argv += ["--window", str(window)]
    started = time.perf_counter()
    done = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    process_seconds = time.perf_counter() - started
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(_MARKER)), None)
    if line is None:
        raise RuntimeError(f"walk printed no result (exit {done.returncode}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(line[len(_MARKER) :])
    result["contacts_per_second"] = round(result["contacts"] / result["seconds"])
    result["process_seconds"] = round(process_seconds, 2)
    result["process_contacts_per_second"] = round(result["contacts"] / process_seconds)
    result["seconds"] = round(result["seconds"], 2)
    result["peak_rss_mib"] = round(result["peak_rss_mib"], 1)
    return result


def walk_cli(base_url: str, *, timeout: float = 600) -> dict[str, Any] | None:
    """Walk with ``kapso-contacts list --all --format jsonl``; output counted, then dropped."""
    if find_spec("kapso_contacts.cli") is None:
        return None
    argv = [str(BIN / "kapso-contacts"), "list", "--all", "--format", "jsonl"]
    env = {**os.environ, "KAPSO_BASE_URL": base_url, "KAPSO_API_KEY": API_KEY}
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    lines = 0
    assert process.stdout is not None
    deadline = started + timeout
    for _ in process.stdout:
        lines += 1
        if time.perf_counter() > deadline:
            process.kill()
            break
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    return {
        "contacts": lines,
        "seconds": round(seconds, 2),
        "contacts_per_second": round(lines / seconds),
        "process_seconds": round(seconds, 2),
        "process_contacts_per_second": round(lines / seconds),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "exit": process.returncode,
        "stderr_tail": stderr.strip().splitlines()[-3:],
    }


def run(
    *,
    sizes: tuple[int, int],
    log_dir: Path,
    log: Callable[[str], None] = print,
) -> dict[str, object]:
    """Parse a 100-contact page; walk a small and a large fake (flat memory means equal peaks)."""
    small, large = sizes
    results: dict[str, object] = {}
    with contextlib.ExitStack() as stack:
        servers = {}
        for size in (small, large):
            servers[size] = stack.enter_context(
                serve_fake(f"fake-walk-{size}", size, log_dir=log_dir)
            )
        body = httpx.get(
            servers[large].base_url + CONTACTS_PATH,
            params={"limit": 100},
            headers={"X-API-Key": API_KEY},
        ).content
        results["parse"] = parse_page(body)
        log(f"  parse: {results['parse']}")
        walks: dict[str, object] = {}
        walks[str(small)] = walk(servers[small].base_url + API_PATH)
        log(f"  walk {small:,}: {walks[str(small)]}")
        # The library and the CLI on the same server, interleaved, each a whole
        # process timed from spawn to exit: the median of each is compared.
        library_runs: list[dict[str, Any]] = []
        cli_runs: list[dict[str, Any]] = []
        for round_ in range(WALK_ROUNDS):
            library_runs.append(walk(servers[large].base_url + API_PATH))
            cli = walk_cli(servers[large].base_url + API_PATH)
            if cli is not None:
                cli_runs.append(cli)
            log(
                f"  round {round_ + 1}/{WALK_ROUNDS} walk {large:,}: {library_runs[-1]}; CLI: {cli}"
            )
        walks[str(large)] = _median_run(library_runs)
        if cli_runs:
            walks[f"{large} cli"] = _median_run(cli_runs)
        results["walks"] = walks
    small_walk, large_walk = walks[str(small)], walks[str(large)]
    assert isinstance(small_walk, dict)
    assert isinstance(large_walk, dict)
    results["ratios"] = {
        f"peak memory {large:,} / {small:,}": round(
            large_walk["peak_rss_mib"] / small_walk["peak_rss_mib"], 2
        ),
    }
    cli_walk = walks.get(f"{large} cli")
    if isinstance(cli_walk, dict):
        results["cli_over_library"] = round(
            cli_walk["process_contacts_per_second"] / large_walk["process_contacts_per_second"], 2
        )
    return results


#: Library and CLI walks of the large server, interleaved.
WALK_ROUNDS = 3


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median whole-process rate."""
    ordered = sorted(runs, key=lambda run: run["process_contacts_per_second"])
    return ordered[len(ordered) // 2]
