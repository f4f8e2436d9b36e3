"""Promises join the checks and the mutants: a promise is named by its spec pointer.

Every check of the suite declares the promises it checks
(``@pytest.mark.promises(<relative pointer globs>)``); every pattern names a
real node of the spec; every assumed fact with other readings is checked by
some check; and every pointer a mutant of the catalogue breaks is one some
check declares.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from kapso_contacts.contract import default_contract

SUITE = Path(__file__).resolve().parents[1] / "contract_tests"
CONTRACT = default_contract()


def declared() -> dict[str, list[str]]:
    """Each check (``module::function``) and the patterns it declares."""
    found: dict[str, list[str]] = {}
    for module in sorted(SUITE.glob("test_*.py")):
        for node in ast.parse(module.read_text("utf-8")).body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            patterns: list[str] = []
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                if call is not None and ast.unparse(call.func).endswith("mark.promises"):
                    patterns += [ast.literal_eval(arg) for arg in call.args]
            found[f"{module.name}::{node.name}"] = patterns
    return found


def pointers(node: Any, at: str = "") -> Iterator[str]:
    """Every pointer under the operation, relative to it."""
    if at:
        yield at
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        token = str(key).replace("~", "~0").replace("/", "~1")
        yield from pointers(child, f"{at}/{token}" if at else token)


CHECKS = declared()
#: Pointers under the operation (relative) and elsewhere in the spec (absolute: its schemas).
POINTERS = sorted(
    {*pointers(CONTRACT.operation), *(f"/{p}" for p in pointers(dict(CONTRACT.spec)))}
)


def checked(pointer: str) -> list[str]:
    """The checks whose patterns match a relative pointer."""
    return [
        name for name, patterns in CHECKS.items() if any(fnmatchcase(pointer, p) for p in patterns)
    ]


def test_every_check_declares_the_promises_it_checks() -> None:
    assert CHECKS, "no check found"
    assert [name for name, patterns in CHECKS.items() if not patterns] == []


@pytest.mark.parametrize("pattern", sorted({p for patterns in CHECKS.values() for p in patterns}))
def test_every_declared_pattern_names_a_node_of_the_spec(pattern: str) -> None:
    assert any(fnmatchcase(pointer, pattern) for pointer in POINTERS), pattern


@pytest.mark.parametrize("fact", [CONTRACT.relative(f.pointer) for f in CONTRACT.assumptions])
def test_every_assumed_fact_with_readings_is_checked(fact: str) -> None:
    assert checked(fact), f"no check declares {fact}"


def test_every_pointer_a_mutant_breaks_is_checked() -> None:
    from kapso_fake.mutants import catalogue

    mutants = catalogue(CONTRACT)
    if not mutants:
        pytest.skip("the mutant catalogue is being rebuilt (kapso_fake.mutants is empty)")
    unchecked = {
        f"{name}: {pointer}"
        for name, mutant in mutants.items()
        for pointer in mutant.breaks
        if not checked(pointer)
    }
    assert not unchecked, sorted(unchecked)
