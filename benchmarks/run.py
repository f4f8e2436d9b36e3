"""``make bench``: run every measurement, then write ``RESULTS.md`` and the chart.

Usage: ``python -m benchmarks.run [--quick] [--only SECTION ...]``.
Each section runs on its own; one that fails is recorded in the results and
the others still run (the exit status is then 1).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import (
    bench_client,
    bench_contract,
    bench_mock,
    bench_rate,
    bench_sizes,
    chart,
    machine,
    profile_fake,
    report,
)
from ._load import generator_name
from ._proc import ROOT

HERE = Path(__file__).resolve().parent
SECTIONS = ("mock", "sizes", "client", "rate", "contract", "profile")


@dataclass(frozen=True)
class Plan:
    """How big and how long each measurement is."""

    mock_contacts: int
    mock_rounds: int
    rounds: int
    seconds: float
    sizes: list[int]
    walk_sizes: tuple[int, int]
    rate_short: tuple[int, int, float]
    rate_minute: tuple[int, int]
    contract_timeout: float
    profile_contacts: int


FULL = Plan(
    mock_contacts=100_000,
    mock_rounds=5,
    rounds=3,
    seconds=3.0,
    sizes=[1_000, 100_000, 1_000_000],
    walk_sizes=(10_000, 100_000),
    rate_short=(10_000, 20, 2.0),
    rate_minute=(15_000, 100),
    contract_timeout=300,
    profile_contacts=100_000,
)
QUICK = Plan(
    mock_contacts=10_000,
    mock_rounds=1,
    rounds=1,
    seconds=1.0,
    sizes=[1_000, 10_000, 100_000],
    walk_sizes=(1_000, 10_000),
    rate_short=(2_000, 10, 1.0),
    rate_minute=(1_500, 10),
    contract_timeout=120,
    profile_contacts=10_000,
)


def log(message: str) -> None:
    """Print a progress line at once."""
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, one short round")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=SECTIONS,
        help="run only these sections; the others are kept from the last results.json",
    )
    parser.add_argument("--out", type=Path, default=HERE, help="where RESULTS.md etc. go")
    parser.add_argument("--logs", type=Path, default=ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    sections = args.only or list(SECTIONS)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "date": _now(),
        "generator": generator_name(),
        "machine": machine.describe(bench_mock.PRISM),
    }
    previous = args.out / "results.json"
    if args.only and previous.exists():
        kept = json.loads(previous.read_text())
        for name in SECTIONS:
            if name not in sections and name in kept and kept.get("mode") == results["mode"]:
                results[name] = kept[name]
    log(f"bench: {results['mode']} run, load generator: {results['generator']}")
    log(f"bench: load average {results['machine']['load_average_at_start']}")
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "mock": lambda: bench_mock.run(
            contacts=plan.mock_contacts,
            rounds=plan.mock_rounds,
            seconds=plan.seconds,
            connections=10,
            log_dir=args.logs,
            log=log,
        ),
        "sizes": lambda: bench_sizes.run(
            sizes=plan.sizes,
            rounds=plan.rounds,
            seconds=max(1.0, plan.seconds - 1),
            log_dir=args.logs,
            log=log,
        ),
        "client": lambda: bench_client.run(sizes=plan.walk_sizes, log_dir=args.logs, log=log),
        "rate": lambda: bench_rate.run(
            short=plan.rate_short, minute=plan.rate_minute, log_dir=args.logs, log=log
        ),
        "contract": lambda: bench_contract.run(
            contacts=1000, timeout=plan.contract_timeout, log_dir=args.logs, log=log
        ),
        "profile": lambda: profile_fake.run(
            contacts=plan.profile_contacts, seconds=plan.seconds, log_dir=args.logs, log=log
        ),
    }
    failed = False
    for name in sections:
        log(f"bench: {name} ...")
        section_started = time.perf_counter()
        load_before = machine.load_average()
        try:
            results[name] = runners[name]()
            results[name]["measured"] = f"{_now()} UTC, load average {load_before}"
        except Exception as exc:
            failed = True
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
        log(f"bench: {name} done in {time.perf_counter() - section_started:.0f} s")
    results["load_average_at_end"] = machine.load_average()
    results["wall_seconds"] = time.perf_counter() - started
    failed |= not write(results, args.out)
    log(f"bench: wrote {args.out / 'RESULTS.md'} in {results['wall_seconds']:.0f} s")
    return 1 if failed else 0


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M")


def write(results: dict[str, Any], out: Path) -> bool:
    """Write results.json, RESULTS.md and the chart; return False if the chart failed."""
    out.mkdir(parents=True, exist_ok=True)
    ok = True
    sizes = results.get("sizes", {})
    if "results" in sizes:
        m = results["machine"]
        label = f"{m['cpu']}, {m['cores']} cores; {results['date']} UTC; {results['mode']} run"
        try:
            chart.latency_vs_size(sizes, out / "latency_vs_size.png", label)
        except ImportError as exc:
            ok = False
            log(f"bench: no chart ({exc}); matplotlib is in the project's dev group")
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (out / "RESULTS.md").write_text(report.render(results))
    return ok


if __name__ == "__main__":
    sys.exit(main())
