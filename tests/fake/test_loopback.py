"""The real ``kapso-fake`` process on a loopback port, driven over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kapso_fake.testing import LoopbackServer, serve_process

pytestmark = pytest.mark.loopback

PATH = "/platform/v1/whatsapp/contacts"
KEY = "loopback-key-0123"
Served = tuple[LoopbackServer, Path]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Served]]:
    logs = tmp_path_factory.mktemp("loopback")
    plain_args = ("--contacts", "120", "--seed", "4", "--api-key", KEY, "--rate-limit", "40")
    faulty_args = ("--contacts", "10", "--fault-rate", "1", "--fault-kinds", "502,429")
    with contextlib.ExitStack() as stack:
        plain = stack.enter_context(serve_process(*plain_args, log=logs / "plain.log"))
        faulty = stack.enter_context(serve_process(*faulty_args, log=logs / "faulty.log"))
        yield (plain, logs / "plain.log"), (faulty, logs / "faulty.log")


def test_the_process_serves_the_api(servers: tuple[Served, Served]) -> None:
    (plain, log), _ = servers
    root = f"http://127.0.0.1:{plain.port}"
    assert plain.url == root + PATH
    with httpx.Client(base_url=root, headers={"X-API-Key": KEY}, timeout=10) as client:
        bare = client.get(PATH)
        assert bare.status_code == 200
        assert bare.json()["meta"]["total_count"] == 120
        assert bare.headers["link"].startswith(f"<{plain.url}?page=1&per_page=20>")
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
    assert plain.process is not None and plain.rss_kib()
    assert KEY not in log.read_text()


def test_the_faulty_process_prints_its_generated_key_and_injects_faults(
    servers: tuple[Served, Served],
) -> None:
    _, (faulty, log) = servers
    statuses = [httpx.get(faulty.url, timeout=10).status_code for _ in range(20)]
    assert set(statuses) == {502, 429}
    assert "generated API key: kfake_" in log.read_text()


def test_a_process_that_cannot_start_is_reported_without_its_key(tmp_path: Path) -> None:
    secret = "never-shown-key-0042"
    with (
        pytest.raises(RuntimeError, match="exited with 2") as failed,
        serve_process("--api-key", secret, "--contacts", "-1", ready_timeout=30),
    ):
        pass
    assert secret not in str(failed.value)
    assert "--api-key ***" in str(failed.value)
