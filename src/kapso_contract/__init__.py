"""The contract suite's runner: `kapso-contract` / `python -m kapso_contract` from any directory.

Runs the suite (packaged under `kapso_contract/suite`, or `contract_tests/` in
a source checkout) with pytest and its own configuration, against the
embedded fake or `KAPSO_BASE_URL`; reports go under `./reports`. See
`docs/contract-suite.md`.
"""

from .runner import main, pytest_args, suite_path

__all__ = ["main", "pytest_args", "suite_path"]
