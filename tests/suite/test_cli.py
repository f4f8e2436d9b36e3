"""``kapso-contract`` as a command of its own: help, version, options over variables, exit codes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import kapso_contract
from kapso_contract import cli

from ._runs import SMALL, pretty, run_suite

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli.command, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_help_documents_every_option_with_its_variable_and_the_exit_codes() -> None:
    code, text = invoke("--help")
    assert code == 0
    options = "base-url api-key-env max-requests profile seed strict-assumptions strict-drift"
    for option in f"{options} fail-on-incomplete report-dir spec".split():
        assert f"--{option}" in text, option
    variables = (
        "MAX_REQUESTS PROFILE SEED STRICT_ASSUMPTIONS STRICT_DRIFT STRICT_BUDGET REPORT_DIR SPEC"
    )
    assert "KAPSO_BASE_URL" in text
    for variable in variables.split():
        assert f"KAPSO_CONTRACT_{variable}" in text, variable
    assert re.search(r"0\s+pass", text) and re.search(r"3\s+incomplete", text)
    assert "--junitxml" not in text and len(text.splitlines()) < 80  # its own help, not pytest's


def test_version_names_the_suite_and_the_spec() -> None:
    code, text = invoke("--version")
    assert code == 0
    assert re.fullmatch(
        r"kapso-contract \S+ \(spec openapi/contacts\.yaml \d+\.\d+\.\d+\)\n", text
    ), text


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--profile", "fast"], {}, "--profile"),
        (["--max-requests", "0"], {}, "--max-requests"),
        (
            ["--base-url", "http://127.0.0.1:9/platform/v1", "--api-key-env", "NO_SUCH_VARIABLE"],
            {},
            "NO_SUCH_VARIABLE",
        ),
        ([], {"KAPSO_CONTRACT_STRICT_ASSUMPTIONS": "maybe"}, "KAPSO_CONTRACT_STRICT_ASSUMPTIONS"),
        (["--spec", "no-such-spec.yaml"], {}, "--spec"),
    ],
)
def test_a_bad_setting_is_a_usage_error(args: list[str], env: dict[str, str], says: str) -> None:
    code, text = invoke(*args, env=env)
    assert code == 2, text
    assert says in text and "Traceback" not in text


def test_without_the_contract_extra_it_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "NEEDS", ("no_such_module_of_the_extra",))
    code, text = invoke()
    assert code == 2
    assert text.strip().splitlines() == [
        'Error: the suite needs the [contract] extra: pip install "kapso-contacts[contract]"'
    ]


def test_an_option_wins_over_its_variable_and_extra_arguments_reach_pytest(tmp_path: Path) -> None:
    env = {**SMALL, "KAPSO_CONTRACT_REPORT_DIR": str(tmp_path / "elsewhere")}
    run = run_suite(tmp_path / "work", env, "--report-dir", "mine", "-k", "envelope")
    assert run.returncode == 0, pretty(run)
    assert (tmp_path / "work" / "mine" / "contract-summary.json").is_file()
    assert not (tmp_path / "elsewhere").exists()
    assert "1 passed" in run.output and "deselected" in run.output


def test_the_wheel_carries_the_suite_and_the_runner(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    suite = {Path(n).name for n in names if n.startswith("kapso_contract/suite/")}
    checkout = {
        p.name
        for p in (ROOT / "contract_tests").iterdir()
        if p.is_file() and p.suffix in (".py", ".toml")
    }
    assert checkout <= suite, sorted(checkout - suite)
    assert {
        "kapso_contract/cli.py",
        "kapso_contract/pytest.ini",
        "kapso_contacts_api/openapi.json",
    } <= names
    assert kapso_contract.suite_path() == ROOT / "contract_tests"
