"""The suite from any repository: the wheel carries it, `kapso-contract` runs it from anywhere."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

import kapso_contract
from kapso_contract import runner

from ._runs import run_suite

ROOT = Path(__file__).resolve().parents[2]


def test_a_source_checkout_runs_its_own_contract_tests() -> None:
    assert kapso_contract.suite_path() == ROOT / "contract_tests"
    args = runner.pytest_args(ROOT / "contract_tests", ["-x"])
    # The runner's configuration, never the one of the directory it runs in.
    assert args[1:3] == ["-c", str(runner.CONFIG)] and args[-1] == "-x"


def test_the_wheel_carries_the_suite_the_runner_and_the_spec(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    suite = {Path(n).name for n in names if n.startswith("kapso_contract/suite/")}
    checkout = {p.name for p in (ROOT / "contract_tests").iterdir() if p.is_file()}
    assert checkout <= suite, f"missing from the wheel: {sorted(checkout - suite)}"
    for needed in (
        "kapso_contract/__init__.py",
        "kapso_contract/__main__.py",
        "kapso_contract/runner.py",
        "kapso_contract/pytest.ini",
        "kapso_contract/suite/schemathesis.toml",
        "kapso_contacts_api/openapi.json",
        "kapso_contacts/contract/__init__.py",
        "kapso_fake/app.py",
    ):
        assert needed in names, needed
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert re.search(r"^kapso-contract = kapso_contract:main$", scripts, re.M), scripts


@pytest.mark.loopback
def test_the_packaged_runner_runs_from_an_empty_directory(wheel: Path, tmp_path: Path) -> None:
    """Installed from the wheel (a --target install: its files on PYTHONPATH, this venv's deps)."""
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    work = tmp_path / "team-repo"
    work.mkdir()
    # A team's own pytest and schemathesis settings must not leak into the suite's run.
    (work / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")
    (work / "schemathesis.toml").write_text('hooks = "no_such_module"\n')
    run = run_suite(
        work,
        {"KAPSO_CONTRACT_FAKE_CONTACTS": "300", "KAPSO_CONTRACT_PROFILE": "ci"},
        pythonpath=target,
    )
    assert run.returncode == 0, run.output[-3000:]
    assert (work / "reports" / "contract-junit.xml").is_file()
    # The packaged copy ran (its node ids start at kapso_contract/), not the checkout's.
    assert 'classname="suite.test_schema"' in run.junit, run.junit[:2000]
    assert "contract_tests" not in run.junit


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KAPSO_CONTRACT_SPEC", "no-such-spec.yaml"),
        ("KAPSO_CONTRACT_STRICT_ASSUMPTIONS", "maybe"),
    ],
)
def test_a_bad_setting_is_a_one_line_usage_error(name: str, value: str, tmp_path: Path) -> None:
    run = run_suite(tmp_path, {name: value})
    assert run.returncode == int(pytest.ExitCode.USAGE_ERROR), run.output[-2000:]
    assert f"ERROR: {name}" in run.output, run.output[-2000:]
    assert "Traceback" not in run.output and "INTERNALERROR" not in run.output
