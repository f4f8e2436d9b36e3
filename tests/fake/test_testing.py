"""The one loopback launcher (kapso_fake.testing): ports, readiness, shutdown, secrets."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import kapso_fake._loopback as loopback
from kapso_fake import create_app
from kapso_fake.testing import serve_app, serve_process

from .conftest import CONTRACT, KEY

pytestmark = pytest.mark.loopback


@pytest.fixture
def taken_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A port something listens on, handed out first by ``free_port`` (a lost race)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = int(holder.getsockname()[1])
        ports = iter([port])
        real = loopback.free_port
        monkeypatch.setattr(loopback, "free_port", lambda: next(ports, None) or real())
        yield port


async def teapot(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": b"short and stout"})


def test_serve_app_serves_any_asgi_app_in_a_thread_and_stops_it(taken_port: int) -> None:
    with serve_app(teapot) as server:
        assert server.port != taken_port  # the race was lost once, then won
        assert server.process is None
        assert server.url == f"http://127.0.0.1:{server.port}{CONTRACT.path}"
        assert server.base_url == f"http://127.0.0.1:{server.port}{CONTRACT.base_path}"
        assert httpx.get(server.url).status_code == 418
        assert (server.rss_kib() or 0) > 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url)


def test_serve_app_serves_the_fake(taken_port: int) -> None:
    app = create_app(api_keys=[KEY], contacts=30, seed=2)
    with serve_app(app) as server:
        answer = httpx.get(server.url, headers={"X-API-Key": KEY}, params={"limit": 100})
    assert [c["id"] for c in answer.json()["data"]] == [c["id"] for c in app.store.matching()]


def test_serve_process_takes_another_port_when_its_port_is_taken(taken_port: int) -> None:
    with serve_process("--contacts", "3", "--api-key", KEY) as server:
        assert server.port != taken_port
        assert server.process is not None and server.ready_seconds > 0
        assert httpx.get(server.url, headers={"X-API-Key": KEY}).status_code == 200
        process = server.process
    assert process.returncode is not None  # stopped on the way out
