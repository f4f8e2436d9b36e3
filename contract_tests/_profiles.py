"""Hypothesis profiles for the contract suite, built on Hypothesis' own `ci` profile.

- `ci`: deterministic (derandomized, no example database). Default under CI=true.
- `dev`: randomized, with the local example database (the default off CI).
- `thorough`: many more examples, on demand.
- `live`: a handful of examples, for a rate-limited server on a request budget.
  No shrink phase: a failure is reported as found, instead of spending the
  budget on minimising it (a budget spent shrinking used to hide the failure).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, settings

from ._env import ENV_BASE_URL, ENV_PROFILE


@dataclass(frozen=True)
class Sizes:
    """How many examples each kind of test draws under a profile."""

    semantic: int
    schema: int


SIZES = {
    "ci": Sizes(semantic=40, schema=300),
    "dev": Sizes(semantic=40, schema=300),
    "thorough": Sizes(semantic=150, schema=1500),
    "live": Sizes(semantic=10, schema=40),
}

# Every request counts against a server's budget: generate, report, never shrink.
LIVE_PHASES = (Phase.explicit, Phase.reuse, Phase.generate)

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def register() -> str:
    """Register the profiles, load the selected one and return its name."""
    ci = settings.get_profile("ci")
    settings.register_profile(
        "contract-ci", ci, max_examples=SIZES["ci"].semantic, suppress_health_check=_SLOW
    )
    settings.register_profile(
        "dev",
        ci,
        derandomize=False,
        database=settings.get_profile("default").database,
        max_examples=SIZES["dev"].semantic,
        suppress_health_check=_SLOW,
    )
    settings.register_profile(
        "thorough",
        ci,
        derandomize=False,
        max_examples=SIZES["thorough"].semantic,
        suppress_health_check=_SLOW,
    )
    settings.register_profile(
        "live",
        ci,
        derandomize=False,
        max_examples=SIZES["live"].semantic,
        suppress_health_check=_SLOW,
        phases=LIVE_PHASES,
        report_multiple_bugs=False,
    )
    name = selected()
    settings.load_profile("contract-ci" if name == "ci" else name)
    return name


def selected(live: bool | None = None) -> str:
    """KAPSO_CONTRACT_PROFILE; else live for a server, ci under CI, dev otherwise."""
    name = os.environ.get(ENV_PROFILE, "").strip()
    if name:
        if name not in SIZES:
            raise RuntimeError(f"{ENV_PROFILE} must be one of {sorted(SIZES)}, got {name!r}")
        return name
    if live is None:
        live = bool(os.environ.get(ENV_BASE_URL, "").strip())
    if live:
        return "live"
    return "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"


def sizes() -> Sizes:
    """The sizes of the selected profile."""
    return SIZES[selected()]
