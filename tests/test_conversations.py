"""The engine is generic: Kapso's List conversations runs through it by its spec alone.

`tests/specs/conversations.yaml` differs from contacts where Kapso's facts do
(keyset over `last_active_at`, an enum filter, a boolean filter on a field the
response does not carry that cannot be combined with another, time bounds on
two columns, a nested object), and no Python names it. Here the fake serves
it and the client's generic pager walks it past the legacy window, and the
mutation gauge catches the generic mutants of its catalogue, one of each
category of six (`make mutants ARGS="--spec tests/specs/conversations.yaml"` runs
them all). `tests/suite/test_conversations.py` shows the suite passing
against it in each reading of its assumptions.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kapso_contacts import ListClient
from kapso_contacts.contract import Contract, load_contract
from kapso_fake import create_app
from kapso_fake.mutants import catalogue
from kapso_fake.server import transport

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "specs" / "conversations.yaml"
KEY = "conversations-canary-key"
#: One mutant of each of these categories (the whole catalogue: `make mutants`).
CATEGORIES = ("filter", "cursor", "legacy", "rule", "identity", "pair")


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract(SPEC)


def test_the_client_s_pager_walks_it_past_the_legacy_window(contract: Contract) -> None:
    legacy = contract.pagination.legacy
    size = legacy.max_window.value + 150
    app = create_app(api_keys=[KEY], contract=contract, contacts=size, seed=4)
    with ListClient(
        contract=contract, base_url="http://fake" + contract.base_path, api_key=KEY,
        transport=transport(app),
    ) as client:  # fmt: skip
        ids = [item[contract.identity] for item in client.iter_items()]
        unassigned = list(client.iter_items(unassigned=True, status="active"))
    assert len(ids) == size > legacy.max_window.value
    assert ids == [item[contract.identity] for item in app.store.listing()]
    truth = app.store.listing(unassigned=True, status="active")
    assert [i[contract.identity] for i in unassigned] == [i[contract.identity] for i in truth]
    assert 0 < len(truth) < size


def test_a_request_naming_both_assignee_filters_gets_the_rule_s_answer(contract: Contract) -> None:
    app = create_app(api_keys=[KEY], contract=contract, contacts=50)
    rule = next(r for r in contract.rules if r.effect.value == "refuse")
    names = [group[0] for group in rule.groups]
    uuid = "550e8400-e29b-41d4-a716-446655440000"
    query = {n: "true" if contract.parameters[n].kind == "boolean" else uuid for n in names}
    with httpx.Client(transport=transport(app), headers={contract.api_key_header: KEY}) as http:
        answer = http.get("http://fake" + contract.path, params=query)
    assert answer.status_code == contract.refusal_status.value, answer.text


@pytest.mark.loopback
def test_the_gauge_catches_one_generic_mutant_of_each_category(
    tmp_path: Path, contract: Contract
) -> None:
    mutants = sorted(catalogue(contract).values(), key=lambda m: m.name, reverse=True)
    picked = {m.category: m.name for m in mutants if m.category in CATEGORIES}
    argv = [sys.executable, "-m", "scripts.gauge", "--spec", str(SPEC), "--seeds", "1",
            "--no-tight", "--out", str(tmp_path), "--only", *picked.values()]  # fmt: skip
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    report = json.loads((tmp_path / "mutants.json").read_text())
    verdicts = {run["mutant"]: run["verdict"] for run in report["runs"]}
    assert verdicts == {"": "passed", **dict.fromkeys(picked.values(), "killed")}, done.stdout
    assert sorted(picked) == sorted(CATEGORIES)
