"""Starting a server on a free loopback port, waiting for it, stopping it (see ``testing``).

Both kinds of server, a uvicorn thread and a ``kapso-fake`` process, share
the port picking, the bounded wait for a first answer and the retry when
another process took the port first.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import httpx

from kapso_contacts.contract import Contract

HOST = "127.0.0.1"
#: Seconds a server gets to stop on SIGTERM (or a thread to end) before it is killed.
STOP_TIMEOUT = 10.0
#: Tries with a new port when a server dies before it answers (the port was taken).
ATTEMPTS = 3


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
    """The server died, or did not answer in time."""

    def __init__(self, message: str, *, port_taken: bool) -> None:
        super().__init__(message)
        self.port_taken = port_taken


@contextmanager
def serving(
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


class ThreadServer:
    """Uvicorn serving an ASGI app in a daemon thread of this process."""

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


class ProcessServer:
    """A server process, its output kept in ``log`` or a temporary file."""

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
