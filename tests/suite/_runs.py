"""Run the whole suite the way a team does: `python -m kapso_contract`, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SuiteRun:
    """What one run of the suite left behind."""

    returncode: int
    output: str
    junit: str
    summary: str


def run_suite(
    cwd: Path, env: dict[str, str], *args: str, pythonpath: Path | None = None
) -> SuiteRun:
    """Run `python -m kapso_contract -q` in `cwd` with `env` (and nothing else of KAPSO_*/CI)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KAPSO_", "CI", "GITHUB_"))}
    if pythonpath is not None:
        clean["PYTHONPATH"] = str(pythonpath)
    summary = cwd / "step-summary.md"
    done = subprocess.run(
        [sys.executable, "-m", "kapso_contract", "-q", *args],
        cwd=cwd,
        env={**clean, "GITHUB_STEP_SUMMARY": str(summary), **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    junit = cwd / "reports" / "contract-junit.xml"
    return SuiteRun(
        done.returncode,
        done.stdout + done.stderr,
        junit.read_text(encoding="utf-8") if junit.is_file() else "",
        summary.read_text(encoding="utf-8") if summary.is_file() else "",
    )
