"""Plain pip in a fresh virtualenv, as a team installs us: no uv, no index holding our packages.

- `pip install <repo>` gives the client (and its generated client) and no
  server or test packages;
- `pip install "<wheel>[contract]"` gives `kapso-fake` and `kapso-contract`,
  and the suite runs from an empty directory against that fake, writing
  `./reports/`.

Needs the package index (PyPI), as CI has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kapso_contacts.contract import default_contract
from kapso_fake.testing import serve_process

pytestmark = pytest.mark.loopback

ROOT = Path(__file__).resolve().parents[2]
KEY = "kapso_canary_pip_5b1e"
#: What the client alone must not pull in: the fake's server stack and the suite's tools.
NOT_FOR_THE_CLIENT = {"starlette", "uvicorn", "httptools", "uvloop", "schemathesis", "pytest"}


def _virtualenv(path: Path) -> Path:
    """A fresh virtualenv with pip; returns its bin/ folder."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    return path / "bin"


def _pip_install(bin_dir: Path, *requirements: str) -> None:
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", *requirements],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]


def _installed(bin_dir: Path) -> set[str]:
    listing = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return {entry["name"].lower() for entry in json.loads(listing.stdout)}


def test_pip_install_of_the_repository_is_the_client_alone(tmp_path: Path) -> None:
    bin_dir = _virtualenv(tmp_path / "venv")
    _pip_install(bin_dir, str(ROOT))
    installed = _installed(bin_dir)
    assert "kapso-contacts" in installed
    assert not installed & NOT_FOR_THE_CLIENT, sorted(installed & NOT_FOR_THE_CLIENT)
    # The generated client and the contract it carries come inside the distribution.
    program = "from kapso_contacts.contract import default_contract; print(default_contract().path)"
    done = subprocess.run(
        [str(bin_dir / "python"), "-c", program],
        capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.stdout.strip() == default_contract().path
    help_text = subprocess.run(
        [str(bin_dir / "kapso-contacts"), "list", "--help"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "--profile-name-contains" in help_text.stdout


def test_the_contract_extra_runs_the_suite_from_an_empty_directory(
    tmp_path: Path, wheel: Path
) -> None:
    bin_dir = _virtualenv(tmp_path / "venv")
    _pip_install(bin_dir, f"{wheel}[contract]")
    team = tmp_path / "team-repo"
    team.mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KAPSO_", "CI", "GITHUB_"))}
    fake = ("--contacts", "300", "--api-key", KEY)
    with serve_process(*fake, python=bin_dir / "python") as server:
        done = subprocess.run(
            [str(bin_dir / "kapso-contract"), "-q", "-p", "no:cacheprovider"],
            cwd=team,
            env={**clean, "KAPSO_BASE_URL": server.base_url, "KAPSO_API_KEY": KEY,
                 "KAPSO_CONTRACT_SEED": "1"},
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert (team / "reports" / "contract-junit.xml").is_file()
    assert "0 failed" in output and KEY not in output
