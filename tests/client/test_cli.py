"""``kapso-contacts``: options from the spec, formats, streams, exit codes, resumable exports."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import signal
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

import kapso_contacts.cli as cli_module
from kapso_contacts import KapsoContacts
from kapso_contacts.cli import CliOverrides, ExitCode, build_cli, cli
from kapso_fake import FakeApp, create_app
from kapso_fake.server import free_port, transport

from .conftest import (
    BASE_URL,
    KEY,
    FakeTime,
    Stub,
    contact,
    contract_with,
    invoke_cli,
    offset_cursor,
)

RESUME = re.compile(r"--(after|before) (\S+)$")


def _ids(result: Result) -> list[str]:
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


# --------------------------------------------------------------------------- help


def test_help_shows_examples_exit_codes_and_every_option_from_the_spec() -> None:
    for args in (["--help"], ["list", "--help"]):
        result = invoke_cli(args)
        assert result.exit_code == 0
        assert "kapso-contacts list --all --format jsonl > contacts.jsonl" in result.stdout
    text = " ".join(invoke_cli(["list", "--help"]).stdout.split())
    for option in (
        "--customer-id TEXT",
        "--customer-external-id",
        "--has-customer [true|false]",
        "--profile-name-contains",
        "--wa-id-contains",
        "--business-scoped-user-id",
        "--created-after TIMESTAMP",
        "--created-before",
        "Contacts per request, 1-100 [default: 20; 100 with --all]",
        "--no-header",
        "KAPSO_API_KEY",
        "KAPSO_BASE_URL",
    ):
        assert option in text
    assert "2 usage (a bad option or value, also when the API refuses one: a 400, or a 404" in text
    assert "csv: add --no-header" in text


def test_exit_codes_and_version() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "FAILURE": 1,
        "USAGE": 2,
        "AUTHENTICATION": 3,
        "API_ERROR": 4,
        "CONNECTION": 5,
        "INTERRUPTED": 130,
    }
    assert invoke_cli(["--version"]).stdout.startswith("kapso-contacts, version ")


def test_a_filter_added_to_the_spec_appears_with_its_description(stub: Stub) -> None:
    description = "Only contacts whose username contains this (a filter added by this test)."

    def add(spec: dict[str, Any]) -> None:
        spec["paths"]["/whatsapp/contacts"]["get"]["parameters"].append(
            {
                "name": "username_contains",
                "in": "query",
                "description": description,
                "schema": {"type": "string"},
                "x-kapso-filter": {"field": "username", "kind": "contains", "assumed": "a test's"},
            }
        )

    command = build_cli(contract_with(add))
    runner = CliRunner()
    assert f"--username-contains TEXT {description}" in " ".join(
        runner.invoke(command, ["list", "--help"]).stdout.split()
    )
    env = {"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": BASE_URL}
    overrides = CliOverrides(transport=stub.transport())
    result = runner.invoke(
        command, ["list", "--username-contains", "maria"], env=env, obj=overrides
    )
    assert result.exit_code == 0, result.stderr
    assert stub.requests[0].url.params["username_contains"] == "maria"


# --------------------------------------------------------------------------- listing


def test_every_filter_option_is_sent(stub: Stub) -> None:
    result = invoke_cli(
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
        stub.transport(),
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


def test_one_page_by_default_then_the_cursor_to_continue_on_stderr(stub: Stub) -> None:
    stub.total = 30
    result = invoke_cli(["list"], stub.transport())
    assert result.exit_code == 0
    assert _ids(result) == [contact(i)["id"] for i in range(20)]
    assert result.stderr == f"More contacts: add --after {offset_cursor(20)} or --all.\n"
    rest = invoke_cli(["list", "--after", offset_cursor(20)], stub.transport())
    assert _ids(rest) == [contact(i)["id"] for i in range(20, 30)]
    assert rest.stderr == ""


def test_all_walks_every_page_100_at_a_time_printing_only_the_results(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.total = 250
    stub.script += [httpx.Response(502, text="<html>bad gateway</html>"), httpx.ReadTimeout("x")]
    result = invoke_cli(["list", "--all"], stub.transport(), fake_time.policy())
    assert result.exit_code == 0
    assert _ids(result) == [contact(i)["id"] for i in range(250)]
    assert [r.url.params["limit"] for r in stub.requests] == ["100"] * 5
    assert result.stderr == ""


def test_formats(stub: Stub) -> None:
    stub.total = 3
    jsonl = invoke_cli(["list", "--format", "jsonl"], stub.transport()).stdout
    assert [json.loads(line) for line in jsonl.splitlines()] == [contact(i) for i in range(3)]
    array = invoke_cli(["list", "--all", "--limit", "2", "--format", "json"], stub.transport())
    assert json.loads(array.stdout) == [contact(i) for i in range(3)]
    rows = list(
        csv.DictReader(
            io.StringIO(invoke_cli(["list", "--format", "csv"], stub.transport()).stdout)
        )
    )
    assert [row["id"] for row in rows] == [contact(i)["id"] for i in range(3)]
    assert json.loads(rows[1]["metadata"]) == {"n": 1}
    assert rows[0]["display_name"] == ""
    table = invoke_cli(["list", "--format", "table"], stub.transport()).stdout.splitlines()
    assert re.split(r"\s{2,}", table[0]) == [
        "ID",
        "WA ID",
        "PROFILE NAME",
        "DISPLAY NAME",
        "CREATED AT",
    ]
    assert table[1].startswith(contact(0)["id"]) and "Contact 0" in table[1]


def test_an_empty_listing_prints_an_empty_array_and_says_so(stub: Stub) -> None:
    stub.total = 0
    result = invoke_cli(["list", "--format", "json"], stub.transport())
    assert json.loads(result.stdout) == []
    assert result.stderr == "No contacts found.\n"


def test_progress_goes_to_stderr_when_asked(stub: Stub) -> None:
    stub.total = 250
    result = invoke_cli(["list", "--all", "--progress"], stub.transport())
    assert "\rFetched 100 contacts (1 pages)" in result.stderr
    assert result.stderr.endswith("Fetched 250 contacts (3 pages).\n")


def test_jsonl_writes_unknown_fields_and_one_line_per_contact_whatever_it_holds() -> None:
    item = {**contact(1), "profile_name": "line\u2028sep\x85next\nnl", "loyalty": {"tier": "gold"}}
    document = {"data": [item], "paging": {"cursors": {}, "next": None, "previous": None}}
    body = json.dumps(document, indent=2, ensure_ascii=False)
    answer = httpx.MockTransport(lambda request: httpx.Response(200, text=body))
    result = invoke_cli(["list", "--format", "jsonl"], answer)
    assert len(result.stdout.splitlines()) == 1  # splitlines splits on U+2028 and NEL too
    assert json.loads(result.stdout) == item


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["list", "--limit", "0"], {}, "0 is not in the range 1<=x<=100"),
        (["list", "--format", "xml"], {}, "xml"),
        (["list", "--has-customer", "maybe"], {}, "maybe"),
        (["lst"], {}, "No such command"),
        (
            ["list", "--after", "not a cursor"],
            {},
            "Error: after must be a cursor issued by this API",
        ),
        (["list", "--after", ""], {}, "Error: after must not be empty"),
        (["list", "--created-after", "yesterday"], {}, "must be an ISO 8601 timestamp"),
        (["list", "--after", "YQ==", "--before", "Yg=="], {}, "cannot be used together"),
        (["list"], {"KAPSO_BASE_URL": "api.kapso.ai/platform/v1"}, "Error: The base URL must"),
        (["list"], {"KAPSO_LOG": "bogus"}, "Error: KAPSO_LOG must be debug or info, got 'bogus'."),
    ],
)
def test_usage_errors_exit_2_in_one_line_and_send_nothing(
    stub: Stub, args: list[str], env: dict[str, str], message: str
) -> None:
    """Issue 19: a URL without a scheme used to exit 5; KAPSO_LOG=bogus was ignored."""
    result = invoke_cli(args, stub.transport(), **env)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert stub.requests == []
    if message.startswith("Error:"):
        assert result.stderr.count("\n") == 1


@pytest.fixture(scope="module")
def app() -> FakeApp:
    return create_app(api_keys=[KEY], contacts=950, seed=6)


def test_a_cursor_the_server_cannot_read_or_a_refused_value_exits_2(app: FakeApp) -> None:
    """Issue 19: a Base64 garbage cursor used to exit 4 while the README said bad values exit 2."""
    unreadable = invoke_cli(["list", "--after", "Z2FyYmFnZQ=="], transport(app))
    assert unreadable.exit_code == ExitCode.USAGE
    assert unreadable.stderr.startswith("Error: 404 Not Found: after is not a cursor")
    refused = invoke_cli(
        ["list"], httpx.MockTransport(lambda r: httpx.Response(400, json={"error": "no"}))
    )
    assert refused.exit_code == ExitCode.USAGE


def test_a_missing_or_refused_key_exits_3(stub: Stub) -> None:
    missing = CliRunner().invoke(cli, ["list"], env={"KAPSO_BASE_URL": BASE_URL})
    assert missing.exit_code == ExitCode.AUTHENTICATION
    assert "KAPSO_API_KEY" in missing.stderr
    stub.script.append(httpx.Response(401, json={"error": "Invalid API key"}))
    refused = invoke_cli(["list"], stub.transport())
    assert refused.exit_code == ExitCode.AUTHENTICATION
    assert refused.stderr.startswith("Error: 401 Unauthorized: Invalid API key.")


def test_an_api_error_after_retries_exits_4_saying_how_many(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.Response(503, json={"error": "Service unavailable"})] * 4
    result = invoke_cli(["list", "--max-retries", "2"], stub.transport(), fake_time.policy())
    assert result.exit_code == ExitCode.API_ERROR
    assert result.stderr == (
        "Error: 503 Service Unavailable: Service unavailable. The server failed; try again later."
        " Gave up after 2 retries.\n"
    )
    once = invoke_cli(["list", "--max-retries", "0"], stub.transport(), fake_time.policy())
    assert once.exit_code == ExitCode.API_ERROR
    assert "retr" not in once.stderr
    assert len(stub.requests) == 4


def test_an_unreachable_server_exits_5_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/platform/v1"
    result = invoke_cli(["list", "--max-retries", "0"], KAPSO_BASE_URL=url)
    assert result.exit_code == ExitCode.CONNECTION
    assert url in result.stderr


def test_a_host_that_does_not_resolve_exits_5_at_once_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 19: an unknown host used to fail after 35 s of silent retries."""

    def no_such_host(*args: object, **kwargs: object) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    sleeps: list[float] = []
    policy = FakeTime().policy(sleep=sleeps.append)
    result = invoke_cli(["list"], None, policy, KAPSO_BASE_URL="https://kapso.invalid/platform/v1")
    assert result.exit_code == ExitCode.CONNECTION
    assert result.stderr == (
        "Error: Could not resolve the host kapso.invalid ([Errno -2] Name or service not known)."
        " Check KAPSO_BASE_URL.\n"
    )
    assert sleeps == []


# --------------------------------------------------------------------------- resumable exports


class _Interrupting(httpx.BaseTransport):
    """Delivers Ctrl-C (a real SIGINT) while the ``at``-th request is on its way."""

    def __init__(self, inner: httpx.BaseTransport, at: int) -> None:
        self.inner, self.at, self.sent = inner, at, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        if self.sent == self.at:
            signal.raise_signal(signal.SIGINT)
        return self.inner.handle_request(request)


def _resumed(args: list[str], stopped: Result, app: FakeApp, fmt: str) -> Result:
    found = RESUME.search(stopped.stderr.strip())
    assert found, stopped.stderr
    extra = ["--no-header"] if fmt == "csv" else []
    return invoke_cli([*args, *extra, f"--{found.group(1)}", found.group(2)], transport(app))


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_stopped_by_ctrl_c_at_a_random_page_resumes_to_the_same_contacts(
    app: FakeApp, fmt: str
) -> None:
    """Issue 19: the interrupted output plus the resumed one equal one uninterrupted export."""
    args = ["list", "--all", "--format", fmt]
    whole = invoke_cli(args, transport(app))
    for at in sorted(random.Random(fmt).sample(range(2, 11), 3)):
        stopped = invoke_cli(args, _Interrupting(transport(app), at))
        assert stopped.exit_code == ExitCode.INTERRUPTED
        assert stopped.stderr.startswith(f"Interrupted.\nStopped after {at - 1} pages")
        resumed = _resumed(args, stopped, app, fmt)
        assert resumed.exit_code == 0, resumed.stderr
        assert stopped.stdout + resumed.stdout == whole.stdout


def test_a_backward_export_resumes_with_before(app: FakeApp) -> None:
    page = _page_cursor(app, 700)
    args = ["list", "--all", "--limit", "100", "--before", page]
    whole = invoke_cli(args, transport(app))
    stopped = invoke_cli(args, _Interrupting(transport(app), 3))
    assert RESUME.search(stopped.stderr.strip()).group(1) == "before"  # type: ignore[union-attr]
    resumed = _resumed(args, stopped, app, "jsonl")
    assert stopped.stdout + resumed.stdout == whole.stdout
    assert len(whole.stdout.splitlines()) == 700


def _cursor_after(app: FakeApp, count: int) -> str:
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=transport(app)) as k:
        pages = k.iter_pages(limit=100)
        for _ in range(count // 100):
            page = next(pages)
    assert page.next_cursor is not None
    return page.next_cursor


def _page_cursor(app: FakeApp, count: int) -> str:
    """The ``previous`` cursor of the page that starts after ``count`` contacts."""
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=transport(app)) as k:
        page = k.list_contacts(limit=100, after=_cursor_after(app, count))
    assert page.previous_cursor is not None
    return page.previous_cursor


def _writer_that(
    monkeypatch: pytest.MonkeyPatch, on_page: int, action: Callable[[Any, Any], None]
) -> None:
    """Make the CLI's writer run ``action`` (instead of writing) for page ``on_page``."""
    make = cli_module.make_writer  # type: ignore[attr-defined]

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        writer = make(*args, **kwargs)
        pages = [0]
        write = writer.write

        def write_page(items: Any) -> None:
            pages[0] += 1
            if pages[0] == on_page:
                action(write, items)
            else:
                write(items)

        writer.write = write_page  # type: ignore[method-assign]
        return writer

    monkeypatch.setattr(cli_module, "make_writer", wrapped)


def test_ctrl_c_while_a_page_is_written_finishes_the_page_first(
    app: FakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_then_ctrl_c(write: Any, items: Any) -> None:
        write(items[:50])
        signal.raise_signal(signal.SIGINT)
        write(items[50:])

    _writer_that(monkeypatch, 3, half_then_ctrl_c)
    stopped = invoke_cli(["list", "--all"], transport(app))
    assert stopped.exit_code == ExitCode.INTERRUPTED
    assert len(stopped.stdout.splitlines()) == 300
    assert "may be partly" not in stopped.stderr
    assert stopped.stderr.strip().endswith(f"--after {_cursor_after(app, 300)}")


def test_a_second_ctrl_c_aborts_at_once_and_says_the_page_may_be_partial(
    app: FakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_then_two_ctrl_c(write: Any, items: Any) -> None:
        write(items[:50])
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        write(items[50:])

    _writer_that(monkeypatch, 2, half_then_two_ctrl_c)
    stopped = invoke_cli(["list", "--all"], transport(app))
    assert stopped.exit_code == ExitCode.INTERRUPTED
    assert len(stopped.stdout.splitlines()) == 150
    assert "the page being written may be partly in the output" in stopped.stderr
    assert stopped.stderr.strip().endswith(f"--after {_cursor_after(app, 100)}")


def test_a_closed_pipe_exits_1_with_the_cursor_of_the_page_it_broke_in(
    app: FakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(write: Any, items: Any) -> None:
        raise BrokenPipeError

    _writer_that(monkeypatch, 4, broken)
    stopped = invoke_cli(["list", "--all", "--format", "jsonl"], transport(app))
    assert stopped.exit_code == ExitCode.FAILURE
    assert stopped.stderr.startswith("Output closed.\nStopped after 3 pages (300 contacts);")
    assert stopped.stderr.strip().endswith(f"--after {_cursor_after(app, 300)}")


def test_an_error_after_retries_mid_export_resumes_too(app: FakeApp, fake_time: FakeTime) -> None:
    class FailingFrom(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner, self.sent = transport(app), 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            self.sent += 1
            return httpx.Response(503) if self.sent > 5 else self.inner.handle_request(request)

    args = ["list", "--all", "--format", "csv", "--max-retries", "1"]
    whole = invoke_cli(args, transport(app))
    stopped = invoke_cli(args, FailingFrom(), fake_time.policy())
    assert stopped.exit_code == ExitCode.API_ERROR
    assert stopped.stderr.startswith("Error: 503 Service Unavailable")
    assert "Stopped after 5 pages (500 contacts); to resume, append" in stopped.stderr
    resumed = _resumed(args, stopped, app, "csv")
    assert stopped.stdout + resumed.stdout == whole.stdout


def test_a_json_export_stopped_early_is_still_valid_json_and_says_so(app: FakeApp) -> None:
    stopped = invoke_cli(["list", "--all", "--format", "json"], _Interrupting(transport(app), 3))
    assert stopped.exit_code == ExitCode.INTERRUPTED
    assert len(json.loads(stopped.stdout)) == 200
    assert "the array is closed, so the output is valid JSON" in stopped.stderr
