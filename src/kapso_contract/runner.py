"""Find the suite and run it with pytest and the runner's own configuration."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

#: The runner's pytest configuration, shipped beside this module.
CONFIG = Path(__file__).with_name("pytest.ini")
#: Where the wheel puts the suite (hatch `force-include`: contract_tests -> kapso_contract/suite).
PACKAGED = Path(__file__).with_name("suite")
#: Where the suite lives in a source checkout (and an editable install of one).
CHECKOUT = Path(__file__).resolve().parents[2] / "contract_tests"


class SuiteNotFound(RuntimeError):
    """Neither the packaged suite nor a checkout's `contract_tests/` is there."""


def suite_path() -> Path:
    """The suite to run: the packaged copy, else the source checkout's `contract_tests/`.

    Raises:
        SuiteNotFound: this installation carries no suite.
    """
    for candidate in (PACKAGED, CHECKOUT):
        if (candidate / "conftest.py").is_file():
            return candidate
    raise SuiteNotFound(
        f"no contract suite at {PACKAGED} or {CHECKOUT}; install kapso-contacts[contract]"
    )


def pytest_args(suite: Path, extra: Sequence[str] = ()) -> list[str]:
    """The pytest command line: the suite, the runner's config, then the caller's options."""
    return [str(suite), "-c", str(CONFIG), "--rootdir", str(suite.parent), *extra]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; extra arguments go to pytest (`-k`, `-x`, `--junitxml`...).

    Returns:
        pytest's exit status: 0 only if no contract violation was found.
    """
    extra = list(sys.argv[1:] if argv is None else argv)
    try:
        suite = suite_path()
    except SuiteNotFound as exc:
        print(f"kapso-contract: {exc}", file=sys.stderr)
        return int(pytest.ExitCode.USAGE_ERROR)
    return int(pytest.main(pytest_args(suite, extra)))
