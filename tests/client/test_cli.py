"""``kapso-contacts``: options, formats, streams, progress and exit codes."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from click.testing import CliRunner, Result

from kapso_contacts.cli import CliOverrides, ExitCode, cli
from kapso_fake.testing import free_port

from .conftest import BASE_URL, KEY, FakeTime, Stub, contact, offset_cursor

ENV = {"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": BASE_URL}


def _run(
    args: list[str],
    stub: Stub | None = None,
    fake_time: FakeTime | None = None,
    env: dict[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Result:
    overrides = CliOverrides(
        transport=transport or (stub.transport() if stub else None),
        retry_policy=(fake_time or FakeTime()).policy(),
    )
    return CliRunner().invoke(cli, args, env=ENV if env is None else env, obj=overrides)


def test_help_shows_examples_and_exit_codes() -> None:
    for args in (["--help"], ["list", "--help"]):
        result = _run(args)
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert "kapso-contacts list --all --format jsonl > contacts.jsonl" in result.stdout
        assert "3 authentication" in result.stdout


def test_list_help_names_every_filter_and_the_environment() -> None:
    text = _run(["list", "--help"]).stdout
    for option in (
        "--customer-id",
        "--customer-external-id",
        "--has-customer",
        "--profile-name-contains",
        "--wa-id-contains",
        "--business-scoped-user-id",
        "--created-after",
        "--created-before",
        "--limit",
        "--after",
        "--all",
        "--format",
        "KAPSO_API_KEY",
        "KAPSO_BASE_URL",
    ):
        assert option in text


def test_exit_codes_are_the_documented_numbers() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "FAILURE": 1,
        "USAGE": 2,
        "AUTHENTICATION": 3,
        "API_ERROR": 4,
        "CONNECTION": 5,
        "INTERRUPTED": 130,
    }


def test_usage_lines_name_the_program() -> None:
    assert _run(["list", "--limit", "0"]).stderr.startswith("Usage: kapso-contacts list")


def test_version() -> None:
    result = _run(["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("kapso-contacts, version ")


def test_every_filter_option_is_sent(stub: Stub) -> None:
    result = _run(
        [
            "list",
            "--customer-id=c1",
            "--customer-external-id=crm-1",
            "--has-customer=false",
            "--profile-name-contains=María",
            "--wa-id-contains=1555",
            "--business-scoped-user-id=bsu_1",
            "--created-after=2025-01-01",
            "--created-before=2025-02-01T10:00:00+02:00",
            "--limit=3",
        ],
        stub,
    )
    assert result.exit_code == 0, result.stderr
    assert dict(stub.requests[0].url.params) == {
        "limit": "3",
        "customer_id": "c1",
        "customer_external_id": "crm-1",
        "has_customer": "false",
        "profile_name_contains": "María",
        "wa_id_contains": "1555",
        "business_scoped_user_id": "bsu_1",
        "created_after": "2025-01-01T00:00:00+00:00",
        "created_before": "2025-02-01T10:00:00+02:00",
    }


def test_one_page_by_default_with_a_hint_on_stderr(stub: Stub) -> None:
    stub.total = 30
    result = _run(["list"], stub)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 20
    assert stub.requests[0].url.params["limit"] == "20"
    assert result.stderr == f"More contacts: add --after {offset_cursor(20)} or --all.\n"


def test_after_continues_from_a_cursor(stub: Stub) -> None:
    stub.total = 30
    result = _run(["list", "--after", offset_cursor(25)], stub)
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        contact(i)["id"] for i in range(25, 30)
    ]
    assert result.stderr == ""


def test_all_walks_every_page_100_at_a_time(stub: Stub) -> None:
    stub.total = 250
    result = _run(["list", "--all"], stub)
    assert result.exit_code == 0
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [contact(i)["id"] for i in range(250)]
    assert [r.url.params["limit"] for r in stub.requests] == ["100"] * 3
    assert result.stderr == ""


def test_jsonl_prints_the_contacts_as_the_api_sent_them(stub: Stub) -> None:
    stub.total = 2
    result = _run(["list", "--format", "jsonl"], stub)
    assert [json.loads(line) for line in result.stdout.splitlines()] == [contact(0), contact(1)]


def test_json_prints_one_array(stub: Stub) -> None:
    stub.total = 3
    result = _run(["list", "--all", "--limit", "2", "--format", "json"], stub)
    assert json.loads(result.stdout) == [contact(i) for i in range(3)]


def test_json_prints_an_empty_array_and_says_so_on_stderr(stub: Stub) -> None:
    stub.total = 0
    result = _run(["list", "--format", "json"], stub)
    assert json.loads(result.stdout) == []
    assert result.stderr == "No contacts found.\n"


def test_csv_has_a_header_and_metadata_as_json(stub: Stub) -> None:
    stub.total = 2
    result = _run(["list", "--format", "csv"], stub)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == [contact(0)["id"], contact(1)["id"]]
    assert json.loads(rows[1]["metadata"]) == {"n": 1}
    assert rows[0]["display_name"] == ""


def test_table_has_a_header_and_one_line_per_contact(stub: Stub) -> None:
    stub.total = 2
    result = _run(["list", "--format", "table"], stub)
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "ID",
        "WA",
        "ID",
        "PROFILE",
        "NAME",
        "DISPLAY",
        "NAME",
        "CREATED",
        "AT",
    ]
    assert lines[1].startswith(contact(0)["id"])
    assert "Contact 0" in lines[1]
    assert len(lines) == 3


def test_progress_goes_to_stderr_when_asked(stub: Stub) -> None:
    stub.total = 250
    result = _run(["list", "--all", "--progress"], stub)
    assert "\rFetched 100 contacts (1 pages)" in result.stderr
    assert result.stderr.endswith("Fetched 250 contacts (3 pages).\n")
    assert len(result.stdout.splitlines()) == 250


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--limit", "0"], "0 is not in the range 1<=x<=100"),
        (["list", "--limit", "101"], "1<=x<=100"),
        (["list", "--created-after", "yesterday"], "ISO 8601"),
        (["list", "--has-customer", "maybe"], "maybe"),
        (["list", "--format", "xml"], "xml"),
        (["list", "--after", "not a cursor"], "after must be a cursor"),
        (["lst"], "No such command"),
    ],
)
def test_usage_errors_exit_2_with_a_message(stub: Stub, args: list[str], message: str) -> None:
    result = _run(args, stub)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
    assert result.stdout == ""
    assert stub.requests == []


def test_a_missing_key_exits_3(stub: Stub) -> None:
    result = _run(["list"], stub, env={"KAPSO_BASE_URL": BASE_URL})
    assert result.exit_code == ExitCode.AUTHENTICATION
    assert "KAPSO_API_KEY" in result.stderr


def test_a_refused_key_exits_3(stub: Stub) -> None:
    stub.script.append(httpx.Response(401, json={"error": "Invalid API key"}))
    result = _run(["list"], stub)
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: 401 Unauthorized: Invalid API key.")
    assert result.stdout == ""


def test_an_api_error_after_retries_exits_4(stub: Stub, fake_time: FakeTime) -> None:
    stub.script += [httpx.Response(503, json={"error": "Service unavailable"})] * 3
    result = _run(["list", "--max-retries", "2"], stub, fake_time)
    assert result.exit_code == ExitCode.API_ERROR
    assert result.stderr == "Error: 503 Service Unavailable: Service unavailable. " + (
        "The server failed; try again later.\n"
    )
    assert len(stub.requests) == 3


def test_an_unreachable_server_exits_5() -> None:
    url = f"http://127.0.0.1:{free_port()}/platform/v1"
    result = _run(["list", "--max-retries", "0"], env={"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": url})
    assert result.exit_code == ExitCode.CONNECTION
    assert url in result.stderr


def test_ctrl_c_exits_130_after_flushing_what_was_printed(stub: Stub) -> None:
    stub.total = 250

    def interrupt_second_page(request: httpx.Request) -> httpx.Response:
        if "after" in request.url.params:
            raise KeyboardInterrupt
        return stub(request)

    result = _run(["list", "--all"], transport=httpx.MockTransport(interrupt_second_page))
    assert result.exit_code == ExitCode.INTERRUPTED
    assert len(result.stdout.splitlines()) == 100
    assert result.stderr == "Interrupted.\n"


def test_results_go_to_stdout_and_nothing_else_does(stub: Stub, fake_time: FakeTime) -> None:
    stub.total = 120
    stub.script += [httpx.Response(502, text="<html>bad gateway</html>"), httpx.ReadTimeout("x")]
    result = _run(["list", "--all", "--format", "jsonl"], stub, fake_time)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 120
