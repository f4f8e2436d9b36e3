"""Wall time of the contract suite: in-process (the embedded fake) and over loopback."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from ._proc import API_KEY, API_PATH, BIN, ROOT, serve_fake

_SUMMARY = re.compile(r"\b[0-9]+ (passed|failed|errors?|skipped)\b.* in [0-9.]+s")
_REQUESTS = re.compile(r"requests:\s+([0-9]+) sent")


def run(
    *,
    contacts: int,
    timeout: float,
    log_dir: Path,
    log: Callable[[str], None] = print,
) -> dict[str, object]:
    """Time ``pytest contract_tests`` twice: embedded fake, then a ``kapso-fake`` on a port."""
    if not any((ROOT / "contract_tests").glob("test_*.py")):
        return {"skipped": "contract_tests/ has no test_*.py yet"}
    results: dict[str, object] = {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPSO_")}
    results["in-process"] = _pytest(env, timeout, log_dir / "contract-in-process.log")
    log(f"  in-process: {results['in-process']}")
    with serve_fake("fake-contract", contacts, log_dir=log_dir) as server:
        loop_env = {
            **env,
            "KAPSO_BASE_URL": server.base_url + API_PATH,
            "KAPSO_API_KEY": API_KEY,
        }
        results["loopback"] = _pytest(loop_env, timeout, log_dir / "contract-loopback.log")
    log(f"  loopback: {results['loopback']}")
    return {"contacts": contacts, "results": results}


def _pytest(env: dict[str, str], timeout: float, log: Path) -> dict[str, object]:
    argv = [str(BIN / "pytest"), "contract_tests", "-q", "-p", "no:cacheprovider"]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            argv,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout if isinstance(exc.stdout, str) else ""
        log.write_text(output)
        return {"seconds": None, "summary": f"timed out after {timeout:.0f} s", "exit": None}
    seconds = time.perf_counter() - started
    log.write_text(done.stdout + done.stderr)
    lines = [ln.strip("= ") for ln in done.stdout.splitlines() if _SUMMARY.search(ln)]
    sent = _REQUESTS.findall(done.stdout)
    return {
        "seconds": round(seconds, 1),
        "summary": lines[-1] if lines else done.stdout.strip()[-200:],
        "requests": int(sent[-1]) if sent else None,
        "exit": done.returncode,
    }
