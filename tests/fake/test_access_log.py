"""The fake's access line: uvicorn's own, written without the logging machinery."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import httpx
import pytest
import uvicorn
from uvicorn.logging import AccessFormatter

import kapso_fake.cli as cli
from kapso_fake import create_app
from kapso_fake._access_log import AccessLog, line

from .conftest import KEY, PATH


def _uvicorn_line(client: str, method: str, path: str, version: str, status: int) -> str:
    """What uvicorn's access logger prints for these values (colours off)."""
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 0, '%s - "%s %s HTTP/%s" %d',
        (client, method, path, version, status), None,
    )  # fmt: skip
    formatter = AccessFormatter(
        '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False
    )
    return formatter.format(record) + "\n"


@pytest.mark.parametrize("status", [200, 400, 401, 404, 429, 503, 520])
def test_the_line_is_uvicorn_s_line(status: int) -> None:
    query = b"limit=20&profile_name_contains=mar%C3%ADa"
    scope = {
        "type": "http", "method": "GET", "path": PATH, "http_version": "1.1",
        "query_string": query, "client": ("127.0.0.1", 5000),
    }  # fmt: skip
    expected = _uvicorn_line("127.0.0.1:5000", "GET", f"{PATH}?{query.decode()}", "1.1", status)
    assert line(scope, status) == expected


def test_one_line_per_request_with_the_status_answered_and_no_key() -> None:
    stream = io.StringIO()
    app = AccessLog(create_app(api_keys=[KEY], contacts=5, seed=1), stream)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 4321))

    async def calls() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            await http.get(PATH, params={"limit": "2"}, headers={"X-API-Key": KEY})
            await http.get(PATH, params={"limit": "0"}, headers={"X-API-Key": KEY})
            await http.get(PATH, headers={"X-API-Key": "wrong"})

    asyncio.run(calls())
    lines = stream.getvalue().splitlines()
    assert [entry.rsplit('" ', 1)[1] for entry in lines] == [
        "200 OK",
        "400 Bad Request",
        "401 Unauthorized",
    ]
    assert all("127.0.0.1:4321" in entry for entry in lines)
    assert KEY not in stream.getvalue()


@pytest.mark.parametrize(("level", "logged"), [("info", True), ("debug", True), ("warning", False)])
def test_the_cli_logs_each_request_at_info_and_below(
    monkeypatch: pytest.MonkeyPatch, level: str, logged: bool
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs, app=app))
    cli.main(["--contacts", "3", "--api-key", "k", "--log-level", level])
    assert isinstance(seen["app"], AccessLog) is logged
    assert seen["access_log"] is False  # never uvicorn's own as well
