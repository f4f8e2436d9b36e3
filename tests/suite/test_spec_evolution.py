"""Edit the spec, run `make generate`, change no Python: client, fake and suite all follow.

A copy of the spec gets new facts (a larger `limit`, page and window; a page
minimum of 0; the mixing rule turned into "cursor parameters win"; a new
nullable Contact field; a new substring filter) and is generated into a
temporary folder. With that generated package first on `PYTHONPATH`, and no
other change:

- the fake serves the new contract;
- the suite built from the new spec passes against it;
- the client accepts `limit=250`;
- the suite of the original spec, against the same fake, reports exactly the
  differences: the documented bounds it breaks as violations, the assumptions
  it reads otherwise as mismatches with the spec location to edit, and the new
  field as drift.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kapso_contacts import InvalidParameterError, KapsoContacts
from kapso_contacts.contract import default_contract
from kapso_fake.testing import serve_process

from ._runs import SuiteRun, run_suite

pytestmark = pytest.mark.loopback

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "openapi" / "contacts.yaml"
KEY = "kapso_canary_evolution_0f3a"
ORIGINAL = default_contract()
NEW_LIMIT = 250
_LOCATION = re.compile(r"(?:documented at|edit) (openapi/contacts\.yaml#[^\]\s;]+)")


def evolve(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with the facts a team might change when Kapso changes the API."""
    spec = copy.deepcopy(spec)
    operation = spec["paths"]["/whatsapp/contacts"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    parameters["limit"]["schema"]["maximum"] = NEW_LIMIT
    parameters["page"]["schema"]["maximum"] = 80
    parameters["page"]["schema"]["minimum"] = 0
    operation["x-kapso-pagination"]["legacy"]["max-window"]["value"] = 8000
    rule = next(r for r in operation["x-kapso-rules"] if r["id"] == "legacy-with-cursor")
    rule.update(effect="ignore", ignore=["page", "per_page"])
    contact = spec["components"]["schemas"]["Contact"]["properties"]
    contact["language"] = {"description": "Preferred language.", "type": ["string", "null"]}
    operation["parameters"].append(
        {
            "name": "username_contains",
            "in": "query",
            "description": "Filter by WhatsApp username (case-sensitive substring match).",
            "schema": {"type": "string"},
            "x-kapso-filter": {
                "field": "username",
                "match": "contains",
                "case": "sensitive",
                "assumed": "A filter this team's copy of the spec adds.",
            },
        }
    )
    spec["info"]["version"] = "9.0.0"
    return spec


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make generate` of the evolved spec, into a temporary folder."""
    folder = tmp_path_factory.mktemp("evolved")
    spec = folder / "contacts.yaml"
    evolved = evolve(yaml.safe_load(SPEC.read_text(encoding="utf-8")))
    spec.write_text(yaml.safe_dump(evolved, sort_keys=False, allow_unicode=True), "utf-8")
    output = folder / "generated_client"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate.py"), "--spec", str(spec),
         "--output", str(output)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert (output / "kapso_contacts_api" / "openapi.json").is_file()
    return output


@pytest.fixture(scope="module")
def evolved_fake(generated: Path) -> Iterator[str]:
    """A `kapso-fake` process whose generated package is the evolved one."""
    env = {"PYTHONPATH": str(generated)}
    with serve_process("--contacts", "400", "--api-key", KEY, env=env) as server:
        yield server.base_url


def _suite(base_url: str, cwd: Path, pythonpath: Path | None) -> SuiteRun:
    env = {"KAPSO_BASE_URL": base_url, "KAPSO_API_KEY": KEY, "KAPSO_CONTRACT_SEED": "1"}
    return run_suite(cwd, env, "-p", "no:cacheprovider", pythonpath=pythonpath)


def _findings(junit: str) -> tuple[dict[str, list[str]], set[str], list[str]]:
    """(violations by spec location, spec locations of mismatches, failures naming none)."""
    violations: dict[str, list[str]] = {}
    mismatches: set[str] = set()
    unlocated: list[str] = []
    for case in ET.fromstring(junit).iter("testcase"):
        for tag in ("failure", "skipped"):
            found = case.find(tag)
            if found is None:
                continue
            message = found.get("message") or ""
            locations = set(_LOCATION.findall(message))
            if tag == "failure":
                for location in locations:
                    violations.setdefault(location, []).append(message)
                if not locations:
                    unlocated.append(f"{case.get('name')}: {(found.text or message)[:2000]}")
            elif "assumption mismatch" in message:
                mismatches |= locations
    return violations, mismatches, unlocated


def test_the_client_of_the_evolved_package_accepts_the_new_limit(
    generated: Path, evolved_fake: str
) -> None:
    program = (
        "from kapso_contacts import KapsoContacts\n"
        f"with KapsoContacts(base_url={evolved_fake!r}, api_key={KEY!r}) as kapso:\n"
        f"    print(len(kapso.list_contacts(limit={NEW_LIMIT}).data))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        env={**os.environ, "PYTHONPATH": str(generated)},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(NEW_LIMIT)
    # The client of the original spec refuses it before sending anything.
    with pytest.raises(InvalidParameterError, match="limit"):
        KapsoContacts(base_url=evolved_fake, api_key=KEY).list_contacts(limit=NEW_LIMIT)


def test_the_suite_of_the_evolved_spec_passes_against_the_fake_it_generated(
    generated: Path, evolved_fake: str, tmp_path: Path
) -> None:
    run = _suite(evolved_fake, tmp_path, generated)
    assert run.returncode == 0, run.output[-4000:]
    assert "0 failed, 0 with assumption mismatches only" in run.output
    # The new filter is checked too: the coverage summary names its recipe.
    assert "username_contains, a real piece" in run.output


def test_the_original_suite_reports_exactly_the_expected_differences(
    evolved_fake: str, tmp_path: Path
) -> None:
    run = _suite(evolved_fake, tmp_path, None)
    assert run.returncode == 1, run.output[-4000:]
    violations, mismatches, unlocated = _findings(run.junit)
    limit, page = ORIGINAL.parameters["limit"], ORIGINAL.parameters["page"]
    legacy = ORIGINAL.pagination.legacy
    # Documented bounds the evolved server no longer keeps: contract violations...
    assert set(violations) == {
        limit.source_of("maximum").location,
        page.source_of("maximum").location,
        legacy.provenance.location,
    }
    # ...and, from the same raised page maximum, a Link to a next page past the
    # original's last one (the legacy mode's own promise: links only to pages served).
    for message in violations[legacy.provenance.location]:
        assert "rel=next exactly when a page follows" in message, message
        assert f"page {legacy.max_page} of {legacy.max_page}" in message, message
    # Schemathesis' own failures name no location; each is one of those bounds.
    for failure in unlocated:
        assert "test_schema_contract" in failure, failure
        assert re.search(r"[?&](limit=(10[1-9]|1[1-9]\d|2\d\d)|page=(5[1-9]|[6-9]\d))", failure)
    # Assumptions the evolved server reads otherwise: mismatches naming where to edit.
    rule = next(r for r in ORIGINAL.rules if r.id == "legacy-with-cursor")
    assert mismatches == {page.source_of("minimum").location, rule.provenance.location}
    # The new field is drift; the new filter is unknown to the original suite.
    assert "field Contact.language" in run.output
    assert "username" not in "".join(unlocated)
