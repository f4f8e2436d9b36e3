"""Start servers on free loopback ports, wait until they answer, and always stop them.

The fake starts through ``kapso_fake.testing.serve_process`` (the one loopback
launcher); ``serve`` is for the other servers (Prism, a profiled fake).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from kapso_contacts.contract import default_contract
from kapso_fake.testing import serve_process

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
#: The API key every bench server accepts; a throwaway, never a real one.
API_KEY = "bench-key"
#: A second key, for readiness probes: rate limits are per key, so probes
#: spend nothing of what a measured client may send.
PROBE_KEY = "bench-probe"
#: Where the API lives, from the spec: the base path and the contacts endpoint.
API_PATH = default_contract().base_path
CONTACTS_PATH = default_contract().path

#: Servers run on core 0 and load generators on core 1, so neither steals the
#: other's core on a 2-core machine (when taskset exists and there are 2+ cores).
SERVER_CPU = "0"
LOAD_CPU = "1"


def pinned(cpu: str, argv: Sequence[str]) -> list[str]:
    """Return ``argv`` prefixed with ``taskset -c cpu`` where that is possible."""
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", cpu, *argv]
    return list(argv)


def pin(pid: int, cpu: str) -> None:
    """Move every thread of a running process to ``cpu`` (where there are 2+ cores)."""
    if (os.cpu_count() or 1) < 2:
        return
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(task.name), {int(cpu)})


@dataclass
class Server:
    """A server process on a loopback port."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    #: Seconds from spawn until the first successful answer.
    ready_seconds: float
    log: Path


def fake_args(contacts: int, *extra: str, seed: int = 1) -> list[str]:
    """The ``kapso-fake`` options of a bench server (its keys, data size and seed)."""
    return [
        "--contacts",
        str(contacts),
        "--seed",
        str(seed),
        "--api-key",
        API_KEY,
        "--api-key",
        PROBE_KEY,
        *extra,
    ]


@contextlib.contextmanager
def serve_fake(
    name: str,
    contacts: int,
    *extra: str,
    log_dir: Path,
    timeout: float = 300.0,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run a ``kapso-fake`` pinned to the server core (access log on unless ``extra`` says)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    log.write_bytes(b"")
    args = fake_args(contacts, "--log-level", "info", *extra)
    with serve_process(*args, log=log, ready_timeout=timeout, env=env) as fake:
        assert fake.process is not None
        pin(fake.process.pid, SERVER_CPU)
        yield Server(name, fake.process, f"http://{HOST}:{fake.port}", fake.ready_seconds, log)


@contextlib.contextmanager
def serve(
    name: str,
    argv: Sequence[str],
    port: int,
    probe_path: str,
    log_dir: Path,
    *,
    timeout: float = 300.0,
    cpu: str | None = SERVER_CPU,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run ``argv`` until the ``with`` block ends; yield once ``probe_path`` answers 200.

    The process runs in its own session and the whole group is killed on the
    way out, whatever happens inside the block.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    command = pinned(cpu, argv) if cpu is not None else list(argv)
    started = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    try:
        base_url = f"http://{HOST}:{port}"
        ready = _wait_ready(process, base_url + probe_path, started, timeout, log)
        yield Server(name, process, base_url, ready, log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Stop a process group: SIGINT, then SIGKILL after ``grace`` seconds."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_ready(
    process: subprocess.Popen[bytes], url: str, started: float, timeout: float, log: Path
) -> float:
    headers = {"X-API-Key": PROBE_KEY}
    with httpx.Client(timeout=2.0) as client:
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{url}: server exited with {process.returncode}:\n{tail}")
            try:
                if client.get(url, headers=headers).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise TimeoutError(f"{url}: no answer within {timeout:.0f} s")
