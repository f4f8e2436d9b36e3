"""``kapso-contract``: does a server keep the contract of Kapso's List contacts API?

Runs the contract suite (packaged under ``kapso_contract/suite``, or
``contract_tests/`` in a source checkout) against the embedded fake or any
base URL. See ``kapso-contract --help`` and docs/contract-suite.md.
"""

from .cli import EXIT_CODES, main, suite_path

__all__ = ["EXIT_CODES", "main", "suite_path"]
