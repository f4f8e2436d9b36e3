"""The committed generated client is a golden record: stamped, and checked file by file."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal

import pytest

from kapso_contacts.contract import load_contract, read_spec

REPO = Path(__file__).resolve().parents[2]


def test_generated_client_was_generated_from_the_current_spec() -> None:
    # A fast guard: `make check-generated` is the full byte-for-byte comparison.
    generate = _load_generate_script()
    stamp = (REPO / "generated_client" / "SPEC_SHA256").read_text().strip()
    assert stamp == generate.spec_fingerprint(), "generated_client/ is stale: run `make generate`"


def _load_generate_script() -> Any:
    spec = importlib.util.spec_from_file_location("generate", REPO / "scripts" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_check_catches_a_one_character_edit_and_stale_extra_files(tmp_path: Path) -> None:
    generate = _load_generate_script()
    fresh, committed = tmp_path / "fresh", tmp_path / "committed"
    shutil.copytree(REPO / "generated_client", fresh)
    shutil.copytree(REPO / "generated_client", committed)
    assert generate.tree_differences(fresh, committed) == []
    client = committed / "kapso_contacts_api" / "client.py"
    client.write_text(client.read_text().replace("import", "imporT", 1))
    (committed / "kapso_contacts_api" / "stale.py").write_text("")
    (committed / "README.md").unlink()
    assert generate.tree_differences(fresh, committed) == [
        "differs: kapso_contacts_api/client.py",
        "missing from committed copy: README.md",
        "not produced by the generator: kapso_contacts_api/stale.py",
    ]


def test_the_filters_typeddict_is_that_of_any_list_operation_named_after_its_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Generated from the conversations spec (never shipped): nothing names contacts.
    generate = _load_generate_script()
    spec = REPO / "tests" / "specs" / "conversations.yaml"
    source = generate.filters_module(read_spec(spec))
    module = types.ModuleType("conversation_filters")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # where its annotations resolve
    exec(compile(source, "filters.py", "exec"), module.__dict__)
    hints = typing.get_type_hints(module.ConversationFilters)
    assert set(hints) == set(load_contract(spec).filters)
    assert hints["status"] == Literal["active", "ended"]
    assert hints["unassigned"] is bool
    assert "List conversations" in source
    assert "ContactFilters" not in source
