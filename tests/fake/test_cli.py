"""``kapso-fake``'s command line: options reach the app, bad input is one line and exit 2.

``uvicorn.run`` is replaced by a recorder: nothing listens; the app it would
serve is driven in process.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import uvicorn

import kapso_fake.cli as cli
from kapso_fake import FakeApp, create_app

from .conftest import CONTRACT, KEY, PATH, Item, client_for, walk


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What ``main`` hands to uvicorn (nothing when it stops before)."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs, app=app))
    return seen


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``kapso-fake argv`` expecting exit 2; return its stderr."""
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_given_keys_and_options_reach_the_app_and_no_key_is_printed(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["--port", "9999", "--contacts", "25", "--seed", "3", "--shape", "dense",
              "--api-key", "sekrit-1", "--api-key", "sekrit-2", "--rate-limit", "7",
              "--rate-window", "2.5", "--log-level", "warning"])  # fmt: skip
    out = capsys.readouterr()
    assert "sekrit" not in out.out + out.err
    assert (served["host"], served["port"], served["log_level"]) == ("127.0.0.1", 9999, "warning")
    app: FakeApp = served["app"]
    assert app.store.listing() == create_app(api_keys=["k"], contacts=25, seed=3,
                                             shape="dense").store.listing()  # fmt: skip
    for key in ("sekrit-1", "sekrit-2"):
        with client_for(app, key=key) as client:
            response = client.get(PATH)
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "7"
    assert "25 contacts (seed 3, dense) loaded" in out.err


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


def test_fault_and_growth_options_reach_the_app(served: dict[str, Any]) -> None:
    cli.main(["--contacts", "5", "--api-key", "k", "--fault-rate", "1", "--fault-kinds", "503"])
    with client_for(served["app"], key="k") as client:
        assert client.get(PATH).status_code == 503
    cli.main(["--contacts", "5", "--api-key", "k", "--new-contacts-per-minute", "60000"])
    time.sleep(0.05)  # a thousand a second: dozens by now
    with client_for(served["app"], key="k") as client:
        assert int(client.get(PATH).headers["x-total"]) > 5


@pytest.mark.parametrize(("level", "logged"), [("info", True), ("debug", True), ("warning", False)])
def test_each_request_is_logged_from_info_on(
    served: dict[str, Any], level: str, logged: bool
) -> None:
    cli.main(["--contacts", "3", "--api-key", "k", "--log-level", level])
    assert served["access_log"] is logged
    assert served["server_header"] is False


@pytest.mark.parametrize(
    "argv",
    [["--fault-rate", "2"], ["--fault-rate", "x"], ["--rate-limit", "0"], ["--contacts", "-1"],
     ["--port", "70000"], ["--log-level", "loud"], ["--fault-kinds", "500,418"],
     ["--rate-window", "0"], ["--mutant", "no-such-mutant"]],
)  # fmt: skip
def test_a_bad_option_is_a_usage_error(
    served: dict[str, Any], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert "Usage: kapso-fake" in _refused(["--api-key", "k", *argv], capsys)
    assert "app" not in served


def test_contacts_has_an_upper_bound_that_says_why(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(["--contacts", "1000000000"], capsys)
    assert "at most 2,000,000, got 1,000,000,000" in err
    assert "held in memory, about 1.2 GB a million" in err
    assert "app" not in served
    assert "1.2 GB" in cli.serve.get_help(cli.serve.make_context("kapso-fake", []))


def test_db_is_gone(served: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert "No such option '--db'" in _refused(["--db", "fake.db"], capsys)


def test_without_the_fake_extra_it_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    err = _one_line(_refused(["--contacts", "1"], capsys))
    assert err == 'kapso-fake needs the [fake] extra: pip install "kapso-contacts[fake]"'


# -- readings -------------------------------------------------------------------


def test_readings_are_listed_one_a_line_as_reading_takes_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli.main(["--list-readings"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(CONTRACT.assumptions)
    for line, fact in zip(lines, CONTRACT.assumptions, strict=True):
        pointer, value = line.split("  (or ")[0].split("=", 1)
        assert (pointer, json.loads(value)) == (CONTRACT.relative(fact.pointer), fact.raw)


def test_readings_reach_the_app(served: dict[str, Any]) -> None:
    cli.main(["--api-key", "k", "--reading", "x-kapso-order/1/direction=ascending",
              "--reading", "x-kapso-pagination/one-envelope=false",
              "--reading", 'x-kapso-rules/0/effect={"ignore": ["after"]}'])  # fmt: skip
    contract = served["app"].contract
    assert not contract.order[1].descending
    assert contract.pagination.one_envelope.value is False
    assert contract.rules[0].effect.value == ("after",)


@pytest.mark.parametrize(
    ("reading", "problem"),
    [("x-kapso-order/0/direction=ascending",
      "--reading no assumed fact with readings at x-kapso-order/0/direction (known: x-kapso-"),
     ("nope=1", "--reading no assumed fact with readings at nope (known: "),
     ("x-kapso-order/1/direction=sideways",
      '--reading x-kapso-order/1/direction reads one of "descending", "ascending"'),
     ("x-kapso-refusal/status=418", "--reading x-kapso-refusal/status reads one of 400, 422"),
     ("no-equals-sign", "--reading no-equals-sign: expected POINTER=VALUE")],
)  # fmt: skip
def test_a_reading_the_spec_does_not_list_is_one_line(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str], reading: str, problem: str
) -> None:
    line = _one_line(_refused(["--api-key", "k", "--reading", reading], capsys))
    assert line.startswith("Error: ") and problem in line
    assert "app" not in served


# -- --data -------------------------------------------------------------------


PLUS_TWO = timezone(timedelta(hours=2))


@pytest.fixture(scope="module")
def exported() -> list[Item]:
    """What `kapso-contacts list --all --format jsonl` writes for a fake (one item a line)."""
    return create_app(api_keys=[KEY], contacts=120, seed=9).store.listing()


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_data_serves_an_export_as_it_is(
    served: dict[str, Any], tmp_path: Path, exported: list[Item]
) -> None:
    lines = [json.dumps(item, ensure_ascii=False) for item in exported]
    # A field the spec does not list is kept; a null field left out is served as null.
    lines[3] = json.dumps({**exported[3], "vip_level": 3, "tags": ["a"]})
    lines[5] = json.dumps({k: v for k, v in exported[5].items() if v is not None})
    lines.insert(7, "")
    cli.main(["--data", str(_jsonl(tmp_path / "contacts.jsonl", lines)), "--api-key", KEY])
    app: FakeApp = served["app"]
    expected = [*exported[:3], {**exported[3], "vip_level": 3, "tags": ["a"]}, *exported[4:]]
    assert app.store.listing() == expected
    with client_for(app) as client:
        assert walk(client, {}, limit=7) == expected
        legacy = client.get(PATH, params={"per_page": 100, "page": 2}).json()
        assert legacy["data"] == expected[100:]
        owner = next(c["customer_id"] for c in expected if c["customer_id"])
        assert walk(client, {"customer_id": owner}, limit=3) == [
            c for c in expected if c["customer_id"] == owner
        ]


def _broken(item: Item, **changes: Any) -> str:
    return json.dumps({**item, **changes})


@pytest.mark.parametrize(
    ("line", "problem"),
    [("{not json", "not JSON"), ('["a list"]', "not a JSON object"), ("42", "not a JSON object"),
     (None, "wa_id must be string or null, got integer"),
     ("{}", "missing id, created_at"), ('{"id": "x"}', "missing created_at"),
     (None, "created_at")],
)  # fmt: skip
def test_a_line_that_is_not_an_item_is_one_line_naming_the_file_and_line(
    served: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    exported: list[Item],
    line: str | None,
    problem: str,
) -> None:
    if line is None:
        broken = {"wa_id": 15551234567} if "wa_id" in problem else {"created_at": "yesterday"}
        line = _broken(exported[1], **broken)
    lines = [json.dumps(exported[0]), "", line, json.dumps(exported[2])]
    data = _jsonl(tmp_path / "contacts.jsonl", lines)
    error = _one_line(_refused(["--data", str(data), "--api-key", "k"], capsys))
    assert error.startswith(f"Error: {data} line 3: ") and problem in error, error
    assert "item 2" not in error
    assert "app" not in served


@pytest.mark.parametrize(
    "spelling",
    [lambda stamp: stamp, lambda stamp: stamp[:-1] + "+00:00",
     lambda stamp: datetime.fromisoformat(stamp).astimezone(PLUS_TWO).isoformat()],
    ids=["as-written", "+00:00", "+02:00"],
)  # fmt: skip
def test_a_second_item_at_one_place_in_the_listing_names_both_lines(
    served: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    exported: list[Item],
    spelling: Any,
) -> None:
    twin = {**exported[0], "created_at": spelling(exported[0]["created_at"]), "profile_name": "B"}
    lines = [json.dumps(exported[0]), json.dumps(exported[1]), json.dumps(twin)]
    data = _jsonl(tmp_path / "twice.jsonl", lines)
    error = _one_line(_refused(["--data", str(data), "--api-key", "k"], capsys))
    assert error == f"Error: {data} line 3: the same created_at, id as line 1"
    assert "app" not in served


def test_a_data_file_that_cannot_be_read_is_a_usage_error(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert "does not exist" in _refused(["--data", str(tmp_path / "none.jsonl")], capsys)
    binary = tmp_path / "contacts.db"
    binary.write_bytes(b"SQLite format 3\x00\xff\xfe\x00\x01")
    error = _one_line(_refused(["--data", str(binary), "--api-key", "k"], capsys))
    assert error.startswith(f"Error: {binary} line 1: not JSON")


# -- --spec -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [("nope: [", "expected the node content"), ("openapi: 3.1.0\npaths: {}\n", "no single GET"),
     ("[]", "not an OpenAPI document")],
)  # fmt: skip
def test_a_spec_that_cannot_be_served_is_one_line(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str,
    problem: str,
) -> None:  # fmt: skip
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    error = _one_line(_refused(["--spec", str(spec), "--api-key", "k"], capsys))
    assert error.startswith(f"Error: {spec}: ") and problem in error
