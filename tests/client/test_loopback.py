"""The installed ``kapso-contacts`` as a process against a fake on a loopback port."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kapso_fake import FaultConfig, create_app
from kapso_fake.server import Running, serve

from .conftest import KEY
from .test_cli import RESUME

pytestmark = pytest.mark.loopback
#: No process here may run longer than this (seconds).
BOUND = 60


def _script() -> str:
    found = Path(sys.executable).parent / "kapso-contacts"
    if not found.exists() and shutil.which("kapso-contacts") is None:
        pytest.skip("the kapso-contacts console script is not installed")
    return str(found if found.exists() else shutil.which("kapso-contacts"))


@pytest.fixture(scope="module")
def server() -> Iterator[Running]:
    """2,000 contacts, each page a little slow (so a walk can be stopped in its middle)."""
    app = create_app(api_keys=[KEY], contacts=2000, seed=12)
    app.inject_faults(FaultConfig(rate=1.0, kinds=("delay",), delay=0.05))
    with serve(app) as running:
        yield running


def _start(server: Running, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPSO_")}
    env |= {"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": server.base_url}
    command = [_script(), "list", "--all", "--limit", "100", *args]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def test_ctrl_c_in_a_real_process_prints_a_cursor_that_resumes_the_export(server: Running) -> None:
    whole, _ = _start(server).communicate(timeout=BOUND)
    stopped = _start(server)
    assert stopped.stdout is not None
    lines = [stopped.stdout.readline() for _ in range(350)]  # into the fourth page
    stopped.send_signal(signal.SIGINT)
    # Read on from the same buffered stream: communicate() would skip what it holds.
    rest, err = stopped.stdout.read(), stopped.stderr.read()  # type: ignore[union-attr]
    assert stopped.wait(timeout=BOUND) == 130, err
    assert err.startswith("Interrupted.\nStopped after ")
    found = RESUME.search(err.strip())
    assert found is not None, err
    resumed, _ = _start(server, f"--{found.group(1)}", found.group(2)).communicate(timeout=BOUND)
    assert "".join(lines) + rest + resumed == whole
    assert len(whole.splitlines()) == 2000


def test_a_reader_that_stops_early_gets_no_traceback(server: Running) -> None:
    process = _start(server)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # as `| head -n 1` does
    err = process.stderr.read()
    assert process.wait(timeout=BOUND) == 1
    assert err.startswith("Output closed.\nStopped after ")
    last = err.strip().splitlines()[-1]
    assert "the page being written may be partly in the output" in last
    assert last.endswith("run it again to start over.") or RESUME.search(last)
    assert "Traceback" not in err and "Exception ignored" not in err
