"""Logging behind KAPSO_LOG: debug logs each request and retry, info only retries and pauses."""

from __future__ import annotations

import httpx
import pytest

from kapso_contacts import KapsoContacts

from .conftest import BASE_URL, KEY, FakeTime, Stub


def _walk(stub: Stub, fake_time: FakeTime) -> None:
    with KapsoContacts(
        api_key=KEY, base_url=BASE_URL, transport=stub.transport(), retry_policy=fake_time.policy()
    ) as kapso:
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
    requests = [line for line in lines if "HTTP request: GET" in line]
    assert len(requests) == 4  # one 429, then three pages
    assert sum("-> 200" in line for line in lines) == 3
    assert any("Retrying in 2.00 s (retry 1 of 8) after status 429" in line for line in lines)
    assert all(line.startswith("[") and " kapso] " in line for line in lines)


def test_info_logs_retries_and_rate_limit_pauses_but_not_requests(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stub: Stub,
    fake_time: FakeTime,
) -> None:
    monkeypatch.setenv("KAPSO_LOG", "info")
    stub.script.append(httpx.Response(502))
    stub.headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "1"}
    _walk(stub, fake_time)
    err = capsys.readouterr().err
    assert "HTTP request" not in err
    assert "Retrying in 0.50 s (retry 1 of 8) after status 502" in err
    assert "X-RateLimit-Remaining reached 0: waiting 60.00 s" in err


def test_building_clients_repeatedly_adds_one_handler(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stub: Stub
) -> None:
    monkeypatch.setenv("KAPSO_LOG", "debug")
    for _ in range(3):
        KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()).close()
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as kapso:
        kapso.list_contacts()
    assert capsys.readouterr().err.count("HTTP request: GET") == 1
