"""The README's blocks run as written: the quick start first, then each "in one screen" block.

The quick start runs line by line in bash after its two install lines (the
packaging tests install the same extras with plain pip in a fresh venv), with
this environment's console scripts first on PATH and the fake on a free port
instead of 8080. The other blocks run against a fake on loopback, with only
their placeholders (`CURSOR`, `...`) filled in.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kapso_fake.server import free_port, spawn

pytestmark = pytest.mark.loopback

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
KEY = "readme-canary-key"


def block(heading: str, language: str, index: int = 0) -> str:
    """The ``index``-th ``language`` block under a ``## heading`` of the README."""
    section = README.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    found = re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)
    assert len(found) > index, f"no {language} block {index} under {heading!r}"
    return str(found[index])


def _shell(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KAPSO_", "CI"))}
    path = f"{BIN}{os.pathsep}{clean.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd, env={**clean, "PATH": path, **env}, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip


def test_the_quick_start_runs_as_written_and_leaves_only_the_report_directory(
    tmp_path: Path,
) -> None:
    lines = block("Quick start", "sh").splitlines()
    assert lines[0].startswith("python3 -m venv") and lines[1].startswith(
        'pip install ".[contract]"'
    )
    port = str(free_port())
    script = "\n".join(lines[2:]).replace("8080", port)
    done = _shell(script, tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert re.search(r"\d+ with a customer", done.stdout), done.stdout[-1000:]
    assert re.search(r"\d+ passed", done.stdout), done.stdout[-1000:]
    assert "FAILED" not in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_the_client_block_runs_against_a_fake() -> None:
    code = block("The client in one screen", "python").replace("...", "pass")
    with spawn("--contacts", "300", "--api-key", KEY) as server:
        env = {**os.environ, "KAPSO_BASE_URL": server.base_url, "KAPSO_API_KEY": KEY}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Every printed contact matches the filter: its name holds "maría" in any case.
    names = [line.split(" ", 1)[1] for line in done.stdout.splitlines()]
    assert names and all("maría" in name.casefold() for name in names), done.stdout


def test_the_cli_block_runs_and_its_resumed_export_completes_the_first(tmp_path: Path) -> None:
    lines = [
        line.split("  #")[0].strip() for line in block("The CLI in one screen", "sh").splitlines()
    ]
    with spawn("--contacts", "450", "--api-key", KEY, "--log-level", "warning") as server:
        env = {"KAPSO_BASE_URL": server.base_url, "KAPSO_API_KEY": KEY}
        first = _shell(
            "kapso-contacts list --limit 100 --format jsonl > first.jsonl", tmp_path, **env
        )
        cursor = re.search(r"--after (\S+)", first.stderr)
        assert first.returncode == 0 and cursor is not None, first.stderr
        for line in lines:
            done = _shell(line.replace("CURSOR", cursor.group(1)), tmp_path, **env)
            assert done.returncode == 0, (line, done.stderr)
    whole = (tmp_path / "contacts.jsonl").read_text().splitlines()
    assert len(whole) == 450 + 350  # the --all export, then the resumed walk from item 101
    assert (tmp_path / "first.jsonl").read_text().splitlines() + whole[450:] == whole[:450]
    assert (tmp_path / "leads.csv").read_text().startswith("id,")


def test_the_fake_block_starts_each_fake_it_shows() -> None:
    for line in block("The fake in one screen", "sh").splitlines():
        args = line.split()[1:]
        if "--list-readings" in args:
            done = subprocess.run(
                [str(BIN / "kapso-fake"), *args], capture_output=True, text=True, check=False
            )
            assert done.returncode == 0 and "x-kapso-order/1/direction" in done.stdout
            continue
        with spawn(*args, "--log-level", "warning") as server:
            assert server.port > 0


def test_the_fixture_example_passes_as_a_users_own_test(tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(block("The fake in one screen", "python"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 passed" in done.stdout


def test_the_suite_block_s_help_names_every_option_it_mentions() -> None:
    text = block("The contract suite in one screen", "sh")
    assert "make contract" in text
    done = subprocess.run(
        [str(BIN / "kapso-contract"), "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    prose = README.split("## The contract suite", 1)[1].split("\n## ", 1)[0]
    prose = re.sub(r"`st run[^`]*`", "", prose)  # schemathesis' own options
    for option in re.findall(r"--[a-z-]+", prose):
        assert option in done.stdout, option
