"""The test switches in front of the fake: faults, the rate limit, and the request log."""

from __future__ import annotations

import time

import httpx
import pytest

from kapso_fake import FAULT_KINDS, FakeApp, FaultConfig, create_app
from kapso_fake.app import MAX_RECORDED

from .conftest import CONTRACT, KEY, PATH, client_for

RATE = CONTRACT.rate_limit


def _app(**options: object) -> FakeApp:
    return create_app(api_keys=[KEY, "other-key"], contacts=10, seed=1, **options)  # type: ignore[arg-type]


def _statuses(config: FaultConfig, n: int = 40) -> list[int]:
    with client_for(_app(faults=config)) as client:
        return [client.get(PATH).status_code for _ in range(n)]


# -- faults -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [("500", 500, {"error": "Internal server error"}),
     ("503", 503, {"error": "Service unavailable"}),
     ("429", 429, {"error": "Rate limit exceeded", "message": "Retry after 2 seconds."})],
)  # fmt: skip
def test_each_fault_has_its_status_and_body(kind: str, status: int, body: object) -> None:
    app = _app(faults=FaultConfig(rate=1, kinds=(kind,), retry_after=2))
    with client_for(app, key=None) as client:  # faults come before authentication
        response = client.get(PATH)
    assert (response.status_code, response.json()) == (status, body)
    assert response.headers.get("retry-after") == ("2" if kind == "429" else None)


def test_a_502_is_a_proxy_s_html_page() -> None:
    with client_for(_app(faults=FaultConfig(rate=1, kinds=("502",)))) as client:
        response = client.get(PATH)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text


def test_a_delay_answers_normally_but_late() -> None:
    app = _app(faults=FaultConfig(rate=1, kinds=("delay",), delay=0.05))
    with client_for(app) as client:
        started = time.perf_counter()
        response = client.get(PATH)
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.05


def test_faults_are_the_same_for_a_seed_and_follow_the_rate() -> None:
    config = FaultConfig(rate=0.5, seed=3, kinds=("500", "503", "429"))
    first = _statuses(config)
    assert first == _statuses(config)
    assert first != _statuses(FaultConfig(rate=0.5, seed=4, kinds=("500", "503", "429")))
    assert {200, 500, 503, 429} <= set(first)
    share = _statuses(FaultConfig(rate=0.25, seed=1, kinds=("503",)), n=400).count(503)
    assert 60 <= share <= 140
    assert set(_statuses(FaultConfig(rate=0.0))) == {200}


def test_faults_switch_on_and_off_while_serving() -> None:
    app = _app()
    with client_for(app) as client:
        assert client.get(PATH).status_code == 200
        app.inject_faults(FaultConfig(rate=1, kinds=("503",)))
        assert client.get(PATH).status_code == 503
        app.inject_faults(None)
        assert client.get(PATH).status_code == 200


@pytest.mark.parametrize(
    "kwargs", [{"rate": 1.5}, {"rate": -0.1}, {"kinds": ("418",)}, {"kinds": ()}, {"delay": -1}]
)
def test_bad_fault_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"fault|delay"):
        FaultConfig(**kwargs)  # type: ignore[arg-type]
    assert set(FAULT_KINDS) == {"500", "502", "503", "429", "delay"}


# -- the rate limit -----------------------------------------------------------


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 120.0  # the start of a window of any length that divides 120

    def __call__(self) -> float:
        return self.now


def test_the_limit_headers_count_down_then_429_says_when_the_window_ends() -> None:
    clock = Clock()
    with client_for(_app(rate_limit=3, clock=clock)) as client:
        remaining = []
        for _ in range(3):
            response = client.get(PATH)
            assert response.status_code == 200
            assert response.headers[RATE.limit_header] == "3"
            remaining.append(response.headers[RATE.remaining_header])
        clock.now += 15.5
        limited = client.get(PATH)
    assert remaining == ["2", "1", "0"]
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "45"  # 44.5 s left in the spec's 60-s window
    assert (limited.headers[RATE.limit_header], limited.headers[RATE.remaining_header]) == (
        "3",
        "0",
    )
    assert limited.json() == {
        "error": "Rate limit exceeded",
        "message": "Too many requests. Retry after 45 seconds.",
    }


def test_each_key_has_its_own_budget_and_a_new_window_resets_it() -> None:
    clock = Clock()
    app = _app(rate_limit=1, clock=clock)
    with client_for(app) as mine, client_for(app, key="other-key") as theirs:
        assert mine.get(PATH).status_code == 200
        assert mine.get(PATH).status_code == 429
        assert theirs.get(PATH).status_code == 200
        clock.now += RATE.window_seconds
        assert mine.get(PATH).status_code == 200


def test_a_window_set_while_serving_is_the_one_retry_after_states() -> None:
    clock = Clock()
    app = _app()
    app.limit_rate(2, window_seconds=3, clock=clock)
    with client_for(app) as client:
        assert [client.get(PATH).status_code for _ in range(2)] == [200, 200]
        clock.now += 0.4
        limited = client.get(PATH)
        clock.now += 2.6
        again = client.get(PATH)
        app.limit_rate(None)
        unlimited = [client.get(PATH) for _ in range(5)]
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "3")  # 2.6 s, rounded up
    assert again.status_code == 200
    assert {r.status_code for r in unlimited} == {200}
    assert RATE.limit_header.lower() not in unlimited[0].headers


def test_refusals_carry_the_limit_headers_too_and_count() -> None:
    with client_for(_app(rate_limit=2, clock=Clock())) as client:
        bad = client.get(PATH, params={"limit": 0})
        unauthorized = client.get(PATH, headers={"X-API-Key": "wrong"})
        served = client.get(PATH)
        limited = client.get(PATH)
        elsewhere = client.get("/nowhere")  # not the API: neither counted nor limited
    for response, status in ((bad, 400), (unauthorized, 401), (served, 200), (limited, 429)):
        assert response.status_code == status
        assert response.headers[RATE.limit_header] == "2"
    assert unauthorized.headers[RATE.remaining_header] == "1"  # a bucket of its own key
    assert elsewhere.status_code == 404
    assert RATE.limit_header not in elsewhere.headers


@pytest.mark.parametrize(("limit", "window"), [(0, None), (1, 0.0), (1, -2.0)])
def test_a_limit_below_one_or_an_empty_window_is_refused(limit: int, window: float | None) -> None:
    with pytest.raises(ValueError, match="at least 1 request per positive window"):
        _app().limit_rate(limit, window)


# -- the request log ----------------------------------------------------------


def test_each_request_is_recorded_with_its_status_and_the_key_masked() -> None:
    app = _app(faults=FaultConfig(rate=0))
    with client_for(app) as client:
        client.get(f"{PATH}?limit=2&has_customer=true&limit=3")
        client.get(PATH, params={"limit": "0"}, headers={"X-Trace": "t-1"})
        client.post(PATH)
        client.get(PATH, headers={"X-API-Key": "a-wrong-key"})
    first, refused, posted, stranger = app.requests
    assert (first.method, first.path, first.status) == ("GET", PATH, 200)
    assert first.query == (("limit", "2"), ("has_customer", "true"), ("limit", "3"))
    assert first.headers["x-api-key"] == "***"
    assert (refused.status, refused.headers["x-trace"]) == (400, "t-1")
    assert (posted.method, posted.status) == ("POST", 405)
    assert (stranger.status, stranger.headers["x-api-key"]) == (401, "***")
    assert KEY not in repr(list(app.requests)) and "a-wrong-key" not in repr(list(app.requests))
    assert app.requests.maxlen == MAX_RECORDED


def test_faults_and_429s_are_recorded_as_answered() -> None:
    app = _app(faults=FaultConfig(rate=1, kinds=("502",)))
    with client_for(app) as client:
        client.get(PATH)
        app.inject_faults(None)
        app.limit_rate(1, clock=Clock())
        client.get(PATH)
        client.get(PATH)
    assert [r.status for r in app.requests] == [502, 200, 429]


def test_the_log_can_be_cleared(client: httpx.Client, shared_app: FakeApp) -> None:
    client.get(PATH, params={"limit": 1})
    assert shared_app.requests
    shared_app.requests.clear()
    client.get(PATH, params={"limit": 2})
    assert [r.query for r in shared_app.requests] == [(("limit", "2"),)]
