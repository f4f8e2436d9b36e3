"""What the spec tests share: the sources a documented fact may quote, and the spec linter."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
# Kapso's documents, beside a clone of this repository in CI (never in a user's clone): the
# tests that trace a quote to them skip, naming the missing file, when they are absent.
SHARED = REPO.parent / "shared"
DOCS_PAGE = SHARED / "seed" / "list-contacts-docs-page.txt"
KAPSO_FACTS = SHARED / "kapso-api-facts.md"
CONVERSATIONS_FACTS = SHARED / "kapso-conversations-facts.md"
#: The file behind each key of `info.x-kapso-sources`, in either spec. The conversations
#: spec quotes the family's conventions from where the family states them.
SOURCE_FILES = {
    "docs-page": DOCS_PAGE,
    "kapso-facts": KAPSO_FACTS,
    "conversations-facts": CONVERSATIONS_FACTS,
    "family-docs-page": DOCS_PAGE,
    "family-facts": KAPSO_FACTS,
}


@pytest.fixture
def source_text() -> Callable[[str], str]:
    """The text of the document behind a source key (skips, naming it, when it is absent)."""

    def read(source: str) -> str:
        assert source in SOURCE_FILES, f"no document is known for source {source!r}"
        path = SOURCE_FILES[source]
        if not path.is_file():
            pytest.skip(f"needs {path} (Kapso's documents: present in CI, not in a user's clone)")
        return path.read_text(encoding="utf-8")

    return read


@pytest.fixture(scope="session")
def lint_spec() -> ModuleType:
    """`scripts/lint_spec.py`, as a module."""
    spec = importlib.util.spec_from_file_location("lint_spec", REPO / "scripts" / "lint_spec.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
