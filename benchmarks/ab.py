"""Compare variants of the fake side by side (and against Prism), for trying an optimisation.

Usage::

    python -m benchmarks.ab baseline= patched=/tmp/patched/src fast=/tmp/patched/src:/tmp/httptools

Each ``NAME=PYTHONPATH`` starts one ``kapso-fake`` (100,000 contacts, quiet
log) with that ``PYTHONPATH`` in front, so a patched copy of ``src/`` or an
extra package (httptools, uvloop) can be measured without touching the
checkout. All variants and a silent Prism are driven in interleaved rounds;
the table gives each one's req/s as a ratio to Prism's.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from kapso_fake.testing import free_port

from ._proc import CONTACTS_PATH, HOST, ROOT, serve, serve_fake
from ._rounds import interleaved
from .bench_mock import PRISM, PRISM_PATH, REQUESTS, SPEC


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__)
    parser.add_argument("variants", nargs="+", metavar="NAME=PYTHONPATH")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--logs", type=Path, default=ROOT / "reports" / "bench")
    args = parser.parse_args()
    urls: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        for variant in args.variants:
            name, _, path = variant.partition("=")
            env = {"PYTHONPATH": path} if path else {}
            quiet = ("--log-level", "warning")
            server = stack.enter_context(
                serve_fake(f"ab-{name}", args.contacts, *quiet, log_dir=args.logs, env=env)
            )
            for label, query in REQUESTS.items():
                urls[f"{name} {label}"] = server.base_url + CONTACTS_PATH + query
        port = free_port()
        prism = [str(PRISM), "mock", str(SPEC), "-h", HOST, "-p", str(port), "-v", "silent"]
        server = stack.enter_context(
            serve("ab-prism", prism, port, PRISM_PATH + "?limit=20", args.logs)
        )
        for label, query in REQUESTS.items():
            urls[f"prism-silent {label}"] = server.base_url + PRISM_PATH + query
        results = interleaved(
            urls,
            rounds=args.rounds,
            connections=args.connections,
            seconds=args.seconds,
            log=lambda _: None,
        )
    print(f"{'variant':44} {'req/s':>7} {'x Prism':>8} {'p50 ms':>7} {'p99 ms':>7}")
    for label in REQUESTS:
        prism_rps = results[f"prism-silent {label}"].rps
        for key, r in results.items():
            if key.endswith(f" {label}"):
                ratio = r.rps / prism_rps
                print(f"{key:44} {r.rps:7.0f} {ratio:8.2f} {r.p50_ms:7.2f} {r.p99_ms:7.2f}")


if __name__ == "__main__":
    main()
