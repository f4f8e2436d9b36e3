"""The workflow a team copies: installs the suite with pip, runs `kapso-contract`, needs the key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "contract.yml"
KEY_PRESENT = "env.HAS_KEY == 'true'"


def _workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def _steps() -> list[dict[str, Any]]:
    (job,) = _workflow()["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_it_runs_nightly_and_on_demand_only() -> None:
    triggers = _workflow()[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert triggers["schedule"][0]["cron"]


def test_it_installs_the_suite_with_pip_and_calls_kapso_contract_never_make() -> None:
    runs = [step["run"] for step in _steps() if "run" in step]
    assert not any(re.search(r"\bmake\b", run) for run in runs), runs
    (install,) = [run for run in runs if "pip install" in run]
    assert '"kapso-contacts[contract] @ ${KAPSO_CONTACTS_SOURCE}"' in install
    assert _workflow()["env"]["KAPSO_CONTACTS_SOURCE"].startswith("git+https://")
    (suite,) = [step for step in _steps() if step.get("run", "").strip() == "kapso-contract"]
    assert suite["env"]["KAPSO_API_KEY"] == "${{ secrets.KAPSO_API_KEY }}"
    assert suite["env"]["KAPSO_BASE_URL"].startswith("https://")
    (upload,) = [
        step for step in _steps() if str(step.get("uses", "")).startswith("actions/upload")
    ]
    assert upload["with"]["path"] == "reports/"


def test_without_the_secret_nothing_is_installed_or_sent() -> None:
    (job,) = _workflow()["jobs"].values()
    assert job["env"]["HAS_KEY"] == "${{ secrets.KAPSO_API_KEY != '' }}"
    for step in _steps():
        guard = step.get("if", "")
        if "::notice" in step.get("run", ""):
            assert guard == "env.HAS_KEY != 'true'"
        else:
            assert KEY_PRESENT in guard, f"unguarded step: {step}"
