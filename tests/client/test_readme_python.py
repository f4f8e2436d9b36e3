"""The README's Python examples for the client run as written, against a fake on loopback.

Each block of the sections from "The client" to "The generated client
underneath" runs in a fresh namespace holding an open ``kapso`` client, as
the README assumes once its first example has made one; ``KAPSO_API_KEY``
and ``KAPSO_BASE_URL`` point at the fake.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kapso_contacts import KapsoContacts
from kapso_fake import create_app
from kapso_fake.testing import LoopbackServer, serve_app

pytestmark = pytest.mark.loopback

README = Path(__file__).resolve().parents[2] / "README.md"
KEY = "kapso_canary_readme_python"


def _blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The client (`kapso_contacts`)", 1)[1].split("## Command line", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


BLOCKS = _blocks()


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with serve_app(create_app(api_keys=[KEY], contacts=300, seed=4)) as running:
        yield running


def test_the_client_sections_have_their_examples() -> None:
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block-{i}" for i in range(len(BLOCKS))])
def test_each_example_runs_as_written(
    block: str, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPSO_API_KEY", KEY)
    monkeypatch.setenv("KAPSO_BASE_URL", server.base_url)
    with KapsoContacts() as kapso:
        namespace = {"kapso": kapso, "__name__": "readme_example"}
        exec(compile(block, str(README), "exec"), namespace)
