"""The suite's transport: request budget, pacing by the rate-limit headers, Retry-After on 429."""

from __future__ import annotations

import httpx
import pytest

from contract_tests._transport import BudgetExhausted, BudgetTransport, RequestLog
from kapso_contacts.contract import default_contract

RATE = default_contract().rate_limit


def _client(answers: list[httpx.Response], budget: int | None, sleeps: list[float]) -> httpx.Client:
    queue = iter(answers)
    inner = httpx.MockTransport(lambda request: next(queue))
    log = RequestLog(default_contract().api_key_header)
    transport = BudgetTransport(inner, log, budget=budget, rate_limit=RATE, sleep=sleeps.append)
    return httpx.Client(transport=transport, base_url="http://127.0.0.1:9")


def test_refuses_to_send_past_the_budget() -> None:
    client = _client([httpx.Response(200)] * 3, budget=2, sleeps=[])
    client.get("/a")
    client.get("/b")
    with pytest.raises(BudgetExhausted, match="budget of 2 spent"):
        client.get("/c")


def test_waits_out_retry_after_on_429_then_retries() -> None:
    sleeps: list[float] = []
    limited = httpx.Response(429, headers={"Retry-After": "7", RATE.remaining_header: "0"})
    client = _client([limited, httpx.Response(200)], budget=None, sleeps=sleeps)
    assert client.get("/").status_code == 200
    assert sleeps == [7.0]


def test_does_not_wait_when_retry_after_exceeds_the_cap() -> None:
    sleeps: list[float] = []
    client = _client([httpx.Response(429, headers={"Retry-After": "3600"})], None, sleeps)
    assert client.get("/").status_code == 429
    assert sleeps == []


def test_spreads_requests_when_few_remain_and_waits_a_window_at_zero() -> None:
    """The contract's window and headers: spread over the window, then wait a whole one."""
    sleeps: list[float] = []
    limit, remaining = RATE.limit_header, RATE.remaining_header
    low = httpx.Response(200, headers={limit: "100", remaining: "3"})
    none = httpx.Response(200, headers={limit: "100", remaining: "0"})
    client = _client([low, none, httpx.Response(200)], budget=None, sleeps=sleeps)
    client.get("/")
    client.get("/")
    client.get("/")
    assert sleeps == [RATE.window_seconds / 100, RATE.window_seconds]
