"""Behind a proxy from the environment, requests still go through the retry layer."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from kapso_contacts import KapsoContacts

from .conftest import KEY, FakeTime, contact, cursor_body


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that answers itself: 503 first, then a page; records request targets."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if len(self.seen) == 1:
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps(cursor_body([contact(1)], None)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy_url() -> Iterator[str]:
    _Proxy.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_requests_go_through_the_environment_proxy_and_are_retried(
    monkeypatch: pytest.MonkeyPatch, proxy_url: str, fake_time: FakeTime
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    base_url = "http://api.kapso.example/platform/v1"
    with KapsoContacts(api_key=KEY, base_url=base_url, retry_policy=fake_time.policy()) as kapso:
        page = kapso.list_contacts(limit=1)
    assert [str(c.id) for c in page.data] == [contact(1)["id"]]
    target = "http://api.kapso.example/platform/v1/whatsapp/contacts?limit=1"
    assert _Proxy.seen == [target, target]
    assert fake_time.sleeps == [0.5]


def test_no_proxy_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    from kapso_contacts._proxies import env_proxy

    monkeypatch.setenv("HTTPS_PROXY", "proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "api.kapso.ai")
    assert env_proxy("https://api.kapso.ai/platform/v1") is None
    assert env_proxy("https://elsewhere.example/platform/v1") == "http://proxy.internal:3128"
