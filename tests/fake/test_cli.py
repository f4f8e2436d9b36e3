"""``kapso-fake``'s command line, without starting a server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner

import kapso_fake.cli as cli
from kapso_contacts.cli import CliOverrides
from kapso_contacts.cli import cli as contacts_cli
from kapso_fake import FakeApp, create_app
from kapso_fake._access_log import AccessLog
from kapso_fake.testing import SyncASGITransport

from .conftest import CONTRACT, KEY, PATH, client_for, walk_cursor


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Capture what ``main`` would hand to uvicorn."""
    seen: dict[str, Any] = {}

    def run(app: FakeApp | AccessLog, **kwargs: Any) -> None:
        # At the default log level the app is served behind the access log.
        seen.update(kwargs, app=app.app if isinstance(app, AccessLog) else app)

    monkeypatch.setattr(uvicorn, "run", run)
    return seen


def test_given_keys_are_used_and_never_printed(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["--port", "9999", "--contacts", "25", "--seed", "3", "--api-key", "sekrit-1",
              "--api-key", "sekrit-2", "--rate-limit", "7", "--log-level", "warning"])  # fmt: skip
    out = capsys.readouterr()
    assert "sekrit" not in out.out + out.err
    assert served["host"] == "127.0.0.1"
    assert served["port"] == 9999
    assert served["log_level"] == "warning"
    app = served["app"]
    assert app.state.store.count() == 25
    for key in ("sekrit-1", "sekrit-2"):
        with client_for(app, key=key) as client:
            response = client.get(PATH)
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "7"


def test_without_a_key_one_is_generated_and_printed_once(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["--contacts", "5"])
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "generated API key" in x)
    key = line.rsplit(": ", 1)[1]
    assert err.count(key) == 1
    with client_for(served["app"], key=key) as client:
        assert client.get(PATH).status_code == 200


def test_fault_options_reach_the_app(served: dict[str, Any]) -> None:
    cli.main(["--contacts", "5", "--api-key", "k", "--fault-rate", "1", "--fault-kinds", "503"])
    with client_for(served["app"], key="k") as client:
        assert client.get(PATH).status_code == 503


@pytest.mark.parametrize(
    "argv",
    [["--fault-rate", "2"], ["--fault-rate", "x"], ["--rate-limit", "0"], ["--contacts", "-1"],
     ["--port", "70000"], ["--log-level", "loud"]],
)  # fmt: skip
def test_bad_options_exit_with_usage(
    served: dict[str, Any], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    assert "Usage: kapso-fake" in capsys.readouterr().err


def test_unknown_fault_kind_is_a_usage_error_not_a_traceback(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--api-key", "k", "--fault-kinds", "500,418"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "fault kinds must be among" in err and "Traceback" not in err
    assert "app" not in served


def _exported(app: FakeApp, path: Path) -> Path:
    """What `kapso-contacts list --all --format jsonl` writes for ``app``'s contacts."""
    overrides = CliOverrides(transport=SyncASGITransport(app))
    env = {"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": "http://testserver" + CONTRACT.base_path}
    args = ["list", "--all", "--format", "jsonl"]
    done = CliRunner().invoke(contacts_cli, args, env=env, obj=overrides)
    assert done.exit_code == 0, done.output
    path.write_text(done.stdout, encoding="utf-8")
    return path


def test_data_serves_an_export_of_the_client_as_it_was(
    served: dict[str, Any], tmp_path: Path
) -> None:
    source = create_app(api_keys=[KEY], contacts=120, seed=9)
    exported = _exported(source, tmp_path / "contacts.jsonl")
    lines = exported.read_text(encoding="utf-8").splitlines()
    # A field the spec does not list is kept and served as given.
    lines[3] = json.dumps({**json.loads(lines[3]), "vip_level": 3, "tags": ["a"]})
    exported.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    cli.main(["--data", str(exported), "--api-key", KEY, "--contacts", "5"])
    app: FakeApp = served["app"]
    expected = [json.loads(line) for line in lines]
    assert app.store.matching() == expected
    with client_for(app) as client:
        assert walk_cursor(client, {}, limit=7) == expected
        legacy = client.get(PATH, params={"per_page": 100, "page": 2}).json()
        assert legacy["data"] == expected[100:]
        owner = next(c["customer_id"] for c in expected if c["customer_id"])
        mine = client.get(PATH, params={"customer_id": owner, "limit": 100}).json()["data"]
        assert mine == [c for c in expected if c["customer_id"] == owner]


@pytest.mark.parametrize(
    ("line", "problem"),
    [("{not json", "not JSON"), ('["a list"]', "expected an object, got array"),
     ('{"id": "x"}', "wa_id is missing"), (None, "wa_id must be string or null, got integer"),
     (None, "created_at is not a date-time")],
)  # fmt: skip
def test_a_bad_line_is_one_clear_error_naming_it(
    tmp_path: Path, line: str | None, problem: str
) -> None:
    good = create_app(api_keys=[KEY], contacts=3, seed=1).store.matching()
    if line is None:
        broken = dict(good[1])
        if "wa_id" in problem:
            broken["wa_id"] = 15551234567
        else:
            broken["created_at"] = "yesterday"
        line = json.dumps(broken)
    data = tmp_path / "contacts.jsonl"
    data.write_text("\n".join([json.dumps(good[0]), line, json.dumps(good[2])]), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kapso_fake", "--data", str(data), "--api-key", "k"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]  # one line
    assert f"{data} line 2" in done.stderr and problem in done.stderr
    assert "Traceback" not in done.stderr


def test_two_contacts_at_one_place_in_the_listing_are_refused(
    served: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contact = create_app(api_keys=[KEY], contacts=1, seed=1).store.matching()[0]
    data = tmp_path / "twice.jsonl"
    data.write_text(json.dumps(contact) + "\n" + json.dumps(contact) + "\n", "utf-8")
    with pytest.raises(SystemExit) as exited:
        cli.main(["--data", str(data), "--api-key", "k"])
    assert exited.value.code == 2
    assert "share a place in the listing" in capsys.readouterr().err
    assert "app" not in served
