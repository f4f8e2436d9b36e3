"""The fake in tests: in-process (a sync ASGI transport) or on a loopback port.

Every test, script and benchmark that needs a server on 127.0.0.1 starts it
here: ``serve_app`` (any ASGI app, uvicorn in a thread) or ``serve_process``
(a ``python -m kapso_fake`` process). Both pick a free port, retry when
another process takes it first, wait (bounded) until the server answers, and
always stop it. An ``--api-key`` value never appears in what they print or raise.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from kapso_contacts.contract import Contract, default_contract

from ._loopback import (
    HOST,
    LoopbackServer,
    ProcessServer,
    ThreadServer,
    describe_command,
    free_port,
    serving,
)

__all__ = [
    "LoopbackServer",
    "SyncASGITransport",
    "describe_command",
    "free_port",
    "serve_app",
    "serve_process",
]


class SyncASGITransport(httpx.BaseTransport):
    """A sync httpx transport that calls an ASGI app on one private event loop.

    httpx only ships an async ASGI transport; Starlette's ``TestClient`` is the
    sync alternative, but it starts a portal thread per request and is about 5x
    slower, which matters for property tests that walk thousands of pages.
    """

    def __init__(self, app: Callable[..., Any]) -> None:
        """Serve requests from ``app``."""
        self._loop = asyncio.new_event_loop()
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request through the app and return the whole answer."""

        async def call() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._loop.run_until_complete(call())

    def close(self) -> None:
        """Close the event loop."""
        self._loop.close()


@contextmanager
def serve_app(app: Callable[..., Any], *, ready_timeout: float = 30.0) -> Iterator[LoopbackServer]:
    """Serve an ASGI app with uvicorn in a thread of this process.

    The app's contract (``app.contract``, else the shipped spec's) gives the
    URLs. Uvicorn's own logging setup is skipped, and there is no access log.

    Raises:
        RuntimeError: the server did not answer within ``ready_timeout`` seconds.
    """
    contract: Contract = getattr(app, "contract", None) or default_contract()
    with serving(lambda port: ThreadServer(app, port), contract, ready_timeout) as server:
        yield server


@contextmanager
def serve_process(
    *cli_args: str,
    log: Path | None = None,
    ready_timeout: float = 60.0,
    env: Mapping[str, str] | None = None,
    python: str | Path | None = None,
) -> Iterator[LoopbackServer]:
    """Run ``python -m kapso_fake`` on a free loopback port for the length of the block.

    Args:
        *cli_args: ``kapso-fake`` options (``--contacts``, ``--api-key``, ...);
            ``--log-level warning`` unless they say otherwise.
        log: a file the server's output is appended to (else it is kept only
            to explain a failed start).
        ready_timeout: seconds to wait for the first answer.
        env: variables added to this process's environment for the server.
        python: the interpreter to run it with (another virtualenv's, say);
            by default this one.

    Yields:
        The server; stopped by SIGTERM (SIGKILL after ``STOP_TIMEOUT``) on the way out.

    Raises:
        RuntimeError: the process exited or did not answer in time; the
            message (``--api-key`` values masked) has the end of its output.
    """

    def start(port: int) -> ProcessServer:
        interpreter = str(python or sys.executable)
        argv = [interpreter, "-m", "kapso_fake", "--host", HOST, "--port", str(port)]
        return ProcessServer([*argv, "--log-level", "warning", *cli_args], log, env)

    with serving(start, default_contract(), ready_timeout) as server:
        yield server
