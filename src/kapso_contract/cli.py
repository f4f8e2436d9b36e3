"""The ``kapso-contract`` command: options (each mirrors a variable), the suite run, exit codes."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

#: The runner's pytest configuration, shipped beside this module.
CONFIG = Path(__file__).with_name("pytest.ini")
#: Where the wheel puts the suite, and where a source checkout keeps it.
PACKAGED = Path(__file__).with_name("suite")
CHECKOUT = Path(__file__).resolve().parents[2] / "contract_tests"
EXIT_CODES = {
    0: "pass",
    1: "violations (or strict findings)",
    2: "usage",
    3: "incomplete (--fail-on-incomplete)",
}
#: What the suite needs beyond the client: the [contract] extra.
NEEDS = ("pytest", "hypothesis", "schemathesis", "jsonschema_rs", "yaml", "uvicorn")


class Unusable(click.ClickException):
    """This installation cannot run the suite (one line, exit 2)."""

    exit_code = 2


def suite_path() -> Path | None:
    """The suite to run: the packaged copy, else a source checkout's ``contract_tests/``."""
    return next((p for p in (PACKAGED, CHECKOUT) if (p / "conftest.py").is_file()), None)


def _versions(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from kapso_contacts.contract import load_contract

    try:
        suite = version("kapso-contacts")
    except PackageNotFoundError:
        suite = "unknown"
    spec = os.environ.get("KAPSO_CONTRACT_SPEC") or None
    contract = load_contract(spec)
    click.echo(f"kapso-contract {suite} (spec {contract.file} {contract.spec['info']['version']})")
    ctx.exit()


EPILOG = "\b\nExit codes:\n" + "\n".join(
    f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items()
)


@click.command(
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 100,
        "ignore_unknown_options": True,
    },
    epilog=EPILOG + "\n\nArguments after -- go to pytest (-k, -x, ...).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_versions,
    help="Show the suite's and the spec's versions and exit.",
)
@click.option(
    "--base-url",
    envvar="KAPSO_BASE_URL",
    metavar="URL",
    show_envvar=True,
    help="The server under test (https://api.kapso.ai/platform/v1). Default: the embedded fake.",
)
@click.option(
    "--api-key-env",
    default="KAPSO_API_KEY",
    show_default=True,
    metavar="NAME",
    help="The environment variable holding the API key (never the key itself).",
)
@click.option(
    "--max-requests",
    type=click.IntRange(min=1),
    envvar="KAPSO_CONTRACT_MAX_REQUESTS",
    show_envvar=True,
    help="The request budget (default 1000 against a server, none in-process).",
)
@click.option(
    "--profile",
    type=click.Choice(["ci", "dev", "thorough", "live"]),
    show_envvar=True,
    envvar="KAPSO_CONTRACT_PROFILE",
    help="Hypothesis profile (default: live against a server, else ci).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    envvar="KAPSO_CONTRACT_SEED",
    show_envvar=True,
    help="Replay a randomized (dev, thorough, live) run.",
)
@click.option(
    "--strict-assumptions/--lenient-assumptions",
    default=None,
    show_envvar=True,
    envvar="KAPSO_CONTRACT_STRICT_ASSUMPTIONS",
    help="Assumption mismatches fail the run (default: strict only on the plain embedded fake).",
)
@click.option(
    "--strict-drift",
    is_flag=True,
    default=None,
    envvar="KAPSO_CONTRACT_STRICT_DRIFT",
    show_envvar=True,
    help="Fields, headers or statuses the spec does not document fail the run.",
)
@click.option(
    "--fail-on-incomplete",
    is_flag=True,
    default=None,
    envvar="KAPSO_CONTRACT_STRICT_BUDGET",
    show_envvar=True,
    help="Exit 3 when the budget ran out before every check ran.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    envvar="KAPSO_CONTRACT_REPORT_DIR",
    show_envvar=True,
    show_default=True,
    help="Where JUnit XML, contract-summary.json and Hypothesis' storage go (nothing else).",
)
@click.option(
    "--spec",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    show_envvar=True,
    envvar="KAPSO_CONTRACT_SPEC",
    help="An edited copy of the spec to take every expectation from.",
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- PYTEST_ARGS...]")
def command(base_url: str | None, api_key_env: str, max_requests: int | None, profile: str | None,
            seed: int | None, strict_assumptions: bool | None, strict_drift: bool | None,
            fail_on_incomplete: bool | None, report_dir: Path, spec: Path | None,
            pytest_args: tuple[str, ...]) -> None:  # fmt: skip
    """Run the contract suite against the embedded fake or a server; options win over variables."""
    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise Unusable(
            'the suite needs the [contract] extra: pip install "kapso-contacts[contract]"'
        )
    suite = suite_path()
    if suite is None:
        raise Unusable(f'no contract suite at {PACKAGED}: pip install "kapso-contacts[contract]"')
    settings = {
        "KAPSO_BASE_URL": base_url,
        "KAPSO_CONTRACT_MAX_REQUESTS": max_requests,
        "KAPSO_CONTRACT_PROFILE": profile,
        "KAPSO_CONTRACT_SEED": seed,
        "KAPSO_CONTRACT_STRICT_ASSUMPTIONS": strict_assumptions,
        "KAPSO_CONTRACT_STRICT_DRIFT": strict_drift,
        "KAPSO_CONTRACT_REPORT_DIR": report_dir.absolute(),
        "KAPSO_CONTRACT_SPEC": spec and spec.absolute(),
    }
    for name, value in settings.items():
        if value is not None:
            os.environ[name] = str(int(value) if isinstance(value, bool) else value)
    if base_url:
        key = os.environ.get(api_key_env, "")
        if not key:
            raise click.UsageError(f"--base-url needs the API key in ${api_key_env}")
        os.environ["KAPSO_API_KEY"] = key
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(report_dir.absolute() / "hypothesis")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the plugins it needs are named in CONFIG
    import pytest

    args = [str(suite), "-c", str(CONFIG), "--rootdir", str(suite.parent), *pytest_args]
    code = int(pytest.main(args))
    # pytest: 1 failures, 3 internal error (no pass), 2 interrupted, 4 usage, 5 nothing collected.
    result = {0: 0, 1: 1, 3: 1}.get(code, 2)
    summary = report_dir / "contract-summary.json"
    if result == 0 and fail_on_incomplete and summary.is_file():
        result = 3 if json.loads(summary.read_text("utf-8")).get("incomplete") else 0
    sys.exit(result)


def main(argv: Sequence[str] | None = None) -> None:
    """``kapso-contract`` (exit codes in ``EXIT_CODES``)."""
    command.main(args=argv, prog_name="kapso-contract")
