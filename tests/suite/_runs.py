"""Run the suite as a team does (``python -m kapso_contract``), in subprocesses, two at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Small embedded accounts (more than two pages of the largest size) and few examples
#: (the live profile, seeded) keep these runs short and repeatable.
SMALL = {
    "KAPSO_CONTRACT_FAKE_CONTACTS": "250",
    "KAPSO_CONTRACT_PROFILE": "live",
    "KAPSO_CONTRACT_SEED": "1",
}


@dataclass(frozen=True)
class SuiteRun:
    """What one run of the suite left behind."""

    returncode: int
    output: str
    summary: dict[str, Any] = field(default_factory=dict)
    junit: str = ""
    left: tuple[str, ...] = ()

    @property
    def mismatches(self) -> list[str]:
        """The spec locations of the mismatches, relative to the operation."""
        return [m["location"].split("/get/", 1)[-1] for m in self.summary.get("mismatches", [])]

    @property
    def violations(self) -> list[str]:
        """The failed checks, with their messages."""
        return [f"{v['check']}: {v['message']}" for v in self.summary.get("violations", [])]


def run_suite(cwd: Path, env: Mapping[str, str], *args: str, timeout: float = 300) -> SuiteRun:
    """``python -m kapso_contract -q`` in ``cwd`` with ``env`` (no other KAPSO_*, CI, GITHUB_*)."""
    cwd.mkdir(parents=True, exist_ok=True)
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KAPSO_", "CI", "GITHUB_", "HYPOTHESIS"))
    }
    done = subprocess.run(
        [sys.executable, "-m", "kapso_contract", "-q", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    summary = cwd / "reports" / "contract-summary.json"
    junit = cwd / "reports" / "contract-junit.xml"
    return SuiteRun(
        done.returncode,
        done.stdout + done.stderr,
        json.loads(summary.read_text("utf-8")) if summary.is_file() else {},
        junit.read_text("utf-8") if junit.is_file() else "",
        tuple(sorted(p.name for p in cwd.iterdir())),
    )


def run_many(root: Path, runs: Mapping[str, Mapping[str, str]], *args: str) -> dict[str, SuiteRun]:
    """Several runs, two at a time (the machine has two cores), each in its own directory."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(run_suite, root / name, env, *args) for name, env in runs.items()
        }
        return {name: future.result() for name, future in futures.items()}


def readings_env(readings: Mapping[str, Any], **extra: str) -> dict[str, str]:
    """The embedded fake, small, serving other readings of assumptions."""
    return {**SMALL, "KAPSO_CONTRACT_FAKE_READINGS": json.dumps(dict(readings)), **extra}


def pretty(run: SuiteRun) -> str:
    """The end of a run's output, for a failing assertion."""
    return run.output[-4000:]


def only(names: Sequence[str]) -> list[str]:
    """Sorted and distinct."""
    return sorted(set(names))
