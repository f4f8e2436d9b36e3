"""Typed errors, from the fake's real answers and from deliberately broken servers."""

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
    AsyncKapsoContacts,
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
from kapso_fake.server import free_port, transport

from .conftest import BASE_URL, KEY, FakeTime, Stub, contact

HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def _fake(**options: Any) -> FakeApp:
    return create_app(api_keys=[KEY], contacts=30, seed=3, **options)


def _on(app: FakeApp, *, api_key: str = KEY, **options: Any) -> KapsoContacts:
    return KapsoContacts(api_key=api_key, base_url=BASE_URL, transport=transport(app), **options)


# --------------------------------------------------------------------------- from the fake


def test_a_wrong_key_raises_authentication_error() -> None:
    with _on(_fake(), api_key="wrong-key") as kapso, pytest.raises(AuthenticationError) as exc:
        kapso.list_contacts()
    assert exc.value.status_code == 401
    assert exc.value.body == {"error": "Invalid API key"}
    assert str(exc.value) == (
        "401 Unauthorized: Invalid API key. Check the API key (KAPSO_API_KEY or api_key=...)."
    )


@pytest.mark.anyio
async def test_async_a_wrong_key_raises_authentication_error() -> None:
    app = _fake()
    async with AsyncKapsoContacts(
        api_key="wrong", base_url=BASE_URL, transport=httpx.ASGITransport(app=app)
    ) as kapso:
        with pytest.raises(AuthenticationError, match="Invalid API key"):
            await kapso.list_contacts()


def test_a_legacy_page_past_the_limit_raises_with_the_limit_details() -> None:
    with _on(_fake()) as kapso, pytest.raises(LegacyPaginationLimitExceededError) as exc:
        raw_list_contacts.sync_detailed(client=kapso.api, page=51, per_page=20)
    error = exc.value
    assert isinstance(error, BadRequestError)
    assert (error.requested_page, error.requested_per_page, error.requested_window) == (
        51,
        20,
        1020,
    )
    assert (error.max_page, error.max_window) == (50, 5000)
    assert error.cursor_example == "/platform/v1/whatsapp/contacts?limit=20"
    assert error.detail is not None and str(error).startswith(f"400 Bad Request: {error.detail}")


def test_a_refused_parameter_raises_bad_request_naming_it() -> None:
    with _on(_fake()) as kapso, pytest.raises(BadRequestError) as exc:
        raw_list_contacts.sync_detailed(client=kapso.api, limit=200)
    assert type(exc.value) is BadRequestError
    assert exc.value.parameter == "limit"
    assert str(exc.value).endswith("Parameter: limit.")


def test_a_base64_cursor_the_server_cannot_read_is_a_404_naming_it() -> None:
    with _on(_fake()) as kapso, pytest.raises(NotFoundError) as exc:
        kapso.list_contacts(after="Z2FyYmFnZQ==")
    assert exc.value.parameter == "after"
    assert "a cursor is good only on the server that issued it" in str(exc.value)


def test_a_wrong_base_path_raises_not_found_with_a_hint() -> None:
    app = _fake()
    with (
        KapsoContacts(api_key=KEY, base_url="http://testserver/v1", transport=transport(app)) as k,
        pytest.raises(NotFoundError, match=r"KAPSO_BASE_URL.*/platform/v1") as exc,
    ):
        k.list_contacts()
    assert exc.value.parameter is None


def test_too_many_requests_raises_rate_limit_error_with_what_the_headers_said(
    fake_time: FakeTime,
) -> None:
    app = _fake(rate_limit=1, clock=fake_time.monotonic)
    with _on(app, retry_policy=fake_time.policy(max_retries=0)) as kapso:
        kapso.list_contacts()
        with pytest.raises(RateLimitError) as exc:
            kapso.list_contacts()
    assert exc.value.retry_after == 60.0
    assert (exc.value.limit, exc.value.remaining) == (1, 0)
    assert "Retry after 60 seconds" in str(exc.value)


@pytest.mark.parametrize("kind", ["500", "503"])
def test_a_server_error_raises_internal_server_error_after_retrying(
    kind: str, fake_time: FakeTime
) -> None:
    app = _fake(faults=FaultConfig(rate=1.0, kinds=(kind,)))
    with (
        _on(app, retry_policy=fake_time.policy(max_retries=2)) as kapso,
        pytest.raises(InternalServerError) as exc,
    ):
        kapso.list_contacts()
    assert exc.value.status_code == int(kind)
    assert isinstance(exc.value.body, dict)
    assert str(exc.value).endswith("The server failed; try again later. Gave up after 2 retries.")
    assert len(fake_time.sleeps) == 2


def test_an_html_502_from_a_proxy_keeps_the_raw_text(fake_time: FakeTime) -> None:
    app = _fake(faults=FaultConfig(rate=1.0, kinds=("502",)))
    with (
        _on(app, retry_policy=fake_time.policy(max_retries=0)) as kapso,
        pytest.raises(InternalServerError) as exc,
    ):
        kapso.list_contacts()
    assert exc.value.body is None
    assert exc.value.text == HTML_502
    assert str(exc.value).startswith("502 Bad Gateway: the response is not JSON: '<html>")


# --------------------------------------------------------------------------- broken servers


def _answering(stub: Stub, response: httpx.Response) -> KapsoContacts:
    stub.script.append(response)
    return KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport(), max_retries=0)


@pytest.mark.parametrize("status", [520, 599])
def test_a_status_outside_the_iana_list_is_a_server_error(stub: Stub, status: int) -> None:
    with (
        _answering(stub, httpx.Response(status, text="origin error")) as kapso,
        pytest.raises(InternalServerError, match=f"{status} \\(unknown status\\)"),
    ):
        kapso.list_contacts()


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (403, PermissionDeniedError),
        (418, APIStatusError),
        (422, APIStatusError),
        (302, APIStatusError),
    ],
)
def test_other_statuses_map_to_their_class_or_the_fallback(
    stub: Stub, status: int, error: type[APIStatusError]
) -> None:
    response = httpx.Response(status, json={"error": "nope"}, headers={"Location": "http://x/"})
    with _answering(stub, response) as kapso, pytest.raises(error) as exc:
        kapso.list_contacts()
    assert type(exc.value) is error
    assert exc.value.body == {"error": "nope"}


def test_an_undocumented_422_naming_a_parameter_keeps_it(stub: Stub) -> None:
    """A server reading ``x-kapso-refusal`` as 422: the body still names the parameter."""
    response = httpx.Response(422, json={"error": "limit is wrong", "parameter": "limit"})
    with _answering(stub, response) as kapso, pytest.raises(APIStatusError) as exc:
        kapso.list_contacts()
    assert exc.value.parameter == "limit"
    assert type(exc.value.model).__name__ == "Error"


def test_an_empty_error_body_says_so(stub: Stub) -> None:
    with _answering(stub, httpx.Response(500)) as kapso, pytest.raises(InternalServerError) as exc:
        kapso.list_contacts()
    assert "empty response body" in str(exc.value)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json={"data": [{"id": "x"}], "paging": {}}),  # no created_at
        httpx.Response(200, json={"data": [1], "paging": {}}),
        httpx.Response(200, json=[1, 2]),
        httpx.Response(200, json={"data": [], "paging": {"next": 5}}),
        httpx.Response(204),
    ],
    ids=["html", "missing-required", "not-an-object", "array", "number-cursor", "no-content"],
)
def test_a_success_whose_body_breaks_the_contract_is_a_validation_error(
    stub: Stub, response: httpx.Response
) -> None:
    with _answering(stub, response) as kapso, pytest.raises(APIResponseValidationError) as exc:
        kapso.list_contacts()
    assert exc.value.status_code in (200, 204)


def test_a_legacy_page_where_a_cursor_page_was_asked_is_a_validation_error(stub: Stub) -> None:
    """Issue 20: a page without ``paging`` when cursor mode was asked."""
    legacy = httpx.Response(200, json={"data": [contact(1)], "meta": {"page": 1, "total_count": 1}})
    with (
        _answering(stub, legacy) as kapso,
        pytest.raises(APIResponseValidationError, match=r"without `paging`.*`meta` page"),
    ):
        kapso.list_contacts()


def test_a_contact_whose_values_do_not_fit_the_model_fails_on_data(stub: Stub) -> None:
    document = {"data": [{**contact(1), "id": "not-a-uuid"}], "paging": {"next": None}}
    with _answering(stub, httpx.Response(200, json=document)) as kapso:
        page = kapso.list_contacts()
        assert page.raw_data[0]["id"] == "not-a-uuid"
        with pytest.raises(APIResponseValidationError, match="ValueError"):
            _ = page.data


def test_an_unreachable_server_raises_connection_error_naming_the_url(fake_time: FakeTime) -> None:
    url = f"http://127.0.0.1:{free_port()}/platform/v1"
    with KapsoContacts(
        api_key=KEY, base_url=url, retry_policy=fake_time.policy(max_retries=2)
    ) as k:
        with pytest.raises(APIConnectionError) as exc:
            k.list_contacts()
        with pytest.raises(APIConnectionError, match=url):
            raw_list_contacts.sync_detailed(client=k.api, limit=1)  # the generated client too
    assert not isinstance(exc.value, APITimeoutError)
    assert str(exc.value).startswith(
        f"Could not reach the API at {url}/whatsapp/contacts (ConnectError"
    )
    assert str(exc.value).endswith("Gave up after 2 retries.")


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
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


@pytest.mark.anyio
async def test_a_server_that_never_answers_raises_timeout_error(
    silent_server: str, fake_time: FakeTime
) -> None:
    policy = fake_time.policy(max_retries=1)
    with (
        KapsoContacts(api_key=KEY, base_url=silent_server, timeout=0.2, retry_policy=policy) as k,
        pytest.raises(APITimeoutError, match="did not answer in time"),
    ):
        k.list_contacts()
    async with AsyncKapsoContacts(
        api_key=KEY, base_url=silent_server, timeout=0.2, max_retries=0
    ) as kapso:
        with pytest.raises(APITimeoutError):
            await kapso.list_contacts()


def test_errors_keep_the_response_and_a_readable_traceback(stub: Stub) -> None:
    with (
        _answering(stub, httpx.Response(503, json={"error": "busy"})) as kapso,
        pytest.raises(InternalServerError) as exc,
    ):
        kapso.list_contacts()
    assert exc.value.response.status_code == 503
    assert exc.value.request is not None
    text = "".join(traceback.format_exception(exc.value))
    assert "InternalServerError: 503 Service Unavailable: busy." in text


def test_a_bug_in_a_custom_transport_surfaces_as_itself() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise TypeError("a bug in a custom transport")

    kapso = KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=httpx.MockTransport(broken))
    with kapso, pytest.raises(TypeError, match="custom transport"):
        kapso.list_contacts()
