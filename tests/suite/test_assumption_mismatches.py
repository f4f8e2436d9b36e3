"""Documented or assumed: a server that reads the silent parts otherwise is named, not failed.

The server here (the fake wearing the catalogue's mutants in
`_servers.ASSUMPTIONS_READ_OTHERWISE`) keeps every documented promise but
reads what Kapso's docs leave open differently from the spec: cursor
parameters win over page/per_page, page=0 is page 1, has_customer is cast
the Rails way, and a refused cursor gets a 422. Each is an assumption
mismatch naming the spec location to edit; with
KAPSO_CONTRACT_STRICT_ASSUMPTIONS=1 they fail the run; and a spec edited to
read the server's way (KAPSO_CONTRACT_SPEC) has no mismatch there.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kapso_contacts.contract import default_contract, packaged_spec
from kapso_fake.testing import serve_app

from ._runs import SuiteRun, run_suite
from ._servers import ASSUMPTIONS_READ_OTHERWISE, mutated

CONTRACT = default_contract()
PAGE = CONTRACT.pagination.legacy.page
MIXED_MODES = next(rule for rule in CONTRACT.rules if rule.triggered_by({PAGE.name, "limit"}))
# Where the spec makes each choice the server reads otherwise.
LOCATIONS = {
    "page=0": PAGE.source_of("minimum").location,
    "has_customer cast": CONTRACT.query.booleans.provenance.location,
    "cursor parameters win": MIXED_MODES.provenance.location,
    "refused with a 422": CONTRACT.refusal.provenance.location,
}
BUDGET = "600"

pytestmark = pytest.mark.loopback


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, str]]:
    key = "kapso_canary_" + secrets.token_hex(12)
    with serve_app(mutated(*ASSUMPTIONS_READ_OTHERWISE, key=key)) as server:
        base_url = server.base_url
        yield base_url, key


def _run(server: tuple[str, str], cwd: Path, **env: str) -> SuiteRun:
    base_url, key = server
    settings = {
        "KAPSO_BASE_URL": base_url,
        "KAPSO_API_KEY": key,
        "KAPSO_CONTRACT_MAX_REQUESTS": BUDGET,
        "KAPSO_CONTRACT_SEED": "1",
    }
    run = run_suite(cwd, {**settings, **env})
    assert key not in run.output + run.junit + run.summary, "the API key leaked"
    return run


def _edited(line: str) -> list[str]:
    return re.findall(r"edit:\s+(\S+)", line)


def test_a_server_reading_the_silent_parts_otherwise_passes_with_each_mismatch_named(
    server: tuple[str, str], tmp_path: Path
) -> None:
    run = _run(server, tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    assert "assumption mismatches (not a contract violation)" in run.output
    named = set(_edited(run.output))
    for what, location in LOCATIONS.items():
        assert location in named, f"{what}: {location} not named\n{run.output[-3000:]}"
        assert location in run.junit, f"{what}: not in JUnit"
        assert location in run.summary, f"{what}: not in the step summary"
    # In JUnit a mismatch is an expected failure with its message; nothing failed.
    assert 'type="pytest.xfail" message="assumption mismatch: ' in run.junit
    assert "<failure" not in run.junit
    assert "### Assumption mismatches" in run.summary


def test_strict_assumptions_make_the_mismatches_fail_the_run(
    server: tuple[str, str], tmp_path: Path
) -> None:
    run = _run(server, tmp_path, KAPSO_CONTRACT_STRICT_ASSUMPTIONS="1")
    assert run.returncode == 1, run.output[-3000:]
    assert "<failure" in run.junit
    summary = run.output.split("contract summary", 1)[1].split("short test summary info")[0]
    lines = summary.splitlines()
    failed = {line.split()[1] for line in lines if line.startswith("FAILED ")}
    mismatched = {line.split()[1] for line in lines if line.startswith("MISMATCH ")}
    assert failed and failed == mismatched, run.output[-3000:]
    for location in LOCATIONS.values():
        assert location in run.output


def test_a_spec_edited_to_read_the_servers_way_has_no_mismatch_there(
    server: tuple[str, str], tmp_path: Path
) -> None:
    spec: dict[str, Any] = packaged_spec()
    operation = spec["paths"][CONTRACT.operation_path]["get"]
    rule = next(r for r in operation["x-kapso-rules"] if r["id"] == MIXED_MODES.id)
    rule.update(effect="ignore", ignore=[PAGE.name, CONTRACT.pagination.legacy.per_page.name])
    edited = tmp_path / "contacts.json"
    edited.write_text(json.dumps(spec), encoding="utf-8")
    run = _run(server, tmp_path, KAPSO_CONTRACT_SPEC=str(edited))
    assert run.returncode == 0, run.output[-3000:]
    named = set(_edited(run.output))
    assert LOCATIONS["cursor parameters win"] not in named, run.output[-3000:]
    assert LOCATIONS["page=0"] in named  # the other choices still differ
