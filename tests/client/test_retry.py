"""Retries: which failures, how long between tries, Retry-After, and rate-limit pacing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from kapso_contacts import (
    APIConnectionError,
    APITimeoutError,
    AsyncKapsoContacts,
    AsyncRetryingTransport,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    KapsoContacts,
    NotFoundError,
    RateLimitError,
    RetryingTransport,
)

from .conftest import BASE_URL, KEY, FakeTime, Stub

RETRYABLE = [408, 429, 500, 502, 503, 504]


def _sync(stub: Stub, fake_time: FakeTime, **policy: object) -> KapsoContacts:
    return KapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=stub.transport(),
        retry_policy=fake_time.policy(**policy),
    )


def _async(stub: Stub, fake_time: FakeTime, **policy: object) -> AsyncKapsoContacts:
    return AsyncKapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=stub.transport(),
        retry_policy=fake_time.policy(**policy),
    )


@pytest.mark.parametrize("status", RETRYABLE)
def test_retries_a_transient_status_then_returns_the_page(
    status: int, stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.Response(status), httpx.Response(status)]
    with _sync(stub, fake_time) as kapso:
        page = kapso.list_contacts()
    assert len(page.data) == 5
    assert len(stub.requests) == 3


@pytest.mark.anyio
@pytest.mark.parametrize("status", RETRYABLE)
async def test_async_retries_a_transient_status_then_returns_the_page(
    status: int, stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.Response(status), httpx.Response(status)]
    async with _async(stub, fake_time) as kapso:
        page = await kapso.list_contacts()
    assert len(page.data) == 5
    assert len(stub.requests) == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (401, AuthenticationError), (404, NotFoundError)],
)
def test_does_not_retry_a_client_error(
    status: int, error: type[Exception], stub: Stub, fake_time: FakeTime
) -> None:
    stub.script.append(httpx.Response(status, json={"error": "no"}))
    with _sync(stub, fake_time) as kapso, pytest.raises(error):
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


@pytest.mark.anyio
async def test_async_retries_connection_errors_and_timeouts(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")]
    async with _async(stub, fake_time) as kapso:
        assert len((await kapso.list_contacts()).data) == 5
    assert len(stub.requests) == 3


def test_gives_up_after_max_retries_with_the_typed_error(stub: Stub, fake_time: FakeTime) -> None:
    stub.script += [httpx.Response(503, json={"error": "Service unavailable"})] * 10
    with _sync(stub, fake_time, max_retries=3) as kapso, pytest.raises(InternalServerError) as exc:
        kapso.list_contacts()
    assert exc.value.status_code == 503
    assert len(stub.requests) == 4


def test_zero_max_retries_sends_once(stub: Stub, fake_time: FakeTime) -> None:
    stub.script.append(httpx.Response(502))
    with _sync(stub, fake_time, max_retries=0) as kapso, pytest.raises(InternalServerError):
        kapso.list_contacts()
    assert len(stub.requests) == 1


def test_gives_up_on_connection_errors_with_a_connection_error(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.ConnectError("[Errno 111] Connection refused")] * 3
    with _sync(stub, fake_time, max_retries=2) as kapso, pytest.raises(APIConnectionError) as exc:
        kapso.list_contacts()
    assert not isinstance(exc.value, APITimeoutError)
    assert "Connection refused" in str(exc.value)
    assert len(stub.requests) == 3


@pytest.mark.anyio
async def test_async_gives_up_on_timeouts_with_a_timeout_error(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.script += [httpx.ReadTimeout("slow")] * 3
    async with _async(stub, fake_time, max_retries=2) as kapso:
        with pytest.raises(APITimeoutError, match="did not answer in time"):
            await kapso.list_contacts()


def test_backoff_doubles_up_to_the_cap(stub: Stub, fake_time: FakeTime) -> None:
    stub.script += [httpx.Response(500)] * 7
    with _sync(stub, fake_time, max_retries=7) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_shortens_each_backoff_by_up_to_a_quarter(stub: Stub, fake_time: FakeTime) -> None:
    draws = iter([0.0, 0.5, 0.999])
    stub.script += [httpx.Response(500)] * 3
    with _sync(stub, fake_time, random=lambda: next(draws)) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == pytest.approx([0.5, 1.0 * 0.875, 2.0 * 0.75025])


def test_honours_retry_after_in_seconds(stub: Stub, fake_time: FakeTime) -> None:
    stub.script.append(httpx.Response(429, headers={"Retry-After": "7"}))
    with _sync(stub, fake_time) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == [7.0]


def test_honours_retry_after_as_an_http_date(stub: Stub, fake_time: FakeTime) -> None:
    when = datetime.now(UTC) + timedelta(seconds=20)
    stub.script.append(httpx.Response(503, headers={"Retry-After": format_datetime(when, True)}))
    with _sync(stub, fake_time) as kapso:
        kapso.list_contacts()
    assert len(fake_time.sleeps) == 1
    assert 17 <= fake_time.sleeps[0] <= 20


def test_retry_after_is_honoured_only_up_to_the_cap(stub: Stub, fake_time: FakeTime) -> None:
    stub.script.append(httpx.Response(429, headers={"Retry-After": "3600"}))
    with _sync(stub, fake_time, max_retry_after=30.0) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == [30.0]


def test_an_unreadable_retry_after_falls_back_to_backoff(stub: Stub, fake_time: FakeTime) -> None:
    stub.script.append(httpx.Response(429, headers={"Retry-After": "soon"}))
    with _sync(stub, fake_time) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == [0.5]


def test_rate_limit_error_after_retries_carries_retry_after(
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


def test_waits_when_rate_limit_remaining_reaches_zero_instead_of_burning_a_429(
    fake_time: FakeTime,
) -> None:
    """A fixed one-minute window of 3 requests: the client never gets a 429."""
    statuses: list[int] = []
    inner = Stub(total=10)

    def limited(request: httpx.Request) -> httpx.Response:
        window = int(fake_time.now // 60)
        used = sum(1 for w in sent_windows if w == window)
        if used >= 3:
            statuses.append(429)
            retry_after = str(int((window + 1) * 60 - fake_time.now))
            return httpx.Response(429, headers={"Retry-After": retry_after})
        sent_windows.append(window)
        response = inner(request)
        response.headers["X-RateLimit-Limit"] = "3"
        response.headers["X-RateLimit-Remaining"] = str(3 - used - 1)
        statuses.append(response.status_code)
        return response

    sent_windows: list[int] = []
    with KapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=httpx.MockTransport(limited),
        retry_policy=fake_time.policy(),
    ) as kapso:
        contacts = list(kapso.iter_contacts(limit=1))
    assert len(contacts) == 10
    assert 429 not in statuses
    assert fake_time.sleeps == [60.0, 60.0, 60.0]


def test_a_429_with_retry_after_and_zero_remaining_waits_once(
    stub: Stub, fake_time: FakeTime
) -> None:
    headers = {"Retry-After": "5", "X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "100"}
    stub.script.append(httpx.Response(429, headers=headers))
    with _sync(stub, fake_time) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == [5.0]


def test_without_a_limit_header_the_pause_is_one_window_capped(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.headers = {"X-RateLimit-Remaining": "0"}
    stub.total = 3
    with _sync(stub, fake_time, rate_limit_window=60.0, max_retry_after=45.0) as kapso:
        list(kapso.iter_contacts(limit=1))
    assert fake_time.sleeps == [45.0, 45.0]


def test_pacing_can_be_turned_off(stub: Stub, fake_time: FakeTime) -> None:
    stub.headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "1"}
    stub.total = 3
    with _sync(stub, fake_time, pace_rate_limit=False) as kapso:
        list(kapso.iter_contacts(limit=1))
    assert fake_time.sleeps == []


@pytest.mark.anyio
async def test_async_waits_when_rate_limit_remaining_reaches_zero(
    stub: Stub, fake_time: FakeTime
) -> None:
    stub.headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "1"}
    stub.total = 2
    async with _async(stub, fake_time) as kapso:
        _ = [c async for c in kapso.iter_contacts(limit=1)]
    assert fake_time.sleeps == [60.0]


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that records being closed, and may break after its first chunk."""

    def __init__(self, closed: list[int], *, broken: bool = False) -> None:
        self._closed = closed
        self._broken = broken

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


def test_closes_every_discarded_response(stub: Stub, fake_time: FakeTime) -> None:
    closed: list[int] = []
    stub.script += [httpx.Response(503, stream=_Body(closed)) for _ in range(3)]
    with _sync(stub, fake_time) as kapso:
        kapso.list_contacts()
    assert len(closed) == 3


def test_a_connection_dropped_mid_body_is_retried(stub: Stub, fake_time: FakeTime) -> None:
    closed: list[int] = []
    stub.script.append(httpx.Response(200, stream=_Body(closed, broken=True)))
    with _sync(stub, fake_time) as kapso:
        assert len(kapso.list_contacts().data) == 5
    assert len(stub.requests) == 2
    assert closed == [1]


@pytest.mark.anyio
async def test_async_a_connection_dropped_mid_body_is_retried(
    stub: Stub, fake_time: FakeTime
) -> None:
    closed: list[int] = []
    stub.script.append(httpx.Response(200, stream=_Body(closed, broken=True)))
    async with _async(stub, fake_time) as kapso:
        assert len((await kapso.list_contacts()).data) == 5
    assert len(stub.requests) == 2


def test_the_transport_retries_only_get(stub: Stub, fake_time: FakeTime) -> None:
    stub.script += [httpx.Response(503), httpx.Response(503)]
    transport = RetryingTransport(stub.transport(), policy=fake_time.policy())
    with httpx.Client(transport=transport, base_url="http://x") as client:
        assert client.post("/things").status_code == 503
        assert client.get("/whatsapp/contacts").status_code == 200
    assert [r.method for r in stub.requests] == ["POST", "GET", "GET"]


@pytest.mark.anyio
async def test_the_async_transport_retries_only_get(stub: Stub, fake_time: FakeTime) -> None:
    stub.script += [httpx.Response(503), httpx.Response(503)]
    transport = AsyncRetryingTransport(stub.transport(), policy=fake_time.policy())
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        assert (await client.post("/things")).status_code == 503
        assert (await client.get("/whatsapp/contacts")).status_code == 200
    assert [r.method for r in stub.requests] == ["POST", "GET", "GET"]
