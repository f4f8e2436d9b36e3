"""The `kapso_fake` fixture (kapso_fake.pytest_plugin), as a user's tests take it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kapso_contacts import InternalServerError, KapsoContacts
from kapso_fake import ContactStore, generate_dataset
from kapso_fake.pytest_plugin import DEFAULTS, KapsoFake, _options, _require_the_fake_extra

pytestmark = pytest.mark.loopback

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "downstream"


def _client(fake: KapsoFake, max_retries: int | None = None) -> KapsoContacts:
    return KapsoContacts(base_url=fake.base_url, api_key=fake.api_key, max_retries=max_retries)


def test_the_client_lists_what_the_fake_was_seeded_with(kapso_fake: KapsoFake) -> None:
    assert len(kapso_fake.contacts) == DEFAULTS["contacts"]
    assert kapso_fake.api_key not in repr(kapso_fake)
    with _client(kapso_fake) as kapso:
        ids = [str(c.id) for c in kapso.iter_contacts(limit=30)]
    assert ids == [c["id"] for c in kapso_fake.contacts]


@pytest.mark.kapso_fake(contacts=7, seed=3)
def test_the_marker_sets_the_size_and_the_seed(kapso_fake: KapsoFake) -> None:
    expected = ContactStore.from_dataset(generate_dataset(7, 3)).matching()
    assert kapso_fake.contacts == expected
    assert kapso_fake.listing() == expected


def test_contacts_added_or_cleared_while_serving(kapso_fake: KapsoFake) -> None:
    added = kapso_fake.add_contact(profile_name="Zoë Añez", metadata={"vip": True})
    with _client(kapso_fake) as kapso:
        newest = next(iter(kapso.iter_contacts()))
        assert (str(newest.id), newest.profile_name) == (added["id"], "Zoë Añez")
        assert len(kapso_fake.add_contacts(5, seed=1)) == 5
        assert len(list(kapso.iter_contacts(limit=100))) == DEFAULTS["contacts"] + 6
        kapso_fake.clear()
        assert list(kapso.iter_contacts()) == []


def test_each_test_gets_fresh_data(kapso_fake: KapsoFake) -> None:
    # The test above cleared its fake; this one is seeded again.
    assert len(kapso_fake.listing()) == DEFAULTS["contacts"]


def test_faults_and_a_rate_limit_switch_on_and_off_while_serving(kapso_fake: KapsoFake) -> None:
    headers = {"X-API-Key": kapso_fake.api_key}
    with httpx.Client(headers=headers, timeout=10) as http:
        kapso_fake.inject_faults(rate=1.0, kinds=("503",))
        assert http.get(kapso_fake.server.url).status_code == 503
        with _client(kapso_fake, max_retries=0) as kapso, pytest.raises(InternalServerError):
            kapso.list_contacts()
        kapso_fake.inject_faults(rate=0)
        kapso_fake.rate_limit(2, window_seconds=60)
        statuses = [http.get(kapso_fake.server.url).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        kapso_fake.rate_limit(None)
        assert http.get(kapso_fake.server.url).status_code == 200


@pytest.mark.parametrize(
    ("mark", "problem"),
    [(pytest.mark.kapso_fake(size=3), "size"), (pytest.mark.kapso_fake(5), "positional"),
     (pytest.mark.kapso_fake(contacts="5"), "integers")],
)  # fmt: skip
def test_a_wrong_marker_is_a_usage_error(mark: pytest.MarkDecorator, problem: str) -> None:
    with pytest.raises(pytest.UsageError, match=problem):
        _options(mark.mark)


def test_without_the_fake_extra_the_fixture_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(pytest.fail.Exception, match=r"install kapso-contacts\[fake\]"):
        _require_the_fake_extra()


def test_loading_the_plugin_imports_no_web_server() -> None:
    code = (
        "import sys, kapso_fake.pytest_plugin; "
        "print(sorted({'starlette', 'uvicorn', 'sqlite3'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run pytest as a user would, in a fresh process, without the caller's KAPSO_* settings."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KAPSO_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_downstream_example_passes() -> None:
    done = _pytest(cwd=EXAMPLE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout


def test_the_readme_s_fixture_example_passes_as_written(tmp_path: Path) -> None:
    section = (REPO / "README.md").read_text().split("### The `kapso_fake` fixture", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "kapso_fake.base_url" in example
    (tmp_path / "test_readme_example.py").write_text(example)
    done = _pytest("test_readme_example.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
