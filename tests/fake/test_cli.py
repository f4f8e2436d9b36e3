"""``kapso-fake``'s command line, without starting a server."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn

import kapso_fake.cli as cli
from kapso_fake import FakeApp

from .conftest import PATH, client_for


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Capture what ``main`` would hand to uvicorn."""
    seen: dict[str, Any] = {}

    def run(app: FakeApp, **kwargs: Any) -> None:
        seen.update(kwargs, app=app)

    monkeypatch.setattr(uvicorn, "run", run)
    return seen


def test_given_keys_are_used_and_never_printed(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["--port", "9999", "--contacts", "25", "--seed", "3", "--api-key", "sekrit-1",
              "--api-key", "sekrit-2", "--rate-limit", "7", "--log-level", "warning"])  # fmt: skip
    out = capsys.readouterr()
    assert "sekrit" not in out.out + out.err
    assert served["host"] == "127.0.0.1"
    assert served["port"] == 9999
    assert served["log_level"] == "warning"
    app = served["app"]
    assert app.state.store.count() == 25
    for key in ("sekrit-1", "sekrit-2"):
        with client_for(app, key=key) as client:
            response = client.get(PATH)
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "7"


def test_without_a_key_one_is_generated_and_printed_once(
    served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["--contacts", "5"])
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "generated API key" in x)
    key = line.rsplit(": ", 1)[1]
    assert err.count(key) == 1
    with client_for(served["app"], key=key) as client:
        assert client.get(PATH).status_code == 200


def test_fault_options_reach_the_app(served: dict[str, Any]) -> None:
    cli.main(["--contacts", "5", "--api-key", "k", "--fault-rate", "1", "--fault-kinds", "503"])
    with client_for(served["app"], key="k") as client:
        assert client.get(PATH).status_code == 503


@pytest.mark.parametrize(
    "argv",
    [["--fault-rate", "2"], ["--fault-rate", "x"], ["--rate-limit", "0"], ["--contacts", "-1"],
     ["--port", "70000"], ["--log-level", "loud"]],
)  # fmt: skip
def test_bad_options_exit_with_usage(
    served: dict[str, Any], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    assert "usage: kapso-fake" in capsys.readouterr().err


def test_unknown_fault_kind_is_refused(served: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="fault kinds"):
        cli.main(["--api-key", "k", "--fault-kinds", "500,418"])
