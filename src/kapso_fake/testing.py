"""Helpers for tests against the fake: in-process (sync ASGI transport) or on a loopback port."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from starlette.types import ASGIApp


class SyncASGITransport(httpx.BaseTransport):
    """A sync httpx transport that calls an ASGI app on one private event loop.

    httpx only ships an async ASGI transport; Starlette's ``TestClient`` is the
    sync alternative, but it starts a portal thread per request and is about 5x
    slower, which matters for property tests that walk thousands of pages.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._loop = asyncio.new_event_loop()
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._loop.run_until_complete(call())

    def close(self) -> None:
        self._loop.close()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_fake(*args: str, timeout: float = 20.0) -> Iterator[str]:
    """Run a ``kapso-fake`` process on a free loopback port and yield its base URL.

    Args:
        *args: more ``kapso-fake`` options (``--contacts``, ``--api-key``, ...).
        timeout: seconds to wait for the server to listen.

    Yields:
        The base URL, ``http://127.0.0.1:PORT/platform/v1``.

    Raises:
        RuntimeError: if the process exits or does not listen in time.
    """
    port = free_port()
    command = [sys.executable, "-m", "kapso_fake", "--host", "127.0.0.1", "--port", str(port)]
    # The command is this interpreter and our own module; only options vary.
    process = subprocess.Popen(  # noqa: S603
        [*command, "--log-level", "warning", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_listening(port, process, timeout)
        yield f"http://127.0.0.1:{port}/platform/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"kapso-fake exited with {process.returncode}: {stderr}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"kapso-fake did not listen on port {port} within {timeout} s")
