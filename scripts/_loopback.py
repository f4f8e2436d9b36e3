"""Start a fake server on a loopback port, wait until it answers, stop it, read its memory.

Shared by the mutation gauge (scripts/mutants.py) and the long drills
(scripts/stress.py). Every wait is bounded; the API key is never printed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CONTACTS_PATH = "/platform/v1/whatsapp/contacts"
HOST = "127.0.0.1"
KAPSO_FAKE = str(Path(sys.executable).with_name("kapso-fake"))
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class ServerSpec:
    """How to start the fake: data size, seed, key and an optional mutant."""

    api_key: str
    contacts: int = 1000
    seed: int = 1
    mutant: str | None = None

    def argv(self, port: int) -> list[str]:
        """The command line (it holds the key: never print it)."""
        argv = [
            KAPSO_FAKE,
            "--log-level",
            "warning",
            "--host",
            HOST,
            "--port",
            str(port),
            "--contacts",
            str(self.contacts),
            "--seed",
            str(self.seed),
            "--api-key",
            self.api_key,
        ]
        if self.mutant:
            argv += ["--mutant", self.mutant]
        return argv


@dataclass
class Server:
    """A running fake."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base_url(self) -> str:
        """The URL the contract suite takes as KAPSO_BASE_URL."""
        return f"http://{HOST}:{self.port}/platform/v1"

    @property
    def url(self) -> str:
        """The contacts endpoint."""
        return f"http://{HOST}:{self.port}{CONTACTS_PATH}"

    def rss_kib(self) -> int | None:
        """The server's resident memory (VmRSS, KiB), or None once it is gone."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return None


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_ready(server: Server, api_key: str, timeout: float = READY_TIMEOUT) -> None:
    """Poll until the server answers a request (any status), bounded by ``timeout``.

    Raises:
        RuntimeError: the process died or did not answer in time.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}")
        try:
            httpx.get(server.url, headers={"X-API-Key": api_key}, timeout=2.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {timeout:.0f}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, wait, then SIGKILL: only the process we started, by its id."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)


@contextmanager
def serve(spec: ServerSpec, log: Path | None = None, attempts: int = 3) -> Iterator[Server]:
    """Run the fake on a free loopback port for the duration of the block."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    last_error: Exception | None = None
    for _ in range(attempts):  # a port can be taken between free_port() and bind
        port = free_port()
        out = log.open("ab") if log else subprocess.DEVNULL
        process = subprocess.Popen(
            spec.argv(port), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT
        )
        if log and not isinstance(out, int):
            out.close()
        server = Server(process, port)
        try:
            wait_ready(server, spec.api_key)
        except RuntimeError as exc:
            last_error = exc
            stop(process)
            continue
        try:
            yield server
        finally:
            stop(process)
        return
    raise RuntimeError(f"could not start the fake: {last_error}")


def describe_command(argv: Sequence[str]) -> str:
    """The command line with the key masked, for messages."""
    shown = list(argv)
    for i, arg in enumerate(shown[:-1]):
        if arg == "--api-key":
            shown[i + 1] = "***"
    return " ".join(shown)
