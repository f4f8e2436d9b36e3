"""The one way to start a fake (kapso_fake.server): in process, in a thread, as a process."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import kapso_fake.server as server
from kapso_fake import create_app
from kapso_fake.server import masked, serve, spawn, transport

from .conftest import CONTRACT, KEY, PATH, ids

pytestmark = pytest.mark.loopback


@pytest.fixture
def taken_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A port something listens on, handed out first by ``free_port`` (a lost race)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = int(holder.getsockname()[1])
        ports = iter([port])
        real = server.free_port
        monkeypatch.setattr(server, "free_port", lambda: next(ports, None) or real())
        yield port


async def teapot(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": b"short and stout"})


def test_the_in_process_transport_needs_no_socket() -> None:
    app = create_app(api_keys=[KEY], contacts=30, seed=2)
    with httpx.Client(transport=transport(app), base_url="http://anywhere") as client:
        response = client.get(PATH, headers={"X-API-Key": KEY}, params={"limit": 100})
    assert ids(response.json()["data"]) == ids(app.store.listing())


def test_serve_runs_any_asgi_app_in_a_thread_on_another_port_when_one_is_taken(
    taken_port: int,
) -> None:
    with serve(teapot) as running:
        assert running.port != taken_port  # the race was lost once, then won
        assert running.process is None
        assert running.url == f"http://127.0.0.1:{running.port}{CONTRACT.path}"
        assert running.base_url == f"http://127.0.0.1:{running.port}{CONTRACT.base_path}"
        assert httpx.get(running.url).status_code == 418
        assert (running.rss_kib() or 0) > 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(running.url)


def test_serve_serves_the_fake() -> None:
    app = create_app(api_keys=[KEY], contacts=30, seed=2)
    with serve(app) as running:
        answer = httpx.get(running.url, headers={"X-API-Key": KEY}, params={"limit": 100})
    assert ids(answer.json()["data"]) == ids(app.store.listing())


def test_spawn_runs_kapso_fake_on_another_port_when_one_is_taken(
    taken_port: int, tmp_path: Path
) -> None:
    log = tmp_path / "fake.log"
    options = ("--contacts", "120", "--seed", "4", "--api-key", KEY, "--rate-limit", "40")
    with spawn(*options, log=log, env={"KAPSO_TEST_MARK": "1"}) as running:
        assert running.port != taken_port
        with httpx.Client(headers={"X-API-Key": KEY}, timeout=10) as client:
            bare = client.get(running.url)
            statuses = [client.get(running.url, params={"limit": 1}).status_code for _ in range(40)]
        assert running.process is not None and (running.rss_kib() or 0) > 0
        process = running.process
    assert bare.json()["meta"]["total_count"] == 120
    assert bare.headers["link"].startswith(f"<{running.url}?page=1&per_page=20>")
    assert "server" not in bare.headers  # Kapso's answers do not name uvicorn
    assert statuses[:39] == [200] * 39 and statuses[39] == 429
    assert process.returncode is not None  # stopped on the way out
    assert "120 contacts (seed 4, mixed) loaded" in log.read_text()
    assert KEY not in log.read_text()


def test_a_process_that_cannot_start_is_reported_without_its_key() -> None:
    secret = "never-shown-key-0042"
    with (
        pytest.raises(RuntimeError, match="exited with 2") as failed,
        spawn("--api-key", secret, "--contacts", "-1", ready_timeout=30),
    ):
        pass
    assert secret not in str(failed.value)
    assert "--api-key ***" in str(failed.value)
    assert "--contacts" in str(failed.value)  # the end of its output says why


def test_masked_hides_every_key_it_is_given() -> None:
    argv = ["kapso-fake", "--api-key", "a1", "--api-key=b2", "--seed", "3"]
    assert masked(argv) == "kapso-fake --api-key *** --api-key=*** --seed 3"
