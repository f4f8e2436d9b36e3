"""The fake serves whatever contract its spec states: change facts in a copy, the fake follows.

No Python edit between the two specs; ``kapso-fake --spec`` serves the copy too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from kapso_contacts.contract import Contract, load_contract
from kapso_fake import FakeApp, create_app
from kapso_fake.server import spawn

from .conftest import CONTRACT, KEY, PATH, client_for, walk

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "contacts.yaml"
HEADER = "X-Kapso-Key"


def _edited_spec(folder: Path) -> Path:
    """A copy of the spec with these facts changed (each one a different kind of fact)."""
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["servers"][0]["url"] = "https://api.example.com/platform/v9"
    spec["components"]["securitySchemes"]["apiKey"]["name"] = HEADER
    operation = spec["paths"][CONTRACT.operation_path]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    params["limit"]["schema"]["maximum"] = 250
    params["page"]["schema"].update(minimum=0, maximum=80)
    operation["x-kapso-pagination"]["legacy"]["max-window"]["value"] = 8000
    operation["x-kapso-order"][0]["direction"] = "ascending"
    operation["x-kapso-rules"][1]["effect"]["value"] = "refuse"
    contact = spec["components"]["schemas"]["Contact"]["properties"]
    contact["language"] = {"type": ["string", "null"], "x-kapso-sample": {"pool": 4}}
    operation["parameters"].append(
        {
            "name": "username_contains",
            "in": "query",
            "description": "Filter by username (case-sensitive substring match).",
            "schema": {"type": "string"},
            "x-kapso-filter": {"field": "username", "kind": "contains", "assumed": "A test's."},
        }
    )
    path = folder / "contacts.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _edited_spec(tmp_path_factory.mktemp("spec"))


@pytest.fixture(scope="module")
def edited(spec_file: Path) -> Contract:
    return load_contract(spec_file)


@pytest.fixture(scope="module")
def app(edited: Contract) -> FakeApp:
    return create_app(api_keys=[KEY], contacts=400, seed=5, contract=edited)


@pytest.fixture(scope="module")
def client(app: FakeApp) -> Iterator[httpx.Client]:
    with client_for(app) as c:
        yield c


def _data(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_it_is_served_at_its_own_path_with_its_own_key_header(
    client: httpx.Client, edited: Contract
) -> None:
    assert edited.path == "/platform/v9/whatsapp/contacts" != PATH
    assert client.get(edited.path).status_code == 200
    assert client.get(PATH).status_code == 404
    assert client.get(edited.path, headers={HEADER: "wrong"}).status_code == 401


def test_a_larger_limit_is_served_in_full(client: httpx.Client, edited: Contract) -> None:
    assert len(_data(client.get(edited.path, params={"limit": 250}))) == 250
    assert client.get(edited.path, params={"limit": 251}).json()["parameter"] == "limit"
    # The shipped spec still refuses it: the fake follows the contract it is given.
    with client_for(create_app(api_keys=[KEY], contacts=5)) as shipped:
        assert shipped.get(PATH, params={"limit": 250}).status_code == 400


def test_the_larger_legacy_limits_are_served(
    client: httpx.Client, app: FakeApp, edited: Contract
) -> None:
    page_60 = _data(client.get(edited.path, params={"page": 60, "per_page": 5}))
    assert page_60 == app.store.listing()[295:300]
    assert client.get(edited.path, params={"page": 80, "per_page": 100}).status_code == 200
    refused = client.get(edited.path, params={"page": 81}).json()
    assert (refused["max_page"], refused["max_window"]) == (80, 8000)


def test_page_zero_is_the_first_page(client: httpx.Client, edited: Contract) -> None:
    first = edited.pagination.legacy.first_page
    zero = client.get(edited.path, params={"page": 0, "per_page": 10})
    assert zero.json()["meta"]["page"] == first
    assert _data(zero) == _data(client.get(edited.path, params={"page": first, "per_page": 10}))
    assert client.get(edited.path, params={"page": -1}).json()["parameter"] == "page"


def test_the_order_is_oldest_first(client: httpx.Client, edited: Contract) -> None:
    walked = walk(client, {}, limit=250, contract=edited)
    stamps = [c["created_at"] for c in walked]
    assert stamps == sorted(stamps) and len(walked) == 400


def test_a_legacy_parameter_next_to_a_cursor_parameter_is_refused(
    client: httpx.Client, edited: Contract
) -> None:
    response = client.get(edited.path, params={"limit": 5, "page": 3})
    assert response.status_code == 400
    assert "cannot be used together" in response.json()["error"]


def test_the_new_field_is_drawn_and_served_in_the_spec_s_order(app: FakeApp) -> None:
    contacts = app.store.listing()
    assert all(list(c)[-1] == "language" for c in contacts)
    languages = {c["language"] for c in contacts}
    assert None in languages and 2 <= len(languages - {None}) <= 4  # a pool of 4
    assert app.add(profile_name="Ana", language="pt-BR")["language"] == "pt-BR"


def test_the_new_filter_filters(client: httpx.Client, app: FakeApp, edited: Contract) -> None:
    everyone = app.store.listing()
    for needle in ("a", "S", ".1", "zz"):
        expected = [c for c in everyone if c["username"] is not None and needle in c["username"]]
        assert walk(client, {"username_contains": needle}, limit=250, contract=edited) == expected
        assert app.store.listing(username_contains=needle) == expected


@pytest.mark.loopback
def test_kapso_fake_serves_another_spec(spec_file: Path, edited: Contract) -> None:
    with (
        spawn("--spec", str(spec_file), "--api-key", KEY, contract=edited) as running,
        httpx.Client(headers={HEADER: KEY}, timeout=10) as http,
    ):
        assert running.url.endswith("/platform/v9/whatsapp/contacts")
        served = http.get(running.url, params={"limit": 250})
        assert http.get(running.url, params={"limit": 251}).status_code == 400
    assert len(_data(served)) == 250
    assert [c["created_at"] for c in _data(served)] == sorted(
        c["created_at"] for c in _data(served)
    )
