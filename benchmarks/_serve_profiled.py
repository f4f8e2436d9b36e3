"""Run ``kapso-fake`` with cProfile on while it serves; write the stats when it stops.

Usage: ``python -m benchmarks._serve_profiled STATS_PATH -- KAPSO_FAKE_ARGS...``.
Profiling starts when uvicorn starts (after the store is loaded), so the
stats are those of serving requests only. Stop it with SIGINT.
"""

from __future__ import annotations

import cProfile
import sys
from typing import Any

import uvicorn

from kapso_fake.cli import main as fake_main


def main() -> None:
    stats_path, separator, *argv = sys.argv[1:]
    if separator != "--":
        raise SystemExit("usage: _serve_profiled STATS_PATH -- KAPSO_FAKE_ARGS...")
    profiler = cProfile.Profile()
    serve = uvicorn.run

    def profiled_run(*args: Any, **kwargs: Any) -> None:
        profiler.enable()
        try:
            serve(*args, **kwargs)
        finally:
            profiler.disable()
            profiler.dump_stats(stats_path)

    # kapso_fake.cli calls uvicorn.run at serve time: swap in the profiled one.
    uvicorn.run = profiled_run
    fake_main(argv)


if __name__ == "__main__":
    main()
