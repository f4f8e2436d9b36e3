"""Plain pip in a fresh virtualenv, as a team installs us: no uv, no index holding our packages.

- ``pip install <repo>`` gives the client (and its generated client) and no
  server or test packages; the console scripts of the extras it does not have
  say, in one line, which extra to install, and exit 2;
- ``pip install "<wheel>[contract]"`` gives ``kapso-fake`` and ``kapso-contract``:
  a CLI of its own (``--help``, ``--version``), and a run from an empty
  directory against that fake passes, shows no warning and leaves only its
  report directory behind.

Needs the package index (PyPI), as CI has.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from kapso_contacts.contract import default_contract
from kapso_fake.server import spawn

pytestmark = pytest.mark.loopback

ROOT = Path(__file__).resolve().parents[2]
KEY = "kapso_canary_pip_5b1e"
#: What the client alone must not pull in: the fake's server stack and the suite's tools.
NOT_FOR_THE_CLIENT = {"starlette", "uvicorn", "httptools", "uvloop", "schemathesis", "pytest"}
#: Python's warnings as they print (``PytestAssertRewriteWarning: ...``, ``UserWarning``).
WARNING = re.compile(r"\b[A-Z]\w*Warning\b")


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


def _run(argv: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A command with the environment of a machine that never heard of us."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KAPSO_", "CI", "GITHUB_"))}
    return subprocess.run(
        argv, cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip


def _installed(bin_dir: Path) -> set[str]:
    listing = _run([str(bin_dir / "python"), "-m", "pip", "list", "--format", "json"], bin_dir)
    return {entry["name"].lower() for entry in json.loads(listing.stdout)}


def test_pip_install_of_the_repository_is_the_client_alone(tmp_path: Path) -> None:
    bin_dir = _virtualenv(tmp_path / "venv")
    _pip_install(bin_dir, str(ROOT))
    installed = _installed(bin_dir)
    assert "kapso-contacts" in installed
    assert not installed & NOT_FOR_THE_CLIENT, sorted(installed & NOT_FOR_THE_CLIENT)
    # The generated client and the contract it carries come inside the distribution.
    program = "from kapso_contacts.contract import default_contract; print(default_contract().path)"
    done = _run([str(bin_dir / "python"), "-c", program], tmp_path)
    assert done.stdout.strip() == default_contract().path, done.stderr
    help_text = _run([str(bin_dir / "kapso-contacts"), "list", "--help"], tmp_path)
    assert "--profile-name-contains" in help_text.stdout, help_text.stderr


def test_console_scripts_of_a_missing_extra_name_it_in_one_line(tmp_path: Path) -> None:
    bin_dir = _virtualenv(tmp_path / "venv")
    _pip_install(bin_dir, str(ROOT))
    for command, extra in (("kapso-fake", "fake"), ("kapso-contract", "contract")):
        done = _run([str(bin_dir / command)], tmp_path)
        said = (done.stdout + done.stderr).strip().splitlines()
        assert done.returncode == 2, (command, done.returncode, said)
        assert len(said) == 1 and "Traceback" not in said[0], (command, said)
        assert f'pip install "kapso-contacts[{extra}]"' in said[0], (command, said)


def test_the_contract_extra_runs_the_suite_from_an_empty_directory(
    tmp_path: Path, wheel: Path
) -> None:
    bin_dir = _virtualenv(tmp_path / "venv")
    _pip_install(bin_dir, f"{wheel}[contract]")
    team = tmp_path / "team-repo"
    team.mkdir()
    kapso_contract = str(bin_dir / "kapso-contract")

    help_text = _run([kapso_contract, "--help"], team)
    assert help_text.returncode == 0, help_text.stderr
    # Its own options, each with the variable it mirrors; not pytest's help.
    for option in ("--fail-on-incomplete", "KAPSO_BASE_URL", "KAPSO_CONTRACT_STRICT_ASSUMPTIONS"):
        assert option in help_text.stdout, option
    assert "--basetemp" not in help_text.stdout, help_text.stdout[:500]  # pytest's own help
    shown = _run([kapso_contract, "--version"], team)
    assert shown.returncode == 0, shown.stderr
    assert version("kapso-contacts") in shown.stdout, shown.stdout
    assert default_contract().spec["info"]["version"] in shown.stdout, shown.stdout
    assert "pytest" not in shown.stdout.lower(), shown.stdout

    with spawn("--contacts", "300", "--api-key", KEY, python=bin_dir / "python") as server:
        done = _run(
            [kapso_contract], team,
            KAPSO_BASE_URL=server.base_url, KAPSO_API_KEY=KEY, KAPSO_CONTRACT_SEED="1",
        )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert KEY not in output
    assert not WARNING.search(output), WARNING.findall(output)
    # Nothing but the report directory (no .hypothesis/, no .pytest_cache/).
    left = sorted(path.name for path in team.iterdir())
    assert left == ["reports"] and any((team / "reports").iterdir()), left
