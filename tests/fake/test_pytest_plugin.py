"""The ``kapso_fake`` fixtures (kapso_fake.pytest_plugin), as a user's tests take them.

The plugin is registered by this project's own install, so these tests take
the fixtures as any user does; a user's whole suite runs in a subprocess for
the session fake and its configuration.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pytest

from kapso_contacts.contract import packaged_spec
from kapso_fake import create_app
from kapso_fake.pytest_plugin import DEFAULTS, INSTALL, KapsoFake, _started
from kapso_fake.pytest_plugin import pytest_runtest_teardown as after_each_test

from .conftest import CONTRACT

pytestmark = pytest.mark.loopback
REPO = Path(__file__).resolve().parents[2]


def _get(fake: KapsoFake, **params: Any) -> httpx.Response:
    return httpx.get(fake.server.url, headers={"X-API-Key": fake.api_key}, params=params)


def test_a_fresh_fake_serves_the_default_data_and_hides_its_key(kapso_fake: KapsoFake) -> None:
    assert kapso_fake.contacts == create_app(api_keys=["k"], contacts=100, seed=1).store.listing()
    assert len(kapso_fake.contacts) == DEFAULTS["contacts"]
    assert kapso_fake.api_key not in repr(kapso_fake)
    assert kapso_fake.base_url == kapso_fake.server.base_url
    assert kapso_fake.server.url == kapso_fake.base_url + CONTRACT.operation_path
    assert kapso_fake.requests == []  # the launcher's readiness probe is not the test's
    assert _get(kapso_fake, limit=100).json()["data"] == kapso_fake.contacts


@pytest.mark.kapso_fake(contacts=7, seed=3, readings={"x-kapso-order/1/direction": "ascending"})
def test_the_marker_sets_the_data_and_the_readings(kapso_fake: KapsoFake) -> None:
    expected = create_app(api_keys=["k"], contacts=7, seed=3, readings={
        "x-kapso-order/1/direction": "ascending"}).store.listing()  # fmt: skip
    assert kapso_fake.contacts == expected
    assert not kapso_fake.app.contract.order[1].descending


@pytest.mark.kapso_fake(spec="openapi/contacts.yaml", contacts=3)
def test_the_marker_takes_a_spec_relative_to_the_rootdir(kapso_fake: KapsoFake) -> None:
    assert kapso_fake.app.contract.file == str(REPO / "openapi" / "contacts.yaml")
    assert len(kapso_fake.contacts) == 3


@pytest.mark.kapso_fake(contacts=0, new_contacts_per_minute=60_000)
def test_the_marker_makes_a_live_account(kapso_fake: KapsoFake) -> None:
    time.sleep(0.05)  # a thousand a second
    now = len(kapso_fake.contacts)  # live: what the next request would be served
    assert now >= 20
    assert int(_get(kapso_fake).headers["x-total"]) >= now


def test_contacts_is_what_the_fake_serves_now(kapso_fake: KapsoFake) -> None:
    added = kapso_fake.add_contact(profile_name="Zoë Añez", metadata={"vip": True})
    assert kapso_fake.contacts[0] == added
    assert _get(kapso_fake, limit=1).json()["data"] == [added]
    assert len(kapso_fake.add_contacts(5)) == 5
    assert len(kapso_fake.contacts) == DEFAULTS["contacts"] + 6
    assert kapso_fake.listing(profile_name_contains="zoë añez") == [added]
    kapso_fake.clear()
    assert kapso_fake.contacts == [] and _get(kapso_fake).json()["data"] == []


def test_each_test_gets_fresh_data(kapso_fake: KapsoFake) -> None:
    assert len(kapso_fake.contacts) == DEFAULTS["contacts"]  # the test above cleared its own


def test_requests_records_what_was_sent_with_the_key_masked(kapso_fake: KapsoFake) -> None:
    _get(kapso_fake, limit=5, has_customer="true")
    httpx.get(kapso_fake.server.url, params={"limit": 0})
    first, second = kapso_fake.requests
    assert (first.method, first.path, first.status) == ("GET", CONTRACT.path, 200)
    assert dict(first.query) == {"limit": "5", "has_customer": "true"}
    assert first.headers["x-api-key"] == "***"
    assert kapso_fake.api_key not in repr(kapso_fake.requests)
    assert second.status == 401 and "x-api-key" not in second.headers
    kapso_fake.clear_requests()
    assert kapso_fake.requests == []


def test_faults_and_a_rate_limit_switch_on_and_off(kapso_fake: KapsoFake) -> None:
    kapso_fake.inject_faults(kinds=("503",))
    assert _get(kapso_fake).status_code == 503
    kapso_fake.inject_faults(rate=0)
    kapso_fake.rate_limit(2, window_seconds=60)
    limited = [_get(kapso_fake) for _ in range(3)]
    assert [r.status_code for r in limited] == [200, 200, 429]
    assert 0 < int(limited[2].headers["retry-after"]) <= 60
    kapso_fake.rate_limit(None)
    assert _get(kapso_fake).status_code == 200
    with pytest.raises(ValueError, match="fault kinds"):
        kapso_fake.inject_faults(kinds=("418",))


def test_the_shared_fake_is_reset_after_each_test(kapso_fake_session: KapsoFake) -> None:
    kapso_fake_session.inject_faults(kinds=("500",))
    kapso_fake_session.rate_limit(1)
    _get(kapso_fake_session)
    after_each_test(type("Item", (), {"funcargs": {"kapso_fake_session": kapso_fake_session}})())
    assert kapso_fake_session.requests == []
    assert [_get(kapso_fake_session).status_code for _ in range(3)] == [200, 200, 200]


def test_without_the_fake_extra_a_test_fails_in_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(pytest.fail.Exception) as failed, _started(DEFAULTS, tmp_path):
        pass
    assert str(failed.value) == f"the kapso_fake fixture needs the [fake] extra: {INSTALL}"
    assert not failed.value.pytrace


def test_loading_the_plugin_imports_nothing_of_the_fake() -> None:
    code = (
        "import sys, kapso_fake.pytest_plugin; "
        "print(sorted({'uvicorn', 'sqlite3', 'httpx', 'kapso_fake.app'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- a user's suite ---------------------------------------------------------------

USER_CONFTEST = """
import pytest


@pytest.fixture(scope="session")
def kapso_fake_config():
    return {"contacts": 12, "seed": 4, "spec": "spec.json"}
"""

USER_TESTS = """
import httpx
import pytest

SEEN = []


def get(fake):
    return httpx.get(fake.server.url, headers={"X-API-Key": fake.api_key})


def test_one_shares_the_fake(kapso_fake_session):
    SEEN.append(kapso_fake_session)
    assert len(kapso_fake_session.contacts) == 12
    assert kapso_fake_session.app.contract.pagination.cursor.limit.maximum == 7
    kapso_fake_session.inject_faults(kinds=("503",))
    assert get(kapso_fake_session).status_code == 503


def test_two_gets_it_back_reset(kapso_fake_session):
    assert kapso_fake_session is SEEN[0]
    assert kapso_fake_session.requests == []
    assert get(kapso_fake_session).status_code == 200


@pytest.mark.kapso_fake(size=3)
def test_a_wrong_option(kapso_fake):
    pass


@pytest.mark.kapso_fake(contacts="many")
def test_a_wrong_value(kapso_fake):
    pass


@pytest.mark.kapso_fake(5)
def test_a_positional_value(kapso_fake):
    pass


@pytest.mark.kapso_fake(readings={"x-kapso-order/1/direction": "sideways"})
def test_a_wrong_reading(kapso_fake):
    pass
"""


def run_pytest(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run pytest as a user would, in a fresh process, without the caller's KAPSO_* settings."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KAPSO_")}
    # schemathesis' plugin (a dev dependency here) costs a second a run and is not the user's.
    quiet = ["-q", "-p", "no:cacheprovider", "-p", "no:schemathesis"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *quiet, *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def test_a_user_suite_shares_one_configured_fake_and_gets_one_line_errors(tmp_path: Path) -> None:
    spec = packaged_spec()
    operation = spec["paths"][CONTRACT.operation_path]["get"]
    limit = next(p for p in operation["parameters"] if p["name"] == "limit")
    limit["schema"]["maximum"] = 7
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    (tmp_path / "conftest.py").write_text(USER_CONFTEST, encoding="utf-8")
    (tmp_path / "test_user.py").write_text(USER_TESTS, encoding="utf-8")
    done = run_pytest("--junitxml=report.xml", "--strict-markers", cwd=tmp_path)
    cases = {
        case.get("name"): [(child.tag, child.get("message", "")) for child in case]
        for case in ET.parse(tmp_path / "report.xml").iter("testcase")
    }
    assert cases["test_one_shares_the_fake"] == cases["test_two_gets_it_back_reset"] == [], (
        done.stdout
    )
    expected = {
        "test_a_wrong_option": "@pytest.mark.kapso_fake: unknown size (takes contacts=, seed=,",
        "test_a_wrong_value": "@pytest.mark.kapso_fake: contacts must be an integer, got 'many'",
        "test_a_positional_value": "@pytest.mark.kapso_fake: unknown 5 (takes contacts=,",
        "test_a_wrong_reading": 'kapso_fake: x-kapso-order/1/direction reads one of "descending"',
    }
    for name, message in expected.items():
        ((tag, text),) = cases[name]
        assert tag == "error" and text.startswith(f'failed on setup with "Failed: {message}'), text
        assert "\n" not in text
