"""The done-when once more, through a real ``kapso-fake`` process on a loopback port.

The rate-limited walk is not repeated here: the fake's limiter counts real
one-minute windows, so crossing one costs up to a minute of wall time. It runs
in-process on a virtual clock (test_against_fake.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

import anyio
import pytest
from click.testing import CliRunner

from kapso_contacts import AsyncKapsoContacts, KapsoContacts, RetryPolicy
from kapso_contacts.cli import CliOverrides, cli
from kapso_fake import create_app
from kapso_fake.testing import serve_process

from .conftest import CANARY, KEY, console_script

pytestmark = pytest.mark.loopback

CONTACTS = 12_000
SEED = 11
#: No loopback test may take longer than this (seconds).
BOUND = 60


class LoopbackTimeout(BaseException):
    """Raised by the alarm when a loopback test runs past ``BOUND`` (nothing may swallow it)."""


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise LoopbackTimeout(f"loopback test ran past {BOUND} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(BOUND)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def truth() -> list[dict[str, Any]]:
    """What a fake with this seed serves: the same data generated in-process."""
    contacts: list[dict[str, Any]] = create_app(
        api_keys=[KEY], contacts=CONTACTS, seed=SEED
    ).state.store.matching()
    return contacts


@pytest.fixture(scope="module")
def fake_url() -> Iterator[str]:
    args = ["--contacts", str(CONTACTS), "--seed", str(SEED), "--api-key", KEY]
    with serve_process(*args) as server:
        yield server.base_url


def _cli_process(
    *args: str, key: str, base_url: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``kapso-contacts`` with only the KAPSO_* variables given here."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("KAPSO_")}
    environment = {**inherited, "KAPSO_API_KEY": key, "KAPSO_BASE_URL": base_url, **env}
    return subprocess.run(
        [console_script("kapso-contacts"), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=BOUND,
        check=False,
    )


def test_the_console_script_lists_all_12000_contacts_identical_to_the_fake(
    fake_url: str, truth: list[dict[str, Any]]
) -> None:
    done = _cli_process("list", "--all", "--format", "jsonl", key=KEY, base_url=fake_url)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(printed) == len({c["id"] for c in printed}) == CONTACTS
    assert printed == truth


def test_the_async_iterator_yields_the_same_sequence_as_the_sync_one(
    fake_url: str, truth: list[dict[str, Any]]
) -> None:
    with KapsoContacts(api_key=KEY, base_url=fake_url) as kapso:
        sync_ids = [str(c.id) for c in kapso.iter_contacts()]

    async def walk() -> list[str]:
        async with AsyncKapsoContacts(api_key=KEY, base_url=fake_url) as kapso:
            return [str(c.id) async for c in kapso.iter_contacts()]

    assert anyio.run(walk) == sync_ids == [c["id"] for c in truth]


def test_a_refused_canary_key_exits_3_and_never_shows(fake_url: str) -> None:
    done = _cli_process("list", key=CANARY, base_url=fake_url, KAPSO_LOG="debug")
    assert done.returncode == 3
    assert "401 Unauthorized: Invalid API key." in done.stderr
    assert "'x-api-key': '***'" in done.stderr
    assert CANARY not in done.stdout + done.stderr


def test_the_walk_survives_30_percent_faults_with_real_short_waits(
    truth: list[dict[str, Any]],
) -> None:
    faults = ["--fault-rate", "0.3", "--fault-retry-after", "0", "--fault-delay", "0.05"]
    args = ["--contacts", str(CONTACTS), "--seed", str(SEED), "--api-key", KEY, *faults]
    # Real sleeps, short ones: the defaults would wait ~0.5 s per first retry.
    policy = RetryPolicy(initial_delay=0.01, max_delay=0.1)
    with serve_process(*args) as server:
        url = server.base_url
        result = CliRunner().invoke(
            cli,
            ["list", "--all", "--format", "jsonl", "--timeout", "10"],
            env={"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": url},
            obj=CliOverrides(retry_policy=policy),
        )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert [json.loads(line) for line in result.stdout.splitlines()] == truth


def test_ctrl_c_stops_a_walk_cleanly_with_exit_130() -> None:
    slow = ["--fault-rate", "1", "--fault-kinds", "delay", "--fault-delay", "0.3"]
    with serve_process("--contacts", "500", "--api-key", KEY, *slow) as server:
        url = server.base_url
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("KAPSO_")}
        process = subprocess.Popen(
            [console_script("kapso-contacts"), "list", "--all", "--limit", "10"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**inherited, "KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": url},
        )
        assert process.stdout is not None
        first = process.stdout.readline()  # the walk is under way
        time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=BOUND)
    assert json.loads(first)["id"]
    assert process.returncode == 130
    assert err == "Interrupted.\n"
    assert "Traceback" not in out + err
