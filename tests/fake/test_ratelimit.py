"""Per-key rate limiting: headers on every answer, 429 with Retry-After past the limit."""

from __future__ import annotations

import pytest

from kapso_fake import ContactStore, create_app

from .conftest import KEY, PATH, client_for


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 120.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def small_store() -> ContactStore:
    return create_app(api_keys=[KEY], contacts=10, seed=1).state.store


def test_limit_headers_count_down_then_429(clock: Clock, small_store: ContactStore) -> None:
    app = create_app(api_keys=[KEY, "other"], store=small_store, rate_limit=3, clock=clock)
    with client_for(app) as client:
        remaining = []
        for _ in range(3):
            response = client.get(PATH)
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "3"
            remaining.append(response.headers["x-ratelimit-remaining"])
        assert remaining == ["2", "1", "0"]
        clock.now += 15
        limited = client.get(PATH)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "45"
    assert limited.headers["x-ratelimit-limit"] == "3"
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.json() == {
        "error": "Rate limit exceeded",
        "message": "Too many requests. Retry after 45 seconds.",
    }


def test_each_key_has_its_own_budget_and_a_new_minute_resets(
    clock: Clock, small_store: ContactStore
) -> None:
    app = create_app(api_keys=[KEY, "other"], store=small_store, rate_limit=1, clock=clock)
    with client_for(app) as mine, client_for(app, key="other") as theirs:
        assert mine.get(PATH).status_code == 200
        assert mine.get(PATH).status_code == 429
        assert theirs.get(PATH).status_code == 200
        clock.now += 60
        assert mine.get(PATH).status_code == 200


def test_a_shorter_window_resets_sooner_and_says_so_in_retry_after(
    clock: Clock, small_store: ContactStore
) -> None:
    app = create_app(api_keys=[KEY], store=small_store, rate_limit=1, rate_window=4.0, clock=clock)
    with client_for(app) as client:
        assert client.get(PATH).status_code == 200
        clock.now += 1
        limited = client.get(PATH)
        clock.now += 3
        again = client.get(PATH)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "3"
    assert again.status_code == 200


def test_errors_carry_the_headers_too(clock: Clock, small_store: ContactStore) -> None:
    app = create_app(api_keys=[KEY], store=small_store, rate_limit=5, clock=clock)
    with client_for(app) as client, client_for(app, key="wrong") as stranger:
        bad = client.get(PATH, params={"limit": 0})
        unauthorized = stranger.get(PATH)
        missing = client.get("/nowhere")
    for response, status in ((bad, 400), (unauthorized, 401), (missing, 404)):
        assert response.status_code == status
        assert response.headers["x-ratelimit-limit"] == "5"
        assert "x-ratelimit-remaining" in response.headers


def test_no_headers_without_a_limit(small_store: ContactStore) -> None:
    app = create_app(api_keys=[KEY], store=small_store)
    with client_for(app) as client:
        response = client.get(PATH)
    assert "x-ratelimit-limit" not in response.headers
    assert "x-ratelimit-remaining" not in response.headers


def test_a_limit_below_one_is_refused(small_store: ContactStore) -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        create_app(api_keys=[KEY], store=small_store, rate_limit=0)
