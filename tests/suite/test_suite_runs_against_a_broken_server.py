"""The whole suite, run as `make contract` would, against a broken server on a loopback port."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from kapso_fake.testing import serve_app

from ._servers import mutated

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 500

pytestmark = pytest.mark.loopback


def test_a_failing_run_names_the_failures_and_never_shows_the_key(tmp_path: Path) -> None:
    canary = "kapso_canary_" + secrets.token_hex(16)
    # A server that serves `limit` 0 and past the maximum instead of refusing them.
    app = mutated("limit-clamped", "limit-zero-means-default", key=canary)
    summary = tmp_path / "step-summary.md"
    junit = tmp_path / "junit.xml"
    with serve_app(app) as server:
        env = {
            **os.environ,
            "KAPSO_BASE_URL": server.base_url,
            "KAPSO_API_KEY": canary,
            "KAPSO_CONTRACT_MAX_REQUESTS": str(BUDGET),
            "GITHUB_STEP_SUMMARY": str(summary),
            "KAPSO_CONTRACT_SEED": "1",
        }
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "contract_tests", "-p", "no:cacheprovider",
             f"--junitxml={junit}", "-q"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    # Failures are named with what was promised and a masked reproduction.
    assert "limit=0 is past the range: expected 400, got 200" in output
    assert "FAILED contract_tests/test_schema.py" in output
    assert "reproduce: curl" in output and "X-API-Key: ***" in output
    sent = next(line for line in output.splitlines() if line.startswith("requests:"))
    assert int(sent.split()[1]) <= BUDGET, sent
    # The key appears nowhere: terminal, JUnit XML, step summary.
    for name, text in (
        ("output", output),
        ("junit", junit.read_text()),
        ("summary", summary.read_text()),
    ):
        assert canary not in text, f"the API key leaked into the {name}"
    assert "## Kapso contract suite: " in summary.read_text()
