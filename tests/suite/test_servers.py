"""Against servers the suite's authors did not write, and accounts that change during the run.

The clean-room server (its readings in tests/cleanroom/READINGS.md) passes, naming
its mismatches; it and the fake gaining 10 items a second change nothing; a broken
server fails with the spec location of the promise it breaks; a budget too small
fails only when asked to; plain `st run` passes against the fake.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kapso_fake import create_app
from kapso_fake.server import serve
from tests.cleanroom.server import CleanRoomServer

from ._runs import SMALL, SuiteRun, pretty, run_many

KEY = "suite-test-key"
ROOT = Path(__file__).resolve().parents[2]
#: What the clean-room server reads otherwise (tests/cleanroom/READINGS.md), by spec location.
CLEAN_ROOM_READINGS = [
    "x-kapso-pagination/cursor/unreadable-cursor",  # any bad cursor: 400 "Invalid after cursor"
    "x-kapso-query/booleans",  # 1/0 and any case accepted
    "x-kapso-query/date-times/forms",  # ISO 8601's other forms accepted
    "x-kapso-query/empty-value",  # an empty value of any parameter is absent
    "x-kapso-rules/0/effect",  # before with after: 400
    "x-kapso-rules/1/effect",  # legacy with cursor parameters: 400
]


def short_pages(app: Any) -> Any:
    """The fake, broken: a page with a next cursor loses its last item (a documented promise)."""
    import json

    async def broken(scope: Any, receive: Any, send: Any) -> None:
        async def trimmed(message: Any) -> None:
            if message["type"] == "http.response.body" and b'"paging"' in message.get("body", b""):
                body = json.loads(message["body"])
                if body["paging"]["next"] and len(body["data"]) > 1:
                    body["data"] = body["data"][:-1]
                message = {**message, "body": json.dumps(body).encode()}
            elif message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [h for h in message["headers"] if h[0] != b"content-length"],
                }
            await send(message)

        await app(scope, receive, trimmed)

    broken.contract = app.contract  # type: ignore[attr-defined]
    return broken


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SuiteRun]]:
    live = {"KAPSO_API_KEY": KEY, "KAPSO_CONTRACT_PROFILE": "live", "KAPSO_CONTRACT_SEED": "1"}
    with (
        CleanRoomServer(api_key=KEY, contacts=400) as clean,
        CleanRoomServer(api_key=KEY, contacts=400, new_contacts_per_second=10) as growing,
        serve(short_pages(create_app(api_keys=[KEY], contacts=400))) as broken,
    ):
        plan = {
            "clean room": {
                **live,
                "KAPSO_BASE_URL": clean.base_url,
                "KAPSO_CONTRACT_MAX_REQUESTS": "5000",
            },
            "clean room, growing": {
                **live,
                "KAPSO_BASE_URL": growing.base_url,
                "KAPSO_CONTRACT_MAX_REQUESTS": "5000",
            },
            "fake, growing": {**SMALL, "KAPSO_CONTRACT_FAKE_NEW_PER_MINUTE": "600"},
            "broken": {**live, "KAPSO_BASE_URL": broken.base_url},
            "small budget": {
                **live,
                "KAPSO_BASE_URL": clean.base_url,
                "KAPSO_CONTRACT_MAX_REQUESTS": "60",
            },
            "small budget, failing on it": {
                **live,
                "KAPSO_BASE_URL": clean.base_url,
                "KAPSO_CONTRACT_MAX_REQUESTS": "60",
                "KAPSO_CONTRACT_STRICT_BUDGET": "1",
            },
        }
        yield run_many(tmp_path_factory.mktemp("servers"), plan)


def test_the_clean_room_server_passes_naming_its_readings(runs: dict[str, SuiteRun]) -> None:
    run = runs["clean room"]
    assert run.returncode == 0, pretty(run)
    assert run.violations == [], pretty(run)
    assert sorted(run.mismatches) == CLEAN_ROOM_READINGS, pretty(run)
    assert 'errors="0"' in run.junit


def test_an_account_gaining_items_during_the_run_changes_nothing(runs: dict[str, SuiteRun]) -> None:
    fake, clean = runs["fake, growing"], runs["clean room, growing"]
    assert fake.returncode == 0 and fake.violations == [] and fake.mismatches == [], pretty(fake)
    assert clean.returncode == 0 and clean.violations == [], pretty(clean)
    assert sorted(clean.mismatches) == CLEAN_ROOM_READINGS, pretty(clean)


def test_a_broken_documented_promise_fails_the_run_naming_its_spec_location(
    runs: dict[str, SuiteRun],
) -> None:
    run = runs["broken"]
    assert run.returncode == 1, pretty(run)
    assert "x-kapso-pagination/cursor/full-pages]" in run.output, pretty(run)
    assert any("is full" in line for line in run.violations), pretty(run)


def test_a_run_cut_short_by_its_budget_fails_only_when_asked(runs: dict[str, SuiteRun]) -> None:
    lenient, strict = runs["small budget"], runs["small budget, failing on it"]
    assert lenient.returncode == 0 and lenient.summary["incomplete"], pretty(lenient)
    assert "INCOMPLETE" in lenient.output
    assert strict.returncode == 3, pretty(strict)
    assert lenient.summary["requests"] <= 60


def test_a_run_writes_nothing_but_its_report_directory_and_warns_nothing(
    runs: dict[str, SuiteRun],
) -> None:
    for run in runs.values():
        assert run.left == ("reports",), run.left
        assert "warning" not in run.output.lower().replace("drift (warning)", ""), pretty(run)
        assert KEY not in run.output and KEY not in run.junit


@pytest.mark.loopback
def test_plain_st_run_without_a_config_passes_against_the_fake(tmp_path: Path) -> None:
    """The first command a schemathesis user types, from an empty directory."""
    st = Path(__import__("sys").executable).with_name("st")
    with serve(create_app(api_keys=[KEY], contacts=200)) as fake:
        done = subprocess.run(
            [str(st), "run", str(ROOT / "openapi" / "contacts.yaml"), "--url", fake.base_url,
             "-H", f"X-API-Key: {KEY}", "--max-examples", "60", "--seed", "1"],
            cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout
