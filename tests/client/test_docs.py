"""Every example of docs/client.md and docs/cli.md runs as written, against the fake."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from kapso_contacts import KapsoContacts
from kapso_contacts.cli import EXAMPLES
from kapso_fake import FakeApp, create_app
from kapso_fake.server import Running, serve, transport

from .conftest import KEY, invoke_cli
from .test_cli import RESUME, _Interrupting

pytestmark = pytest.mark.loopback

ROOT = Path(__file__).resolve().parents[2]
CLIENT, CLI = (ROOT / "docs" / name for name in ("client.md", "cli.md"))
PLACEHOLDER = "<cursor printed by the previous page>"


def _blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


PYTHON = _blocks(CLIENT, "python")


@pytest.fixture(scope="module")
def app() -> FakeApp:
    """What ``make fake`` serves by default: 1,000 contacts, seed 1."""
    return create_app(api_keys=[KEY], contacts=1000, seed=1)


@pytest.fixture(scope="module")
def server(app: FakeApp) -> Iterator[Running]:
    with serve(app) as running:
        yield running


@pytest.mark.parametrize("block", PYTHON, ids=[f"block-{i}" for i in range(len(PYTHON))])
def test_each_python_example_runs_as_written(
    block: str, server: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAPSO_API_KEY", KEY)
    monkeypatch.setenv("KAPSO_BASE_URL", server.base_url)
    monkeypatch.chdir(ROOT)
    with KapsoContacts() as kapso:
        exec(compile(block, str(CLIENT), "exec"), {"kapso": kapso, "__name__": "docs_example"})
    if block.rstrip().splitlines()[-1].startswith("print("):  # a block that ends by printing
        assert capsys.readouterr().out


def test_the_client_doc_has_its_examples() -> None:
    assert len(PYTHON) >= 9


def _commands(text: str, prefix: str) -> list[str]:
    lines = [line.strip().removeprefix("$ ") for line in text.splitlines()]
    return [re.sub(r"\s+#.*$", "", line) for line in lines if line.startswith(prefix)]


def _argv(command: str) -> list[str]:
    words = shlex.split(command)
    for redirect in (">", ">>"):
        if redirect in words:
            words = words[: words.index(redirect)]
    assert words[0] == "kapso-contacts"
    return words[1:]


def _printed(result: Result, argv: list[str]) -> int:
    fmt = argv[argv.index("--format") + 1] if "--format" in argv else "jsonl"  # not a terminal
    if fmt == "csv":
        return len(list(csv.DictReader(io.StringIO(result.stdout))))
    return len(json.loads(result.stdout)) if fmt == "json" else len(result.stdout.splitlines())


def test_the_cli_doc_and_the_help_show_the_same_examples_and_each_finds_contacts(
    app: FakeApp,
) -> None:
    documented = _commands(_blocks(CLI, "console")[0], "kapso-contacts")
    assert documented == _commands(EXAMPLES, "kapso-contacts")
    assert len(documented) == 5
    first = invoke_cli(["list"], transport(app))
    cursor = first.stderr.split("--after ")[1].split()[0]
    for command in documented:
        argv = _argv(command.replace(PLACEHOLDER, cursor))
        result = invoke_cli(argv, transport(app))
        assert result.exit_code == 0, (command, result.stderr)
        assert _printed(result, argv) >= 1, command


def test_the_resumed_export_of_the_cli_doc_completes_the_stopped_one(app: FakeApp) -> None:
    stopping, resuming = _commands(_blocks(CLI, "console")[1], "kapso-contacts")
    shown = next(
        line for line in _blocks(CLI, "console")[1].splitlines() if line.startswith("Stopped")
    )
    stopped = invoke_cli(_argv(stopping), _Interrupting(transport(app), 6))
    said = stopped.stderr.splitlines()[-1]
    pattern = re.escape(shown.split("(", 1)[1].split(" --after")[0]).replace("1,200", r"[\d,]+")
    assert re.search(pattern, said), said
    found = RESUME.search(said)
    assert found is not None
    resumed = invoke_cli(
        _argv(resuming.replace(resuming.split()[-3], found.group(2))), transport(app)
    )
    whole = invoke_cli(_argv(stopping), transport(app))
    assert stopped.stdout + resumed.stdout == whole.stdout
    assert len(whole.stdout.splitlines()) == 1001
