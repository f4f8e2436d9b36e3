"""The one way to start a fake: in this process, on a loopback port in a thread, or as a process.

Tests, the ``kapso_fake`` fixture, the contract suite, the mutation gauge and
the benchmarks all start servers here. ``serve`` and ``spawn`` pick a free
port on 127.0.0.1, retry when another process takes it first, wait (bounded)
until the server answers, and always stop it. An ``--api-key`` value never
appears in what they print or raise.
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
from typing import IO, Any

import httpx

from kapso_contacts.contract import Contract, default_contract

HOST = "127.0.0.1"
#: Seconds a server gets to stop before it is killed.
STOP_TIMEOUT = 10.0
#: Tries with a new port when the chosen one was taken before the server bound it.
ATTEMPTS = 3


class SyncASGITransport(httpx.BaseTransport):
    """A sync httpx transport that calls an ASGI app on one private event loop.

    httpx ships only an async ASGI transport; Starlette's ``TestClient`` starts a
    thread per request and is several times slower, which a suite walking
    thousands of pages feels.
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


def transport(app: Callable[..., Any]) -> httpx.BaseTransport:
    """An in-process transport to ``app`` (no socket at all)."""
    return SyncASGITransport(app)


@dataclass
class Running:
    """A server on a 127.0.0.1 port for the length of a ``with`` block.

    Attributes:
        base_url: ``http://127.0.0.1:PORT/platform/v1`` (the spec's base path), what
            ``KAPSO_BASE_URL`` and a client's ``base_url`` take.
        url: the list endpoint.
        port: the port.
        process: the server process, or None for a server in a thread.
    """

    base_url: str
    url: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    def rss_kib(self) -> int | None:
        """The server's resident memory in KiB (this process for a thread), or None."""
        pid = "self" if self.process is None else str(self.process.pid)
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return None
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), None)
        return None if line is None else int(line.split()[1])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def masked(argv: Sequence[str]) -> str:
    """A command line for messages, every ``--api-key`` value masked."""
    out, hide = [], False
    for arg in argv:
        if hide:
            out.append("***")
        elif arg.startswith("--api-key="):
            out.append("--api-key=***")
        else:
            out.append(arg)
        hide = arg == "--api-key"
    return " ".join(out)


class _Thread:
    def __init__(self, app: Callable[..., Any], port: int, log_level: str) -> None:
        import uvicorn  # the [fake] extra

        config = uvicorn.Config(
            app, host=HOST, port=port, log_config=None, log_level=log_level, access_log=False
        )
        self.server = uvicorn.Server(config)
        self.process = None
        self.code: object = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except SystemExit as exc:  # uvicorn exits when it cannot bind
            self.code = exc.code

    def alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(STOP_TIMEOUT)

    def failure(self) -> tuple[str, bool]:
        return f"the server thread ended (exit code {self.code})", self.code is not None


class _Process:
    def __init__(self, argv: list[str], log: Path | None, env: Mapping[str, str] | None) -> None:
        self.argv = argv
        self.output: IO[bytes] = log.open("a+b") if log else tempfile.TemporaryFile()  # noqa: SIM115
        self.process: subprocess.Popen[bytes] = subprocess.Popen(  # noqa: S603 (our own module)
            argv,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self.output.close()

    def failure(self) -> tuple[str, bool]:
        self.output.flush()
        self.output.seek(0)
        tail = self.output.read()[-2000:].decode("utf-8", "replace")
        for secret in (a.split("=", 1)[-1] for a in self.argv if a.startswith("--api-key=")):
            tail = tail.replace(secret, "***")
        for i, arg in enumerate(self.argv[:-1]):
            if arg == "--api-key":
                tail = tail.replace(self.argv[i + 1], "***")
        message = f"{masked(self.argv)} exited with {self.process.returncode}:\n{tail.rstrip()}"
        return message, "address already in use" in tail.lower()


@contextmanager
def _running(start: Callable[[int], Any], contract: Contract, timeout: float) -> Iterator[Running]:
    failure = ""
    for _ in range(ATTEMPTS):
        port = free_port()
        root = f"http://{HOST}:{port}"
        server = start(port)
        deadline = time.monotonic() + timeout
        ready = False
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline and server.alive():
                try:
                    client.get(root + contract.path)  # any answer, a 401 included
                    ready = True
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
        if not ready:
            failure, port_taken = (
                server.failure()
                if not server.alive()
                else (f"no answer within {timeout:.0f} s", False)
            )
            server.stop()
            if port_taken:
                continue
            break
        try:
            yield Running(
                root + contract.base_path.rstrip("/"), root + contract.path, port, server.process
            )
        finally:
            server.stop()
        return
    raise RuntimeError(f"could not start the server on {HOST}: {failure}")


@contextmanager
def serve(
    app: Callable[..., Any], *, ready_timeout: float = 30.0, log_level: str = "warning"
) -> Iterator[Running]:
    """Serve an ASGI app with uvicorn in a thread of this process, on a free loopback port.

    Raises:
        RuntimeError: the server did not answer within ``ready_timeout`` seconds.
    """
    contract: Contract = getattr(app, "contract", None) or default_contract()
    with _running(lambda port: _Thread(app, port, log_level), contract, ready_timeout) as running:
        yield running


@contextmanager
def spawn(
    *cli_args: str,
    log: Path | None = None,
    env: Mapping[str, str] | None = None,
    python: str | Path | None = None,
    contract: Contract | None = None,
    ready_timeout: float = 60.0,
) -> Iterator[Running]:
    """Run ``python -m kapso_fake`` with ``cli_args`` on a free loopback port.

    Args:
        *cli_args: ``kapso-fake`` options (``--contacts``, ``--api-key``, ...).
        log: a file the server's output is appended to.
        env: variables added to the environment of the server.
        python: the interpreter to run it with (default: this one).
        contract: the contract it serves, when ``--spec`` names another one.
        ready_timeout: seconds to wait for its first answer.

    Raises:
        RuntimeError: it exited or did not answer in time; the message (keys
            masked) has the end of its output.
    """

    def start(port: int) -> _Process:
        argv = [str(python or sys.executable), "-m", "kapso_fake", "--host", HOST]
        argv += ["--port", str(port), "--log-level", "warning", *cli_args]
        return _Process(argv, log, env)

    with _running(start, contract or default_contract(), ready_timeout) as running:
        yield running
