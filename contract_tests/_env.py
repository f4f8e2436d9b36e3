"""The suite's own knobs: environment variables, defaults and where reports go.

Nothing here is a fact of the API: those come from the spec, through
`kapso_contacts.contract` (see `_spec`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

MASK = "***"

# Environment variables (all optional).
ENV_BASE_URL = "KAPSO_BASE_URL"
ENV_API_KEY = "KAPSO_API_KEY"
ENV_SPEC = "KAPSO_CONTRACT_SPEC"
ENV_MAX_REQUESTS = "KAPSO_CONTRACT_MAX_REQUESTS"
ENV_PROFILE = "KAPSO_CONTRACT_PROFILE"
ENV_SEED = "KAPSO_CONTRACT_SEED"
ENV_STRICT_DRIFT = "KAPSO_CONTRACT_STRICT_DRIFT"
ENV_STRICT_BUDGET = "KAPSO_CONTRACT_STRICT_BUDGET"
ENV_STRICT_ASSUMPTIONS = "KAPSO_CONTRACT_STRICT_ASSUMPTIONS"
ENV_FAKE_CONTACTS = "KAPSO_CONTRACT_FAKE_CONTACTS"
ENV_FAKE_SEED = "KAPSO_CONTRACT_FAKE_SEED"
ENV_FAKE_SHAPE = "KAPSO_CONTRACT_FAKE_SHAPE"
ENV_FAKE_MUTANTS = "KAPSO_CONTRACT_FAKE_MUTANTS"

# A live run never sends more than this many requests unless told otherwise.
DEFAULT_LIVE_MAX_REQUESTS = 1000
# The embedded fake: same data as `make fake` (1000 contacts, seed 1, mixed, port 8080).
FAKE_CONTACTS = 1000
FAKE_SEED = 1
FAKE_SHAPE = "mixed"
FAKE_ORIGIN = "http://127.0.0.1:8080"

_TRUE = ("1", "true", "yes")
_FALSE = ("0", "false", "no")


def reports_dir() -> Path:
    """Where JUnit XML goes: `reports/` under the current directory."""
    return Path.cwd() / "reports"


def junit_path() -> Path:
    """The run's JUnit XML file."""
    return reports_dir() / "contract-junit.xml"


def flag(name: str, default: bool = False, env: Mapping[str, str] | None = None) -> bool:
    """A yes/no environment variable (1/true/yes, 0/false/no); `default` when unset or empty.

    Raises:
        RuntimeError: the value is neither.
    """
    text = (os.environ if env is None else env).get(name, "").strip().lower()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RuntimeError(f"{name} must be 1/true/yes or 0/false/no, got {text!r}")
