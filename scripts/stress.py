"""The long robustness drills (`make stress`), against a fake on a loopback port.

- fuzz: schemathesis cases, positive and negative (10,000 by default):
  zero 5xx, zero hangs (every request has a timeout).
- load: 64 concurrent connections for 30 seconds of mixed traffic: zero
  errors, the server's resident memory sampled from /proc and its growth
  after warm-up bounded.

Writes reports/stress.json and prints the figures; exits 1 if a drill fails.
Usage: ``python scripts/stress.py [fuzz|load|all] [--cases N] [--seconds S]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from _fuzz import ROOT, fuzz
from _load import MEMORY_GROWTH_LIMIT_MIB, load

from kapso_fake.testing import serve_process


def main(argv: list[str] | None = None) -> int:
    """Run the drills; see the module docstring."""
    parser = argparse.ArgumentParser(description="long robustness drills")
    parser.add_argument("drill", nargs="?", choices=("fuzz", "load", "all"), default="all")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "stress.json")
    args = parser.parse_args(argv)
    key = "stress_" + secrets.token_hex(12)
    report: dict[str, Any] = {}
    ok = True
    fake = ("--contacts", str(args.contacts), "--api-key", key)
    if args.drill in ("fuzz", "all"):
        with serve_process(*fake) as server:
            fuzzed = fuzz(server, key, args.cases)
        report["fuzz"] = asdict(fuzzed)
        ok &= fuzzed.ok
        print(
            f"fuzz: {fuzzed.cases} cases {fuzzed.by_mode} in {fuzzed.seconds}s; statuses "
            f"{fuzzed.statuses}; 5xx/transport errors {len(fuzzed.server_errors)}; "
            f"hangs {len(fuzzed.hangs)}",
            flush=True,
        )
        for line in (fuzzed.server_errors + fuzzed.hangs)[:10]:
            print(f"  {line}")
        ok &= fuzzed.cases >= args.cases
    if args.drill in ("load", "all"):
        with serve_process(*fake) as server:
            loaded = asyncio.run(load(server, key, args.connections, args.seconds))
        report["load"] = {**asdict(loaded), "memory_growth_mib": loaded.memory_growth_mib}
        ok &= loaded.ok
        print(
            f"load: {loaded.connections} connections x {loaded.seconds:.0f}s: {loaded.requests} "
            f"requests ({loaded.requests_per_second}/s), errors {loaded.errors}, statuses "
            f"{loaded.statuses}, latency ms {loaded.latency_ms}, RSS MiB {loaded.rss_mib} "
            f"(growth after warm-up {loaded.memory_growth_mib}, limit {MEMORY_GROWTH_LIMIT_MIB})",
            flush=True,
        )
        for line in loaded.error_samples:
            print(f"  {line}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print("stress: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
