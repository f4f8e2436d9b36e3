"""Fault injection: each kind, reproducible for a seed, off by default."""

from __future__ import annotations

import time

import pytest

from kapso_fake import FAULT_KINDS, ContactStore, FaultConfig, create_app

from .conftest import KEY, PATH, client_for


@pytest.fixture(scope="module")
def store() -> ContactStore:
    return create_app(api_keys=[KEY], contacts=10, seed=1).state.store


def _statuses(store: ContactStore, config: FaultConfig, n: int = 40) -> list[int]:
    app = create_app(api_keys=[KEY], store=store, faults=config)
    with client_for(app) as client:
        return [client.get(PATH).status_code for _ in range(n)]


def test_500(store: ContactStore) -> None:
    app = create_app(api_keys=[KEY], store=store, faults=FaultConfig(rate=1, kinds=("500",)))
    with client_for(app) as client:
        response = client.get(PATH)
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error"}


def test_502_is_a_proxys_html_page(store: ContactStore) -> None:
    app = create_app(api_keys=[KEY], store=store, faults=FaultConfig(rate=1, kinds=("502",)))
    with client_for(app) as client:
        response = client.get(PATH)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text


def test_503(store: ContactStore) -> None:
    app = create_app(api_keys=[KEY], store=store, faults=FaultConfig(rate=1, kinds=("503",)))
    with client_for(app) as client:
        assert client.get(PATH).status_code == 503


def test_429_has_a_short_retry_after(store: ContactStore) -> None:
    config = FaultConfig(rate=1, kinds=("429",), retry_after=2)
    app = create_app(api_keys=[KEY], store=store, faults=config)
    with client_for(app) as client:
        response = client.get(PATH)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.json()["error"] == "Rate limit exceeded"


def test_delay_answers_normally_but_late(store: ContactStore) -> None:
    config = FaultConfig(rate=1, kinds=("delay",), delay=0.05)
    app = create_app(api_keys=[KEY], store=store, faults=config)
    with client_for(app) as client:
        started = time.perf_counter()
        response = client.get(PATH)
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.05


def test_faults_are_reproducible_for_a_seed(store: ContactStore) -> None:
    config = FaultConfig(rate=0.5, seed=3, kinds=("500", "503", "429"))
    first = _statuses(store, config)
    assert first == _statuses(store, config)
    assert first != _statuses(store, FaultConfig(rate=0.5, seed=4, kinds=("500", "503", "429")))
    assert {200, 500, 503, 429} <= set(first)


def test_the_share_of_faults_follows_the_rate(store: ContactStore) -> None:
    statuses = _statuses(store, FaultConfig(rate=0.25, seed=1, kinds=("503",)), n=400)
    assert 60 <= statuses.count(503) <= 140


def test_fault_rate_argument_and_zero_rate(store: ContactStore) -> None:
    app = create_app(api_keys=[KEY], store=store, fault_rate=1.0, seed=5)
    with client_for(app) as client:
        assert all(client.get(PATH).status_code in (200, 500, 502, 503, 429) for _ in range(10))
    assert set(_statuses(store, FaultConfig(rate=0.0))) == {200}


@pytest.mark.parametrize(
    "kwargs", [{"rate": 1.5}, {"rate": -0.1}, {"kinds": ("418",)}, {"kinds": ()}, {"delay": -1}]
)
def test_bad_fault_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"fault|retry_after"):
        FaultConfig(**kwargs)  # type: ignore[arg-type]


def test_every_kind_is_listed() -> None:
    assert set(FAULT_KINDS) == {"500", "502", "503", "429", "delay"}
