"""The fake in tests: in-process (a sync ASGI transport) or on a loopback port.

Every test, script and benchmark that needs a server on 127.0.0.1 starts it
here: ``serve_app`` (any ASGI app, uvicorn in a thread) or ``serve_process``
(a ``python -m kapso_fake`` process). Both pick a free port, retry when
another process takes it first, wait (bounded) until the server answers, and
always stop it. An ``--api-key`` value never appears in what they print or raise.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import httpx

from kapso_contacts.contract import Contract, default_contract

HOST = "127.0.0.1"
#: Seconds a server gets to stop on SIGTERM (or a thread to end) before it is killed.
STOP_TIMEOUT = 10.0
#: Tries with a new port when a server dies before it answers (the port was taken).
ATTEMPTS = 3


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


@dataclass
class LoopbackServer:
    """A server on a 127.0.0.1 port for the length of a ``with`` block.

    Attributes:
        base_url: ``http://127.0.0.1:PORT/platform/v1`` (the spec's base path),
            what ``KAPSO_BASE_URL`` and ``KapsoContacts(base_url=...)`` take.
        url: the contacts endpoint.
        port: the port.
        process: the server process, or None for a server in a thread.
        ready_seconds: from start to the first answer.
    """

    base_url: str
    url: str
    port: int
    process: subprocess.Popen[bytes] | None = None
    ready_seconds: float = 0.0

    def rss_kib(self) -> int | None:
        """The server's resident memory (VmRSS, KiB; this process for a thread), or None."""
        pid = "self" if self.process is None else str(self.process.pid)
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return None
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), None)
        return None if line is None else int(line.split()[1])


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_app(app: Callable[..., Any], *, ready_timeout: float = 30.0) -> Iterator[LoopbackServer]:
    """Serve an ASGI app with uvicorn in a thread of this process.

    The app's contract (``app.contract``, else the shipped spec's) gives the
    URLs. Uvicorn's own logging setup is skipped, and there is no access log.

    Raises:
        RuntimeError: the server did not answer within ``ready_timeout`` seconds.
    """
    contract: Contract = getattr(app, "contract", None) or default_contract()
    with _serving(lambda port: _Thread(app, port), contract, ready_timeout) as server:
        yield server


@contextmanager
def serve_process(
    *cli_args: str,
    log: Path | None = None,
    ready_timeout: float = 60.0,
    env: Mapping[str, str] | None = None,
) -> Iterator[LoopbackServer]:
    """Run ``python -m kapso_fake`` on a free loopback port for the length of the block.

    Args:
        *cli_args: ``kapso-fake`` options (``--contacts``, ``--api-key``, ...);
            ``--log-level warning`` unless they say otherwise.
        log: a file the server's output is appended to (else it is kept only
            to explain a failed start).
        ready_timeout: seconds to wait for the first answer.
        env: variables added to this process's environment for the server.

    Yields:
        The server; stopped by SIGTERM (SIGKILL after ``STOP_TIMEOUT``) on the way out.

    Raises:
        RuntimeError: the process exited or did not answer in time; the
            message (``--api-key`` values masked) has the end of its output.
    """

    def start(port: int) -> _Process:
        argv = [sys.executable, "-m", "kapso_fake", "--host", HOST, "--port", str(port)]
        return _Process([*argv, "--log-level", "warning", *cli_args], log, env)

    with _serving(start, default_contract(), ready_timeout) as server:
        yield server


def describe_command(argv: Sequence[str]) -> str:
    """A command line for messages, every ``--api-key`` value masked."""
    return " ".join(_masked(argv))


class _Running(Protocol):
    """A server being started: in a thread or in a process."""

    @property
    def process(self) -> subprocess.Popen[bytes] | None: ...

    def alive(self) -> bool: ...

    def stop(self) -> None: ...

    def failure(self) -> str: ...

    def port_taken(self) -> bool: ...


class _NotReady(RuntimeError):
    def __init__(self, message: str, *, port_taken: bool) -> None:
        super().__init__(message)
        self.port_taken = port_taken


@contextmanager
def _serving(
    start: Callable[[int], _Running], contract: Contract, ready_timeout: float
) -> Iterator[LoopbackServer]:
    failure = ""
    for _ in range(ATTEMPTS):  # a port can be taken between free_port() and the bind
        port = free_port()
        root = f"http://{HOST}:{port}"
        started = time.perf_counter()
        running = start(port)
        try:
            _wait_ready(root + contract.path, running, ready_timeout)
        except _NotReady as exc:
            running.stop()
            failure = str(exc)
            if exc.port_taken:
                continue
            break
        server = LoopbackServer(
            base_url=root + contract.base_path.rstrip("/"),
            url=root + contract.path,
            port=port,
            process=running.process,
            ready_seconds=time.perf_counter() - started,
        )
        try:
            yield server
        finally:
            running.stop()
        return
    raise RuntimeError(f"could not start the server on {HOST}: {failure}")


def _wait_ready(url: str, running: _Running, timeout: float) -> None:
    """Poll ``url`` until any answer (a 401 without a key is one)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if not running.alive():
                raise _NotReady(running.failure(), port_taken=running.port_taken())
            try:
                client.get(url)
                return
            except httpx.TransportError:
                time.sleep(0.05)
    raise _NotReady(f"no answer within {timeout:.0f} s", port_taken=False)


class _Thread:
    @property
    def process(self) -> None:
        return None

    def __init__(self, app: Callable[..., Any], port: int) -> None:
        import uvicorn  # the [fake] extra; imported only to serve

        config = uvicorn.Config(
            app, host=HOST, port=port, log_config=None, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.exit_code: object = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except SystemExit as exc:  # uvicorn exits when it cannot start (a port taken)
            self.exit_code = exc.code

    def alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(STOP_TIMEOUT)

    def failure(self) -> str:
        return f"the server thread ended before it answered (exit code {self.exit_code})"

    def port_taken(self) -> bool:
        return self.exit_code is not None  # uvicorn could not start: most likely the bind


class _Process:
    def __init__(self, argv: list[str], log: Path | None, env: Mapping[str, str] | None) -> None:
        self.argv = argv
        # Closed in stop(), which every start is followed by.
        self.output: IO[bytes] = log.open("a+b") if log else tempfile.TemporaryFile()  # noqa: SIM115
        # The command is this interpreter and our own module; only options vary.
        self.popen: subprocess.Popen[bytes] = subprocess.Popen(  # noqa: S603
            argv,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.popen

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        """SIGTERM, wait, then SIGKILL: only the process started here, by its id."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(STOP_TIMEOUT)
        self.output.close()

    def failure(self) -> str:
        return f"{describe_command(self.argv)} exited with {self.popen.returncode}:\n{self._tail()}"

    def port_taken(self) -> bool:
        return "address already in use" in self._tail().lower()

    def _tail(self) -> str:
        """The end of the server's output, ``--api-key`` values masked."""
        self.output.flush()
        self.output.seek(0, os.SEEK_SET)
        tail = self.output.read()[-2000:].decode("utf-8", "replace")
        for secret in _keys(self.argv):
            tail = tail.replace(secret, "***")
        return tail.rstrip()


_KEY_OPTION = "--api-key"


def _keys(argv: Sequence[str]) -> list[str]:
    """The ``--api-key KEY`` and ``--api-key=KEY`` values of a command line."""
    keys = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == _KEY_OPTION]
    return keys + [arg.split("=", 1)[1] for arg in argv if arg.startswith(_KEY_OPTION + "=")]


def _masked(argv: Sequence[str]) -> list[str]:
    secrets = set(_keys(argv))
    return [
        "***"
        if arg in secrets
        else f"{_KEY_OPTION}=***"
        if arg.startswith(_KEY_OPTION + "=")
        else arg
        for arg in argv
    ]
