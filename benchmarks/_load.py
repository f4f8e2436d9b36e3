"""Drive one URL at a fixed concurrency for a few seconds: wrk, or a Python fallback.

Every server in one run is driven by the same generator, so ratios are fair
even when the fallback (slower than wrk) is in use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from ._proc import API_KEY, LOAD_CPU, ROOT, pinned

_WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
_MARKER = "BENCH-JSON "


@dataclass(frozen=True)
class LoadResult:
    """What one load run measured."""

    generator: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    #: Responses that were not 2xx, plus socket errors and timeouts.
    errors: int
    bytes_per_response: float

    def as_dict(self) -> dict[str, object]:
        """Return the result as plain JSON-able values."""
        return asdict(self)


def use_wrk() -> bool:
    """Return whether wrk drives the load (``BENCH_LOAD=python`` forces the fallback)."""
    return shutil.which("wrk") is not None and os.environ.get("BENCH_LOAD") != "python"


def generator_name() -> str:
    """Return which load generator this machine will use, in words."""
    if use_wrk():
        return "wrk"
    return "Python asyncio fallback (benchmarks/_pyload.py; wrk not installed)"


def run_load(
    url: str,
    *,
    connections: int = 10,
    seconds: float = 5.0,
    warmup: float = 1.0,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Drive ``url`` with ``connections`` keep-alive connections for ``seconds``.

    A ``warmup`` run of the same shape goes first and is thrown away.
    """
    sent = {"X-API-Key": API_KEY, **(headers or {})}
    if warmup > 0:
        _run(url, connections, warmup, sent)
    return _run(url, connections, seconds, sent)


def _run(url: str, connections: int, seconds: float, headers: dict[str, str]) -> LoadResult:
    if use_wrk():
        # wrk takes whole seconds only.
        whole = max(1, round(seconds))
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{whole}s", "--timeout", "10s"]
        argv += ["-s", str(_WRK_SCRIPT)]
        for name, value in headers.items():
            argv += ["-H", f"{name}: {value}"]
        argv.append(url)
        generator = "wrk"
    else:
        argv = [sys.executable, "-m", "benchmarks._pyload", url, str(connections), str(seconds)]
        for name, value in headers.items():
            argv += [f"{name}: {value}"]
        generator = "python"
    done = subprocess.run(
        pinned(LOAD_CPU, argv),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=seconds + 60,
        check=True,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(_MARKER)), None)
    if line is None:
        raise RuntimeError(f"{generator} printed no result:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line[len(_MARKER) :])
    requests = int(raw["requests"])
    duration = float(raw["duration_us"]) / 1e6
    return LoadResult(
        generator=generator,
        connections=connections,
        seconds=round(duration, 3),
        requests=requests,
        rps=round(requests / duration, 1) if duration else 0.0,
        p50_ms=round(float(raw["p50_us"]) / 1000, 3),
        p99_ms=round(float(raw["p99_us"]) / 1000, 3),
        errors=int(raw["errors"]),
        bytes_per_response=round(float(raw["bytes"]) / requests, 1) if requests else 0.0,
    )
