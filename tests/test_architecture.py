"""docs/architecture.md stays true: every import of every room is one its table allows."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
#: Where each room's code lives; a nested room (the reader, the mutants) is
#: left out of its parent's files.
FOLDERS = {
    "kapso_contacts_api": ROOT / "generated_client" / "kapso_contacts_api",
    "kapso_contacts.contract": ROOT / "src" / "kapso_contacts" / "contract",
    "kapso_contacts": ROOT / "src" / "kapso_contacts",
    "kapso_fake": ROOT / "src" / "kapso_fake",
    "kapso_fake.mutants": ROOT / "src" / "kapso_fake" / "mutants",
    "kapso_contract": ROOT / "src" / "kapso_contract",
    "contract_tests": ROOT / "contract_tests",
}


def rules() -> dict[str, set[str]]:
    """The table "What each room may import": room -> allowed import roots."""
    section = DOC.read_text(encoding="utf-8").split("## What each room may import", 1)[1]
    found: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`"):
            found[cells[0].strip("`")] = set(re.findall(r"`([^`]+)`", cells[1]))
    return found


def _files(room: str) -> list[Path]:
    folder = FOLDERS[room]
    nested = [other for name, other in FOLDERS.items() if name.startswith(room + ".")]
    return [
        path
        for path in folder.rglob("*.py")
        if not any(path.is_relative_to(inner) for inner in nested)
    ]


def _package(path: Path) -> str:
    """The dotted package a file belongs to (for resolving relative imports)."""
    for room, folder in sorted(FOLDERS.items(), key=lambda item: -len(str(item[1]))):
        if path.is_relative_to(folder):
            inner = path.parent.relative_to(folder).parts
            return ".".join([room, *inner]) if inner else room
    raise AssertionError(path)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _package(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return found


def _allowed(module: str, allowed: set[str]) -> bool:
    if module.split(".")[0] in sys.stdlib_module_names or module == "__future__":
        return True
    # The most specific rule wins: `kapso_contacts.contract` is not `kapso_contacts`.
    specific = max(
        (rule for rule in (*allowed, *FOLDERS) if module == rule or module.startswith(rule + ".")),
        key=len,
        default=None,
    )
    return specific in allowed


def test_the_table_names_every_room() -> None:
    assert set(rules()) == set(FOLDERS)


@pytest.mark.parametrize("room", sorted(FOLDERS))
def test_every_import_of_a_room_is_allowed_by_the_table(room: str) -> None:
    allowed = rules()[room] | {room}  # a room imports its own modules
    wrong = sorted(
        f"{path.relative_to(ROOT)}: {module}"
        for path in _files(room)
        for module in imports_of(path)
        if not _allowed(module, allowed)
    )
    assert wrong == [], "\n".join(wrong)


def test_the_check_can_fail() -> None:
    # The fake may not use the client's porcelain; the reader may not use the fake.
    assert not _allowed("kapso_contacts._client", rules()["kapso_fake"])
    assert not _allowed("kapso_fake.cursor", rules()["kapso_contacts.contract"])
    assert _allowed("kapso_contacts.contract._query", rules()["kapso_fake"])
