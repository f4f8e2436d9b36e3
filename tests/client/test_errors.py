"""Typed errors, raised from real answers of the fake and of deliberately broken servers."""

from __future__ import annotations

import socket
import threading
import traceback
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from kapso_contacts_api.api.contacts import list_contacts as raw_list_contacts

from kapso_contacts import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    KapsoContacts,
    LegacyPaginationLimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from kapso_fake import FakeApp, FaultConfig, create_app
from kapso_fake.testing import SyncASGITransport, free_port

from .conftest import (
    BASE_URL,
    KEY,
    FakeTime,
    Stub,
    async_kapso_on,
    contact,
    kapso_on,
)

BAD_GATEWAY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def _fake(**options: Any) -> FakeApp:
    return create_app(api_keys=[KEY], contacts=30, seed=3, **options)


# --------------------------------------------------------------------------- from the fake


def test_a_wrong_key_raises_authentication_error_from_the_fake() -> None:
    with kapso_on(_fake(), api_key="wrong-key") as kapso, pytest.raises(AuthenticationError) as exc:
        kapso.list_contacts()
    assert exc.value.status_code == 401
    assert exc.value.body == {"error": "Invalid API key"}
    assert str(exc.value) == (
        "401 Unauthorized: Invalid API key. Check the API key (KAPSO_API_KEY or api_key=...)."
    )


@pytest.mark.anyio
async def test_async_a_wrong_key_raises_authentication_error_from_the_fake() -> None:
    async with async_kapso_on(_fake(), api_key="wrong-key") as kapso:
        with pytest.raises(AuthenticationError, match="Invalid API key"):
            await kapso.list_contacts()


def test_a_legacy_page_past_50_raises_with_the_limit_details_as_attributes() -> None:
    with kapso_on(_fake()) as kapso, pytest.raises(LegacyPaginationLimitExceededError) as exc:
        raw_list_contacts.sync_detailed(client=kapso.api, page=51, per_page=20)
    error = exc.value
    assert isinstance(error, BadRequestError)
    assert error.status_code == 400
    assert (error.requested_page, error.requested_per_page, error.requested_window) == (
        51,
        20,
        1020,
    )
    assert (error.max_page, error.max_window) == (50, 5000)
    assert error.cursor_example == "/platform/v1/whatsapp/contacts?limit=20"
    assert error.detail is not None and "Use cursor pagination" in error.detail
    assert str(error).startswith("400 Bad Request: Page 51 exceeds the maximum")


def test_a_refused_parameter_raises_bad_request_naming_it() -> None:
    with kapso_on(_fake()) as kapso, pytest.raises(BadRequestError) as exc:
        raw_list_contacts.sync_detailed(client=kapso.api, limit=200)
    assert type(exc.value) is BadRequestError
    assert exc.value.parameter == "limit"
    assert "Parameter: limit." in str(exc.value)


def test_too_many_requests_raises_rate_limit_error_with_retry_after(fake_time: FakeTime) -> None:
    app = _fake(rate_limit=1, clock=fake_time.monotonic)
    with kapso_on(app, retry_policy=fake_time.policy(max_retries=0, pace_rate_limit=False)) as k:
        k.list_contacts()
        with pytest.raises(RateLimitError) as exc:
            k.list_contacts()
    assert exc.value.retry_after == 60.0
    assert (exc.value.limit, exc.value.remaining) == (1, 0)
    assert "Rate limit exceeded" in str(exc.value)
    assert "Retry after 60 seconds" in str(exc.value)


@pytest.mark.parametrize("kind", ["500", "503"])
def test_a_server_error_raises_internal_server_error_after_retrying(
    kind: str, fake_time: FakeTime
) -> None:
    app = _fake(faults=FaultConfig(rate=1.0, kinds=(kind,)))
    kapso = kapso_on(app, retry_policy=fake_time.policy(max_retries=2))
    with kapso, pytest.raises(InternalServerError) as exc:
        kapso.list_contacts()
    assert exc.value.status_code == int(kind)
    assert isinstance(exc.value.body, dict)
    assert "try again later" in str(exc.value)
    assert len(fake_time.sleeps) == 2


def test_an_html_502_from_a_proxy_keeps_the_raw_text(fake_time: FakeTime) -> None:
    app = _fake(faults=FaultConfig(rate=1.0, kinds=("502",)))
    kapso = kapso_on(app, retry_policy=fake_time.policy(max_retries=0))
    with kapso, pytest.raises(InternalServerError) as exc:
        kapso.list_contacts()
    assert exc.value.body is None
    assert "<center><h1>502 Bad Gateway</h1></center>" in exc.value.text
    assert str(exc.value).startswith("502 Bad Gateway: the response is not JSON: '<html>")


@pytest.mark.anyio
async def test_async_an_html_502_from_a_proxy_keeps_the_raw_text(fake_time: FakeTime) -> None:
    app = _fake(faults=FaultConfig(rate=1.0, kinds=("502",)))
    async with async_kapso_on(app, retry_policy=fake_time.policy(max_retries=0)) as kapso:
        with pytest.raises(InternalServerError) as exc:
            await kapso.list_contacts()
    assert exc.value.body is None
    assert "502 Bad Gateway" in exc.value.text


def test_a_wrong_base_url_raises_not_found_with_a_hint() -> None:
    app = _fake()
    with (
        KapsoContacts(
            api_key=KEY, base_url="http://testserver/v1", transport=SyncASGITransport(app)
        ) as k,
        pytest.raises(NotFoundError, match="KAPSO_BASE_URL"),
    ):
        k.list_contacts()


# --------------------------------------------------------------------------- broken servers


def _answering(stub: Stub, response: httpx.Response) -> KapsoContacts:
    stub.script.append(response)
    return KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport(), max_retries=0)


@pytest.mark.parametrize("status", [520, 599, 999])
def test_a_status_outside_the_iana_list_raises_instead_of_crashing(stub: Stub, status: int) -> None:
    kapso = _answering(stub, httpx.Response(status, text="origin error"))
    with kapso, pytest.raises(APIStatusError) as exc:
        kapso.list_contacts()
    assert exc.value.status_code == status
    assert f"{status} (unknown status)" in str(exc.value)
    assert isinstance(exc.value, InternalServerError)


@pytest.mark.parametrize(
    ("status", "error"),
    [(403, PermissionDeniedError), (418, APIStatusError), (422, APIStatusError)],
)
def test_other_error_statuses_map_to_their_class_or_the_fallback(
    stub: Stub, status: int, error: type[APIStatusError]
) -> None:
    kapso = _answering(stub, httpx.Response(status, json={"error": "nope"}))
    with kapso, pytest.raises(error) as exc:
        kapso.list_contacts()
    assert type(exc.value) is error
    assert exc.value.body == {"error": "nope"}


def test_a_redirect_is_an_error_not_followed(stub: Stub) -> None:
    moved = httpx.Response(302, headers={"Location": "http://elsewhere/"})
    with _answering(stub, moved) as kapso, pytest.raises(APIStatusError, match="302 Found"):
        kapso.list_contacts()


def test_an_empty_error_body_says_so(stub: Stub) -> None:
    with _answering(stub, httpx.Response(500)) as kapso, pytest.raises(InternalServerError) as exc:
        kapso.list_contacts()
    assert "empty response body" in str(exc.value)
    assert exc.value.text == ""


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json={"data": [{"id": "not-a-uuid"}]}),
        httpx.Response(200, json=[1, 2]),
        httpx.Response(204),
    ],
    ids=["html", "bad-contact", "array", "no-content"],
)
def test_a_success_whose_body_breaks_the_contract_raises_validation_error(
    stub: Stub, response: httpx.Response
) -> None:
    with _answering(stub, response) as kapso, pytest.raises(APIResponseValidationError):
        kapso.list_contacts()


def test_a_legacy_page_where_a_cursor_page_was_asked_is_a_validation_error(stub: Stub) -> None:
    meta = {"page": 1, "per_page": 20, "total_pages": 1, "total_count": 1}
    legacy = httpx.Response(200, json={"data": [contact(1)], "meta": meta})
    with _answering(stub, legacy) as kapso, pytest.raises(APIResponseValidationError, match="meta"):
        kapso.list_contacts()


@pytest.fixture
def closed_port() -> int:
    return free_port()


def test_an_unreachable_server_raises_connection_error_naming_the_url(
    closed_port: int, fake_time: FakeTime
) -> None:
    url = f"http://127.0.0.1:{closed_port}/platform/v1"
    with (
        KapsoContacts(api_key=KEY, base_url=url, retry_policy=fake_time.policy(max_retries=2)) as k,
        pytest.raises(APIConnectionError) as exc,
    ):
        k.list_contacts()
    assert not isinstance(exc.value, APITimeoutError)
    assert url in str(exc.value)
    assert "ConnectError" in str(exc.value)
    assert len(fake_time.sleeps) == 2


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/platform/v1"
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_raises_timeout_error(
    silent_server: str, fake_time: FakeTime
) -> None:
    policy = fake_time.policy(max_retries=1)
    k = KapsoContacts(api_key=KEY, base_url=silent_server, timeout=0.2, retry_policy=policy)
    with k, pytest.raises(APITimeoutError) as exc:
        k.list_contacts()
    assert "did not answer in time" in str(exc.value)
    assert isinstance(exc.value, APIConnectionError)


@pytest.mark.anyio
async def test_async_a_server_that_never_answers_raises_timeout_error(
    silent_server: str, fake_time: FakeTime
) -> None:
    from kapso_contacts import AsyncKapsoContacts

    policy = fake_time.policy(max_retries=0)
    async with AsyncKapsoContacts(
        api_key=KEY, base_url=silent_server, timeout=0.2, retry_policy=policy
    ) as kapso:
        with pytest.raises(APITimeoutError):
            await kapso.list_contacts()


def test_errors_keep_the_response_and_a_readable_traceback(stub: Stub) -> None:
    kapso = _answering(stub, httpx.Response(503, json={"error": "busy"}))
    with kapso, pytest.raises(InternalServerError) as exc:
        kapso.list_contacts()
    assert exc.value.response.status_code == 503
    assert exc.value.request is not None
    text = "".join(traceback.format_exception(exc.value))
    assert "InternalServerError: 503 Service Unavailable: busy." in text


# --------------------------------------------------------------------------- bugs of ours


def test_a_type_error_from_our_own_code_surfaces_as_itself(
    stub: Stub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the parsing of a body becomes APIResponseValidationError; a bug stays a bug."""

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("a bug in the client")

    monkeypatch.setattr("kapso_contacts._base_client.parse_listing", broken)
    with _answering(stub, httpx.Response(200)) as kapso, pytest.raises(TypeError, match="a bug"):
        kapso.list_contacts()


def test_a_type_error_from_a_transport_surfaces_as_itself() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise TypeError("a bug in a custom transport")

    kapso = KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=httpx.MockTransport(broken))
    with kapso, pytest.raises(TypeError, match="custom transport"):
        kapso.list_contacts()


def test_the_generated_client_underneath_raises_connection_errors_typed_too(
    closed_port: int, fake_time: FakeTime
) -> None:
    url = f"http://127.0.0.1:{closed_port}/platform/v1"
    policy = fake_time.policy(max_retries=0)
    kapso = KapsoContacts(api_key=KEY, base_url=url, retry_policy=policy)
    with kapso, pytest.raises(APIConnectionError, match=url):
        raw_list_contacts.sync_detailed(client=kapso.api, limit=1)
