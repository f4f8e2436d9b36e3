"""The fake serves whatever contract the spec states: change a fact in a copy, the fake follows.

The acceptance test of the spec-driven fake: no Python edit between the two specs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from kapso_contacts.contract import Contract, load_contract
from kapso_fake import FakeApp, create_app

from .conftest import CONTRACT, KEY, PATH, client_for

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "contacts.yaml"
CONTACTS = 400


def _edited_spec(folder: Path) -> Path:
    """A copy of the spec with these facts changed (each one a different kind of fact)."""
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    operation = spec["paths"][CONTRACT.operation_path]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    params["limit"]["schema"]["maximum"] = 250
    params["page"]["schema"].update(minimum=0, maximum=80)
    operation["x-kapso-pagination"]["legacy"]["max-window"]["value"] = 8000
    rule = next(r for r in operation["x-kapso-rules"] if r["id"] == "legacy-with-cursor")
    rule.update(effect="ignore", ignore=["page", "per_page"])
    contact = spec["components"]["schemas"]["Contact"]["properties"]
    contact["language"] = {"type": ["string", "null"], "description": "Preferred language."}
    operation["parameters"].append(
        {
            "name": "username_contains",
            "in": "query",
            "description": "Filter by username (case-sensitive substring match).",
            "schema": {"type": "string"},
            "x-kapso-filter": {
                "field": "username",
                "match": "contains",
                "case": "sensitive",
                "assumed": "A test's filter.",
            },
        }
    )
    path = folder / "contacts.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    return load_contract(_edited_spec(tmp_path_factory.mktemp("spec")))


@pytest.fixture(scope="module")
def app(edited: Contract) -> FakeApp:
    return create_app(api_keys=[KEY], contacts=CONTACTS, seed=5, contract=edited)


@pytest.fixture(scope="module")
def client(app: FakeApp) -> Any:
    with client_for(app) as c:
        yield c


def _data(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_a_larger_limit_is_served_in_full(client: httpx.Client, app: FakeApp) -> None:
    assert len(_data(client.get(PATH, params={"limit": 250}))) == 250
    assert client.get(PATH, params={"limit": 251}).json()["parameter"] == "limit"
    # The shipped spec still refuses it: the fake follows the contract it is given.
    with client_for(create_app(api_keys=[KEY], contacts=5)) as shipped:
        assert shipped.get(PATH, params={"limit": 250}).status_code == 400


def test_the_larger_legacy_limits_are_served(client: httpx.Client, app: FakeApp) -> None:
    page_60 = _data(client.get(PATH, params={"page": 60, "per_page": 5}))
    assert page_60 == app.store.matching()[295:300]
    assert client.get(PATH, params={"page": 80, "per_page": 100}).status_code == 200
    refused = client.get(PATH, params={"page": 81}).json()
    assert (refused["max_page"], refused["max_window"]) == (80, 8000)


def test_page_zero_is_the_first_page(client: httpx.Client, edited: Contract) -> None:
    first = edited.pagination.legacy.first_page
    zero = client.get(PATH, params={"page": 0, "per_page": 10})
    assert zero.json()["meta"]["page"] == first
    assert zero.headers["x-page"] == str(first)
    assert _data(zero) == _data(client.get(PATH, params={"page": first, "per_page": 10}))
    assert client.get(PATH, params={"page": -1}).json()["parameter"] == "page"


def test_page_next_to_limit_is_ignored(client: httpx.Client) -> None:
    mixed = client.get(PATH, params={"limit": 5, "page": 3, "per_page": 7})
    assert set(mixed.json()) == {"data", "paging"}
    assert _data(mixed) == _data(client.get(PATH, params={"limit": 5}))


def test_the_new_field_is_served_as_null(client: httpx.Client, app: FakeApp) -> None:
    contacts = _data(client.get(PATH, params={"limit": 100}))
    assert all(c["language"] is None for c in contacts)
    assert list(contacts[0])[-1] == "language"  # the spec's order
    assert app.store.add_contact(profile_name="Ana", language="pt-BR")["language"] == "pt-BR"


def test_the_new_filter_filters(client: httpx.Client, app: FakeApp) -> None:
    everyone = app.store.matching()
    for needle in ("a", "S", ".1", "zz"):
        expected = [c for c in everyone if c["username"] is not None and needle in c["username"]]
        walked: list[dict[str, Any]] = []
        query: dict[str, str | int] = {"username_contains": needle, "limit": 250}
        while True:
            body = client.get(PATH, params=query).json()
            walked += body["data"]
            if body["paging"]["next"] is None:
                break
            query["after"] = body["paging"]["next"]
        assert walked == expected, needle
    assert app.store.matching(username_contains="a") == [
        c for c in everyone if c["username"] is not None and "a" in c["username"]
    ]
