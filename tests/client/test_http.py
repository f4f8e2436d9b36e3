"""The client's HTTP behaviour: options, retries, Retry-After, pacing, proxies, logging."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import pytest

from kapso_contacts import (
    DEFAULT_BASE_URL,
    APIConnectionError,
    AsyncKapsoContacts,
    AsyncRetryingTransport,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    KapsoContacts,
    MissingAPIKeyError,
    RateLimitError,
    RetryingTransport,
    RetryPolicy,
)
from kapso_contacts._errors import parse_retry_after
from kapso_contacts._http import env_proxy
from kapso_fake import create_app
from kapso_fake.server import transport

from .conftest import BASE_URL, KEY, FakeTime, Stub, contact, contract_with, cursor_body

RETRYABLE = [408, 429, 500, 502, 503, 504]


def _sync(stub: Stub, fake_time: FakeTime, **policy: Any) -> KapsoContacts:
    return KapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=stub.transport(),
        retry_policy=fake_time.policy(**policy),
    )


def _async(stub: Stub, fake_time: FakeTime, **policy: Any) -> AsyncKapsoContacts:
    return AsyncKapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=stub.transport(),
        retry_policy=fake_time.policy(**policy),
    )


# --------------------------------------------------------------------------- options


def test_reads_the_key_and_base_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, stub: Stub
) -> None:
    monkeypatch.setenv("KAPSO_API_KEY", "env-key")
    monkeypatch.setenv("KAPSO_BASE_URL", "http://env.example/platform/v1/")
    with KapsoContacts(transport=stub.transport()) as kapso:
        kapso.list_contacts()
    assert stub.requests[0].headers["X-API-Key"] == "env-key"
    assert str(stub.requests[0].url).startswith("http://env.example/platform/v1/whatsapp/contacts?")


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, stub: Stub) -> None:
    monkeypatch.setenv("KAPSO_API_KEY", "env-key")
    monkeypatch.setenv("KAPSO_BASE_URL", "http://env.example/platform/v1")
    with KapsoContacts(api_key="arg-key", base_url=BASE_URL, transport=stub.transport()) as kapso:
        kapso.list_contacts()
    assert stub.requests[0].headers["X-API-Key"] == "arg-key"
    assert stub.requests[0].url.host == "testserver"


def test_defaults_to_kapsos_production_url_and_finite_timeouts() -> None:
    with KapsoContacts(api_key=KEY) as kapso:
        timeout = kapso.api.get_httpx_client().timeout
        assert kapso.base_url == DEFAULT_BASE_URL == "https://api.kapso.ai/platform/v1"
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (5.0, 30.0, 30.0, 30.0)
    with KapsoContacts(api_key=KEY, timeout=2.5) as kapso:
        assert kapso.api.get_httpx_client().timeout == httpx.Timeout(2.5)


@pytest.mark.parametrize("key", [None, "", "   "])
def test_a_missing_or_blank_key_says_where_to_put_one(key: str | None) -> None:
    with pytest.raises(MissingAPIKeyError, match="KAPSO_API_KEY"):
        KapsoContacts(api_key=key)


@pytest.mark.parametrize(
    "url",
    ["api.kapso.ai/platform/v1", "http://", "ftp://api.kapso.ai/v1", "/platform/v1", "http:///x"],
)
def test_a_base_url_without_a_scheme_or_a_host_is_a_configuration_error(
    url: str, stub: Stub
) -> None:
    """Issue 19: it used to be sent, and reported as a connection failure after retries."""
    with pytest.raises(ConfigurationError, match="must start with http:// or https://") as caught:
        KapsoContacts(api_key=KEY, base_url=url, transport=stub.transport())
    assert "\n" not in str(caught.value)
    assert stub.requests == []


def test_an_unknown_kapso_log_level_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 19: ``KAPSO_LOG=bogus`` used to be silently ignored."""
    monkeypatch.setenv("KAPSO_LOG", "bogus")
    with pytest.raises(ConfigurationError, match="KAPSO_LOG must be debug or info, got 'bogus'"):
        KapsoContacts(api_key=KEY)


def test_max_retries_overrides_the_policy_and_the_policy_refuses_negatives() -> None:
    policy = RetryPolicy(max_retries=3, initial_delay=0.1)
    with KapsoContacts(api_key=KEY, max_retries=1, retry_policy=policy) as kapso:
        assert (kapso.retry_policy.max_retries, kapso.retry_policy.initial_delay) == (1, 0.1)
    for name in ("max_retries", "initial_delay", "max_retry_after"):
        with pytest.raises(ValueError, match=name):
            RetryPolicy(**{name: -1})  # type: ignore[arg-type]


def test_sends_a_user_agent_and_closes_the_transport_it_wraps(stub: Stub) -> None:
    closed: list[str] = []

    class Inner(httpx.MockTransport):
        def close(self) -> None:
            closed.append("inner")

    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=Inner(stub)) as kapso:
        kapso.list_contacts()
    assert stub.requests[0].headers["User-Agent"].startswith("kapso-contacts")
    assert closed == ["inner"]
    with pytest.raises(RuntimeError):
        kapso.list_contacts()


# --------------------------------------------------------------------------- retries


@pytest.mark.parametrize("status", RETRYABLE)
def test_retries_a_transient_status_then_returns_the_page(
    status: int, stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.Response(status), httpx.Response(status)]
    with _sync(stub, fake_time) as kapso:
        assert len(kapso.list_contacts().data) == 5
    assert len(stub.requests) == 3


@pytest.mark.anyio
@pytest.mark.parametrize("status", RETRYABLE)
async def test_async_retries_a_transient_status_then_returns_the_page(
    status: int, stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.Response(status), httpx.Response(status)]
    async with _async(stub, fake_time) as kapso:
        assert len((await kapso.list_contacts()).data) == 5
    assert len(stub.requests) == 3


def test_does_not_retry_a_client_error(stub: Stub, fake_time: FakeTime) -> None:
    stub.script.append(httpx.Response(400, json={"error": "no"}))
    with _sync(stub, fake_time) as kapso, pytest.raises(BadRequestError):
        kapso.list_contacts()
    assert len(stub.requests) == 1
    assert fake_time.sleeps == []


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("eof")],
)
def test_retries_connection_errors_and_timeouts(
    failure: Exception, stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [failure, failure]
    with _sync(stub, fake_time) as kapso:
        assert len(kapso.list_contacts().data) == 5
    assert len(stub.requests) == 3


def _unresolvable() -> httpx.ConnectError:
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as cause:
        try:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from cause
        except httpx.ConnectError as error:
            return error


def test_a_host_name_that_does_not_resolve_is_not_retried(stub: Stub, fake_time: FakeTime) -> None:
    """Issue 19: an unknown host used to fail only after 35 s of silent retries."""
    stub.script += [_unresolvable()] * 10
    with _sync(stub, fake_time) as kapso, pytest.raises(APIConnectionError) as caught:
        kapso.list_contacts()
    assert len(stub.requests) == 1
    assert fake_time.sleeps == []
    message = str(caught.value)
    assert message.startswith("Could not resolve the host testserver (")
    assert "retr" not in message and "\n" not in message


def test_a_real_lookup_failure_fails_fast_through_the_network_transport(
    monkeypatch: pytest.MonkeyPatch, fake_time: FakeTime
) -> None:
    """The same through httpx's own transport: no DNS query leaves the machine."""
    asked: list[object] = []

    def no_such_host(*args: object, **kwargs: object) -> list[Any]:
        asked.append(args[0])
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    url = "https://no-such-host.invalid/platform/v1"
    with (
        KapsoContacts(api_key=KEY, base_url=url, retry_policy=fake_time.policy()) as kapso,
        pytest.raises(APIConnectionError, match="Could not resolve the host no-such-host"),
    ):
        kapso.list_contacts()
    assert asked == ["no-such-host.invalid"]
    assert fake_time.sleeps == []


def test_gives_up_after_max_retries_saying_how_many(stub: Stub, fake_time: FakeTime) -> None:
    stub.script += [httpx.Response(503, json={"error": "busy"})] * 10
    with _sync(stub, fake_time, max_retries=3) as kapso, pytest.raises(InternalServerError) as exc:
        kapso.list_contacts()
    assert len(stub.requests) == 4
    assert str(exc.value).endswith("Gave up after 3 retries.")
    assert exc.value.retries == 3


def test_zero_max_retries_sends_once_and_never_speaks_of_retries(
    stub: Stub, fake_time: FakeTime
) -> None:
    """Issue 19: "even after retrying" used to be said with --max-retries 0 too."""
    stub.script += [httpx.Response(502), httpx.ConnectError("refused")]
    kapso = _sync(stub, fake_time, max_retries=0)
    with pytest.raises(InternalServerError) as status:
        kapso.list_contacts()
    with pytest.raises(APIConnectionError) as connection:
        kapso.list_contacts()
    assert len(stub.requests) == 2
    assert "retr" not in str(status.value) + str(connection.value)


def test_backoff_doubles_up_to_the_cap_with_jitter(stub: Stub, fake_time: FakeTime) -> None:
    stub.script += [httpx.Response(500)] * 7
    with _sync(stub, fake_time, max_retries=7) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    draws = iter([0.0, 0.5, 0.999])
    assert [RetryPolicy(random=lambda: next(draws)).backoff(n) for n in (1, 2, 3)] == pytest.approx(
        [0.5, 0.875, 2.0 * 0.75025]
    )


@pytest.mark.parametrize(
    ("headers", "sleeps"),
    [
        ({"Retry-After": "7"}, [7.0]),
        ({"Retry-After": "3600"}, [30.0]),  # honoured up to the cap
        ({"Retry-After": "soon"}, [60.0]),  # unreadable on a 429: the spec's window
        ({}, [60.0]),  # no Retry-After on a 429: the spec's window
        ({"X-RateLimit-Reset": "4"}, [4.0]),  # no Retry-After, but the window's reset
    ],
)
def test_a_429_waits_what_the_server_states_else_the_specs_window(
    headers: dict[str, str], sleeps: list[float], stub: Stub, fake_time: FakeTime
) -> None:
    cap = 30.0 if headers.get("Retry-After") == "3600" else 60.0
    stub.script.append(httpx.Response(429, headers=headers))
    with _sync(stub, fake_time, max_retry_after=cap) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == sleeps


def test_a_503_honours_retry_after_as_an_http_date_else_backs_off(
    stub: Stub, fake_time: FakeTime
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=20)
    stub.script += [
        httpx.Response(503, headers={"Retry-After": format_datetime(when, True)}),
        httpx.Response(503),
    ]
    with _sync(stub, fake_time) as kapso:
        kapso.list_contacts()
    assert 17 <= fake_time.sleeps[0] <= 20
    assert fake_time.sleeps[1] == 1.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("60", 60.0), (" 1.5 ", 1.5), ("-3", 0.0), ("Wed, 26 Mar 2025 15:00:20", None), ("", None)],
)
def test_retry_after_is_seconds_or_an_http_date_with_its_zone(
    value: str, seconds: float | None
) -> None:
    assert parse_retry_after(value) == seconds


def test_a_rate_limit_error_after_retries_carries_what_the_headers_said(
    stub: Stub, fake_time: FakeTime
) -> None:
    limited = httpx.Response(
        429,
        json={"error": "Rate limit exceeded", "message": "Too many requests."},
        headers={"Retry-After": "60", "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"},
    )
    stub.script += [limited] * 3
    with _sync(stub, fake_time, max_retries=2) as kapso, pytest.raises(RateLimitError) as exc:
        kapso.list_contacts()
    assert (exc.value.retry_after, exc.value.limit, exc.value.remaining) == (60.0, 100, 0)
    assert fake_time.sleeps == [60.0, 60.0]
    assert str(exc.value) == (
        "429 Too Many Requests: Rate limit exceeded; Too many requests. "
        "Retry after 60 seconds. Gave up after 2 retries."
    )


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that records being closed, and may break after its first chunk."""

    def __init__(self, closed: list[int], *, broken: bool = False) -> None:
        self._closed, self._broken = closed, broken

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"error": "x"'
        if self._broken:
            raise httpx.ReadError("connection reset while reading the body")
        yield b"}"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk

    def close(self) -> None:
        self._closed.append(1)

    async def aclose(self) -> None:
        self.close()


def test_closes_every_discarded_response_before_sleeping(stub: Stub, fake_time: FakeTime) -> None:
    closed: list[int] = []
    sleeps_when_closed: list[int] = []
    stub.script += [httpx.Response(503, stream=_Body(closed)) for _ in range(3)]

    def sleep(seconds: float) -> None:
        sleeps_when_closed.append(len(closed))

    with _sync(stub, fake_time, sleep=sleep) as kapso:
        kapso.list_contacts()
    assert closed == [1, 1, 1]
    assert sleeps_when_closed == [1, 2, 3]


@pytest.mark.anyio
async def test_a_connection_dropped_mid_body_is_retried(stub: Stub, fake_time: FakeTime) -> None:
    closed: list[int] = []
    stub.script.append(httpx.Response(200, stream=_Body(closed, broken=True)))
    with _sync(stub, fake_time) as kapso:
        assert len(kapso.list_contacts().data) == 5
    stub.script.append(httpx.Response(200, stream=_Body(closed, broken=True)))
    async with _async(stub, fake_time) as async_kapso:
        assert len((await async_kapso.list_contacts()).data) == 5
    assert len(stub.requests) == 4
    assert closed == [1, 1]


def test_the_transport_retries_only_reads_and_returns_answers_as_httpx_does(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.Response(503), httpx.Response(503)]
    transport = RetryingTransport(stub.transport(), policy=fake_time.policy())
    with httpx.Client(transport=transport, base_url="http://x") as client:
        assert client.post("/things").status_code == 503
        assert client.get("/whatsapp/contacts").status_code == 200
    assert [r.method for r in stub.requests] == ["POST", "GET", "GET"]


@pytest.mark.anyio
async def test_the_async_transport_retries_only_reads(stub: Stub, fake_time: FakeTime) -> None:
    stub.script += [httpx.Response(503), httpx.Response(503)]
    transport = AsyncRetryingTransport(stub.transport(), policy=fake_time.policy())
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        assert (await client.post("/things")).status_code == 503
        assert (await client.get("/whatsapp/contacts")).status_code == 200
    assert [r.method for r in stub.requests] == ["POST", "GET", "GET"]


# --------------------------------------------------------------------------- pacing


def test_zero_max_retries_never_sleeps_not_even_to_pace(stub: Stub, fake_time: FakeTime) -> None:
    """Issue 19: after ``Remaining: 0`` the next call used to sleep 60 s with max_retries=0."""
    stub.total, stub.headers = 3, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "60"}
    with _sync(stub, fake_time, max_retries=0) as kapso:
        assert len(list(kapso.iter_contacts(limit=1))) == 3
    assert fake_time.sleeps == []


def test_remaining_zero_with_a_reset_holds_the_next_request_that_long(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.total, stub.headers = 3, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "3"}
    with _sync(stub, fake_time) as kapso:
        list(kapso.iter_contacts(limit=1))
    assert fake_time.sleeps == [3.0, 3.0]


def test_remaining_zero_without_a_reset_sends_and_lets_the_429_say_how_long(
    fake_time: FakeTime,
) -> None:
    """Issue 19: the client used to wait the spec's 60 s before asking at all."""
    pages = Stub(total=2, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "1"})

    def answer(request: httpx.Request) -> httpx.Response:
        if len(pages.requests) == 1 and "after" in request.url.params:
            pages.requests.append(request)
            return httpx.Response(429, headers={"Retry-After": "3"})
        return pages(request)

    with KapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=httpx.MockTransport(answer),
        retry_policy=fake_time.policy(),
    ) as kapso:
        assert len(list(kapso.iter_contacts(limit=1))) == 2
    assert len(pages.requests) == 3
    assert fake_time.sleeps == [3.0]


@pytest.mark.anyio
async def test_async_pacing_waits_the_stated_reset(stub: Stub, fake_time: FakeTime) -> None:
    stub.total, stub.headers = 2, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "5"}
    async with _async(stub, fake_time) as kapso:
        assert len([c async for c in kapso.iter_contacts(limit=1)]) == 2
    assert fake_time.sleeps == [5.0]


def test_pacing_reads_the_rate_limit_headers_the_contract_names(fake_time: FakeTime) -> None:
    def rename(spec: dict[str, Any]) -> None:
        rate = spec["paths"]["/whatsapp/contacts"]["get"]["x-kapso-rate-limit"]
        rate["remaining-header"] = "RateLimit-Remaining"

    contract = contract_with(rename)
    stub = Stub(total=2, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9"})
    kapso = KapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=stub.transport(),
        retry_policy=fake_time.policy(),
        contract=contract,
    )
    with kapso:
        list(kapso.iter_contacts(limit=1))
    assert fake_time.sleeps == []  # X-RateLimit-Remaining is not this contract's header
    stub.headers = {"RateLimit-Remaining": "0", "X-RateLimit-Reset": "9"}
    with KapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=stub.transport(),
        retry_policy=fake_time.policy(),
        contract=contract,
    ) as kapso:
        list(kapso.iter_contacts(limit=1))
    assert fake_time.sleeps == [9.0]


# --------------------------------------------------------------------------- proxies


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that answers itself: 503 first, then a page; records request targets."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = (
            b""
            if len(self.seen) == 1
            else httpx.Response(200, json=cursor_body([contact(1)], None)).content
        )
        self.send_response(503 if len(self.seen) == 1 else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy_url() -> Iterator[str]:
    _Proxy.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_requests_go_through_the_environment_proxy_and_are_retried(
    monkeypatch: pytest.MonkeyPatch, proxy_url: str, fake_time: FakeTime
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    base_url = "http://api.kapso.example/platform/v1"
    with KapsoContacts(api_key=KEY, base_url=base_url, retry_policy=fake_time.policy()) as kapso:
        page = kapso.list_contacts(limit=1)
    assert [str(c.id) for c in page.data] == [contact(1)["id"]]
    target = "http://api.kapso.example/platform/v1/whatsapp/contacts?limit=1"
    assert _Proxy.seen == [target, target]
    assert fake_time.sleeps == [0.5]


def test_no_proxy_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "api.kapso.ai")
    assert env_proxy("https://api.kapso.ai/platform/v1") is None
    assert env_proxy("https://elsewhere.example/platform/v1") == "http://proxy.internal:3128"


# --------------------------------------------------------------------------- logging


def _walk(stub: Stub, fake_time: FakeTime) -> None:
    with _sync(stub, fake_time) as kapso:
        list(kapso.iter_contacts(limit=2))


def test_without_kapso_log_nothing_is_written(
    capsys: pytest.CaptureFixture[str], stub: Stub, fake_time: FakeTime
) -> None:
    stub.script.append(httpx.Response(503))
    _walk(stub, fake_time)
    assert capsys.readouterr().err == ""


def test_debug_logs_every_request_response_and_retry(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stub: Stub,
    fake_time: FakeTime,
) -> None:
    monkeypatch.setenv("KAPSO_LOG", "debug")
    stub.script.append(httpx.Response(429, headers={"Retry-After": "2"}))
    _walk(stub, fake_time)
    lines = capsys.readouterr().err.splitlines()
    assert sum("HTTP request: GET" in line for line in lines) == 4  # one 429, then three pages
    assert sum(line.endswith("-> status 200") for line in lines) == 3
    assert any("Retrying in 2.00 s (retry 1 of 8) after status 429" in line for line in lines)
    assert all(line.startswith("[") and " kapso] " in line for line in lines)


def test_info_logs_retries_and_rate_limit_waits_but_not_requests(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stub: Stub,
    fake_time: FakeTime,
) -> None:
    monkeypatch.setenv("KAPSO_LOG", "INFO")
    stub.script.append(httpx.Response(502))
    stub.headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "6"}
    _walk(stub, fake_time)
    err = capsys.readouterr().err
    assert "HTTP request" not in err
    assert "Retrying in 0.50 s (retry 1 of 8) after status 502" in err
    assert "rate-limit window is spent: waiting 6.00 s" in err


def test_building_clients_repeatedly_adds_one_handler(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stub: Stub
) -> None:
    monkeypatch.setenv("KAPSO_LOG", "debug")
    for _ in range(3):
        KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()).close()
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as kapso:
        kapso.list_contacts()
    assert capsys.readouterr().err.count("HTTP request: GET") == 1


def test_a_fake_with_a_3_second_window_is_walked_in_seconds_not_minutes(
    fake_time: FakeTime,
) -> None:
    """Issue 19: a 3-second window used to cost the spec's 60 s per pause."""
    app = create_app(
        api_keys=[KEY], contacts=50, seed=2, rate_limit=2, rate_window=3, clock=fake_time.monotonic
    )
    kapso = KapsoContacts(
        api_key=KEY, base_url=BASE_URL, transport=transport(app), retry_policy=fake_time.policy()
    )
    with kapso:
        assert len(list(kapso.iter_contacts(limit=10))) == 50
    assert fake_time.sleeps and max(fake_time.sleeps) <= 3.0
    assert fake_time.now <= 3.0 * 3  # five pages at two a window: three windows at most
    assert [r.status for r in app.requests].count(200) == 5
