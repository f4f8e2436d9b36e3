"""The way in: one constructor, configured from arguments or the environment, safe defaults."""

from __future__ import annotations

import httpx
import pytest
from kapso_contacts_api import AuthenticatedClient
from kapso_contacts_api.api.contacts import list_contacts as raw_list_contacts
from kapso_contacts_api.models import ContactList

from kapso_contacts import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    AsyncKapsoContacts,
    AuthenticationError,
    KapsoContacts,
    MissingAPIKeyError,
    RetryPolicy,
)

from .conftest import BASE_URL, KEY, FakeTime, Stub


def test_reads_the_key_and_base_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, stub: Stub
) -> None:
    monkeypatch.setenv("KAPSO_API_KEY", "env-key")
    monkeypatch.setenv("KAPSO_BASE_URL", "http://env.example/platform/v1/")
    with KapsoContacts(transport=stub.transport()) as kapso:
        kapso.list_contacts()
    request = stub.requests[0]
    assert request.headers["X-API-Key"] == "env-key"
    assert str(request.url).startswith("http://env.example/platform/v1/whatsapp/contacts?")


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, stub: Stub) -> None:
    monkeypatch.setenv("KAPSO_API_KEY", "env-key")
    monkeypatch.setenv("KAPSO_BASE_URL", "http://env.example/platform/v1")
    with KapsoContacts(api_key="arg-key", base_url=BASE_URL, transport=stub.transport()) as kapso:
        kapso.list_contacts()
    assert stub.requests[0].headers["X-API-Key"] == "arg-key"
    assert stub.requests[0].url.host == "testserver"


def test_defaults_to_kapsos_production_url() -> None:
    with KapsoContacts(api_key=KEY) as kapso:
        assert kapso.base_url == DEFAULT_BASE_URL == "https://api.kapso.ai/platform/v1"


def test_a_missing_key_is_an_error_that_says_where_to_put_one() -> None:
    with pytest.raises(MissingAPIKeyError, match="KAPSO_API_KEY"):
        KapsoContacts()


@pytest.mark.parametrize("key", ["", "   "])
def test_a_blank_key_counts_as_missing(key: str) -> None:
    with pytest.raises(MissingAPIKeyError):
        KapsoContacts(api_key=key)


def test_timeouts_are_finite_by_default() -> None:
    with KapsoContacts(api_key=KEY) as kapso:
        timeout = kapso.api.get_httpx_client().timeout
    assert timeout.connect == 5.0
    assert timeout.read == 30.0
    assert None not in (timeout.connect, timeout.read, timeout.write, timeout.pool)


def test_a_number_timeout_applies_to_every_phase() -> None:
    with KapsoContacts(api_key=KEY, timeout=2.5) as kapso:
        assert kapso.api.get_httpx_client().timeout == httpx.Timeout(2.5)


def test_max_retries_overrides_the_policy() -> None:
    policy = RetryPolicy(max_retries=3, initial_delay=0.1)
    with KapsoContacts(api_key=KEY, max_retries=1, retry_policy=policy) as kapso:
        assert kapso.retry_policy.max_retries == 1
        assert kapso.retry_policy.initial_delay == 0.1
    with KapsoContacts(api_key=KEY) as kapso:
        assert kapso.retry_policy.max_retries == DEFAULT_MAX_RETRIES


def test_retry_policy_refuses_negative_settings() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="initial_delay"):
        RetryPolicy(initial_delay=-0.5)


def test_api_is_the_generated_client_sending_the_key_with_typed_errors(stub: Stub) -> None:
    stub.script.append(httpx.Response(401, json={"error": "Invalid API key"}))
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as kapso:
        assert isinstance(kapso.api, AuthenticatedClient)
        with pytest.raises(AuthenticationError):
            raw_list_contacts.sync_detailed(client=kapso.api, limit=2)
        page = raw_list_contacts.sync(client=kapso.api, limit=2)
    assert isinstance(page, ContactList)
    assert [r.headers["X-API-Key"] for r in stub.requests] == [KEY, KEY]


def test_sends_a_user_agent(stub: Stub) -> None:
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as kapso:
        kapso.list_contacts()
    assert stub.requests[0].headers["User-Agent"].startswith("kapso-contacts")


def test_the_context_manager_closes_the_connections(stub: Stub) -> None:
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as kapso:
        pass
    assert kapso.api.get_httpx_client().is_closed
    with pytest.raises(RuntimeError):
        kapso.list_contacts()


def test_closing_the_client_closes_the_transport_it_wraps() -> None:
    closed: list[str] = []

    class Inner(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(500)

        def close(self) -> None:
            closed.append("inner")

    KapsoContacts(api_key=KEY, transport=Inner()).close()
    assert closed == ["inner"]


@pytest.mark.anyio
async def test_async_client_reads_the_environment_and_closes(
    monkeypatch: pytest.MonkeyPatch, stub: Stub
) -> None:
    monkeypatch.setenv("KAPSO_API_KEY", "env-key")
    async with AsyncKapsoContacts(base_url=BASE_URL, transport=stub.transport()) as kapso:
        page = await kapso.list_contacts(limit=2)
        assert len(page.data) == 2
    assert stub.requests[0].headers["X-API-Key"] == "env-key"
    assert kapso.api.get_async_httpx_client().is_closed


@pytest.mark.anyio
async def test_async_client_has_the_same_safe_defaults() -> None:
    with pytest.raises(MissingAPIKeyError):
        AsyncKapsoContacts()
    async with AsyncKapsoContacts(api_key=KEY) as kapso:
        timeout = kapso.api.get_async_httpx_client().timeout
        assert (timeout.connect, timeout.read) == (5.0, 30.0)
        assert kapso.retry_policy.max_retries == DEFAULT_MAX_RETRIES


def test_fake_time_policy_is_used_for_waiting(fake_time: FakeTime, stub: Stub) -> None:
    stub.script.append(httpx.Response(503))
    with KapsoContacts(
        api_key=KEY,
        base_url=BASE_URL,
        transport=stub.transport(),
        retry_policy=fake_time.policy(),
    ) as kapso:
        kapso.list_contacts()
    assert fake_time.sleeps == [0.5]
