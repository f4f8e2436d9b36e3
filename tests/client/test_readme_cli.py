"""The README's and ``--help``'s CLI examples run against the embedded fake and find contacts."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import Result

from kapso_contacts.cli import examples
from kapso_contacts.contract import default_contract
from kapso_fake import FakeApp, create_app
from kapso_fake.testing import SyncASGITransport

from .conftest import KEY, invoke_cli

README = Path(__file__).resolve().parents[2] / "README.md"
CURSOR_PLACEHOLDER = "<cursor printed by the previous page>"


def _readme_commands() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Command line: `kapso-contacts`")[1]
    block = section.split("```console")[1].split("```")[0]
    return [line[2:] for line in block.splitlines() if line.startswith("$ kapso-contacts")]


def _help_commands() -> list[str]:
    text = examples(default_contract())
    return [line.strip() for line in text.splitlines() if line.startswith("  kapso-contacts")]


def _argv(command: str, cursor: str) -> list[str]:
    """The arguments after ``kapso-contacts``: no shell comment, no redirection."""
    command = re.sub(r"\s+#.*$", "", command).replace(CURSOR_PLACEHOLDER, cursor)
    words = shlex.split(command)
    if ">" in words:
        words = words[: words.index(">")]
    assert words[0] == "kapso-contacts"
    return words[1:]


@pytest.fixture(scope="module")
def fake() -> FakeApp:
    """What ``make fake`` serves by default: 1,000 contacts, seed 1."""
    return create_app(api_keys=[KEY], contacts=1000, seed=1)


def _contacts_printed(result: Result, argv: list[str]) -> int:
    fmt = argv[argv.index("--format") + 1] if "--format" in argv else "jsonl"  # not a terminal
    if fmt == "csv":
        return len(list(csv.DictReader(io.StringIO(result.stdout))))
    if fmt == "table":
        return len(result.stdout.splitlines()) - 1
    if fmt == "json":
        return len(json.loads(result.stdout))
    return sum(1 for line in result.stdout.splitlines() if json.loads(line)["id"])


def test_the_readme_and_the_help_show_the_same_examples() -> None:
    readme = [re.sub(r"\s+#.*$", "", command) for command in _readme_commands()]
    shown = [re.sub(r"\s+#.*$", "", command) for command in _help_commands()]
    assert len(readme) >= 5
    assert readme == shown


def test_every_readme_example_prints_at_least_one_contact(fake: FakeApp) -> None:
    first = invoke_cli(["list"], SyncASGITransport(fake))
    found = re.search(r"--after (\S+)", first.stderr)
    assert found, first.stderr
    for command in _readme_commands():
        argv = _argv(command, found.group(1))
        result = invoke_cli(argv, SyncASGITransport(fake))
        assert result.exit_code == 0, (command, result.stderr)
        assert _contacts_printed(result, argv) >= 1, command


def test_the_accent_matters_which_is_why_the_example_says_maria_with_an_accent(
    fake: FakeApp,
) -> None:
    with_accent = invoke_cli(["list", "--profile-name-contains", "maría"], SyncASGITransport(fake))
    without = invoke_cli(["list", "--profile-name-contains", "maria"], SyncASGITransport(fake))
    assert with_accent.stdout.count("\n") >= 1
    assert without.stdout == ""
    assert without.stderr == "No contacts found.\n"
