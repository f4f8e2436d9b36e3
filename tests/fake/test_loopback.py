"""The real ``kapso-fake`` process on a loopback port, driven over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

pytestmark = pytest.mark.loopback

PATH = "/platform/v1/whatsapp/contacts"
KEY = "loopback-key-0123"


@dataclass
class Server:
    """A running ``kapso-fake`` and what it printed."""

    url: str
    process: subprocess.Popen[str]

    def stderr(self) -> str:
        self.process.terminate()
        _, err = self.process.communicate(timeout=10)
        return err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(*args: str) -> Server:
    port = _free_port()
    command = [sys.executable, "-m", "kapso_fake.cli", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", *args]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    return Server(f"http://127.0.0.1:{port}", process)


def _wait(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"kapso-fake exited early: {server.process.communicate()[1]}")
        try:
            httpx.get(server.url + "/", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    server.process.kill()
    pytest.fail("kapso-fake did not answer in time")


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Server, Server]]:
    # Both start at once: the machine has two cores and start-up is mostly imports.
    plain = _start("--contacts", "120", "--seed", "4", "--api-key", KEY, "--rate-limit", "40")
    faulty = _start("--contacts", "10", "--fault-rate", "1", "--fault-kinds", "502,429")
    try:
        _wait(plain)
        _wait(faulty)
        yield plain, faulty
    finally:
        for server in (plain, faulty):
            if server.process.poll() is None:
                server.process.kill()
                server.process.communicate(timeout=10)


def test_the_process_serves_the_api(servers: tuple[Server, Server]) -> None:
    plain, _ = servers
    with httpx.Client(base_url=plain.url, headers={"X-API-Key": KEY}, timeout=10) as client:
        bare = client.get(PATH)
        assert bare.status_code == 200
        assert bare.json()["meta"]["total_count"] == 120
        assert bare.headers["link"].startswith(f"<{plain.url}{PATH}?page=1&per_page=20>")
        seen: list[object] = []
        params: dict[str, str | int] = {"limit": 50, "has_customer": "false"}
        while True:
            body = client.get(PATH, params=params).json()
            seen.extend(body["data"])
            if not body["paging"]["next"]:
                break
            params["after"] = body["paging"]["next"]
        legacy = client.get(PATH, params={"per_page": 100, "has_customer": "false"}).json()
        assert seen == legacy["data"]
        assert client.get(PATH, params={"limit": 500}).status_code == 400
        assert client.get(PATH, params={"page": 51}).json()["max_page"] == 50
        assert client.post(PATH).headers["allow"] in ("GET, HEAD", "HEAD, GET")
        assert client.get("/elsewhere").json() == {"error": "Not found"}
        assert client.get(PATH, headers={"X-API-Key": "nope"}).status_code == 401
        statuses = [client.get(PATH, params={"limit": 1}).status_code for _ in range(40)]
    assert 429 in statuses
    limited = statuses.index(429)
    assert set(statuses[:limited]) == {200}
    err = plain.stderr()
    assert KEY not in err


def test_the_faulty_process_prints_its_generated_key_and_injects_faults(
    servers: tuple[Server, Server],
) -> None:
    _, faulty = servers
    statuses = [httpx.get(faulty.url + PATH, timeout=10).status_code for _ in range(20)]
    assert set(statuses) == {502, 429}
    err = faulty.stderr()
    assert "generated API key: kfake_" in err
