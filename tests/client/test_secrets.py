"""A canary API key never shows: in a repr, a log line, an error, a traceback, CLI output."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner

from kapso_contacts import (
    AsyncKapsoContacts,
    AuthenticationError,
    KapsoContacts,
    KapsoError,
    ListClient,
    RetryingTransport,
)
from kapso_contacts._errors import error_for_response
from kapso_contacts.cli import CliOverrides, cli
from kapso_contacts.contract import default_contract

from .conftest import BASE_URL, CANARY, FakeTime, Stub, invoke_cli


def _seen(*objects: object) -> Iterator[str]:
    for obj in objects:
        yield repr(obj)
        yield str(obj)


def _client(stub: Stub, fake_time: FakeTime, **policy: object) -> KapsoContacts:
    return KapsoContacts(
        api_key=CANARY,
        base_url=BASE_URL,
        transport=stub.transport(),
        retry_policy=fake_time.policy(**policy),
    )


def _echoing_key(request: httpx.Request) -> httpx.Response:
    """A broken server that puts the key it was sent into its error body."""
    sent = request.headers["X-API-Key"]
    return httpx.Response(401, json={"error": f"Invalid API key {sent}", "key": sent})


def test_no_public_object_shows_the_key(stub: Stub, fake_time: FakeTime) -> None:
    with _client(stub, fake_time) as kapso:
        page = kapso.list_contacts(limit=2)
        http = kapso.api.get_httpx_client()
        shown = list(
            _seen(
                kapso,
                kapso.api,
                http,
                http.auth,
                http.headers,
                kapso.retry_policy,
                page,
                page.data[0],
            )
        )
    generic = ListClient(contract=default_contract(), api_key=CANARY, transport=stub.transport())
    shown += list(_seen(generic, RetryingTransport(stub.transport()), generic._options))
    assert stub.requests[0].headers["X-API-Key"] == CANARY  # the canary really is sent
    assert not [text for text in shown if CANARY in text]


@pytest.mark.anyio
async def test_no_async_public_object_shows_the_key(stub: Stub) -> None:
    async with AsyncKapsoContacts(
        api_key=CANARY, base_url=BASE_URL, transport=stub.transport()
    ) as kapso:
        page = await kapso.list_contacts()
        http = kapso.api.get_async_httpx_client()
        shown = list(_seen(kapso, kapso.api, http, http.auth, http.headers, page))
    assert not [text for text in shown if CANARY in text]


def test_an_error_hides_the_key_even_when_the_server_echoes_it(fake_time: FakeTime) -> None:
    kapso = KapsoContacts(
        api_key=CANARY,
        base_url=BASE_URL,
        transport=httpx.MockTransport(_echoing_key),
        retry_policy=fake_time.policy(),
    )
    with kapso, pytest.raises(AuthenticationError) as caught:
        kapso.list_contacts()
    error = caught.value
    assert error.body == {"error": "Invalid API key ***", "key": "***"}
    texts = [
        *_seen(error, error.response, error.request, error.body),
        error.text,
        "".join(traceback.format_exception(error)),
    ]
    assert not [text for text in texts if CANARY in text]


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
def test_connection_error_tracebacks_hide_the_key(
    stub: Stub, fake_time: FakeTime, failure: Exception
) -> None:
    stub.script += [failure] * 3
    with _client(stub, fake_time, max_retries=1) as kapso, pytest.raises(KapsoError) as caught:
        kapso.list_contacts()
    text = "".join(traceback.format_exception(caught.value))
    assert "Traceback" in text and CANARY not in text


def test_status_errors_never_carry_the_key_in_their_text(stub: Stub, fake_time: FakeTime) -> None:
    _client(stub, fake_time).close()  # registers the canary, as any client does
    response = httpx.Response(
        500,
        text=f"<html>debug dump: X-API-Key={CANARY}</html>",
        request=httpx.Request("GET", BASE_URL, headers={"X-API-Key": CANARY}),
    )
    error = error_for_response(response, default_contract())
    assert CANARY not in error.text + str(error) + repr(error)  # type: ignore[attr-defined]


def test_debug_logs_mask_the_key_whatever_carries_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    stub: Stub,
    fake_time: FakeTime,
) -> None:
    monkeypatch.setenv("KAPSO_LOG", "debug")
    stub.script += [httpx.Response(503), httpx.ConnectError("refused")]
    with _client(stub, fake_time) as kapso:
        kapso.list_contacts()
    err = capsys.readouterr().err
    assert "'x-api-key': '***'" in err
    assert err.count("HTTP request: GET") == 3
    assert CANARY not in err
    logger = logging.getLogger("kapso_contacts")
    caplog.clear()
    with caplog.at_level("DEBUG", logger="kapso_contacts"):
        logger.debug("oops: %s", CANARY)
        logger.debug("headers: %s", {"X-API-Key": CANARY, "Accept": "*/*"})
        logger.debug("mapping %(X-API-Key)s", {"X-API-Key": CANARY})
    assert caplog.messages == [
        "oops: ***",
        "headers: {'X-API-Key': '***', 'Accept': '*/*'}",
        "mapping ***",
    ]


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_cli_output_never_shows_the_key(fmt: str, stub: Stub, fake_time: FakeTime) -> None:
    stub.script.append(httpx.Response(503))
    result = invoke_cli(
        ["list", "--all", "--format", fmt],
        stub.transport(),
        fake_time.policy(),
        KAPSO_LOG="debug",
        KAPSO_API_KEY=CANARY,
    )
    assert "Retrying in" in result.stderr
    assert CANARY not in result.stdout + result.stderr


def test_cli_error_output_never_shows_the_key() -> None:
    overrides = CliOverrides(transport=httpx.MockTransport(_echoing_key))
    result = CliRunner().invoke(
        cli, ["list", "--api-key", CANARY, "--base-url", BASE_URL], obj=overrides
    )
    assert result.exit_code == 3
    assert "Invalid API key ***" in result.stderr
    assert CANARY not in result.stdout + result.stderr
