"""Deterministic filter values cut from real contacts: recipes per filter, by its `match` kind.

Each filter of the contract gets the recipes its meaning calls for, named
after it: `present` true and false; a case-insensitive `contains` a
case-flipped piece of a real value (non-ASCII first) and the literal `%` and
`_`; a case-sensitive `contains` a real piece; an `equals` a real value (or,
for a customer's field, an unknown one). One more ANDs a `present` filter
with a case-insensitive needle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kapso_contacts.contract import Contract, Filter

Contacts = list[dict[str, Any]]
Recipe = Callable[[Contacts], dict[str, Any] | None]
UNKNOWN_VALUE = "no-such-value-anywhere"


def _first(contacts: Contacts, field: str) -> Any:
    return next((c[field] for c in contacts if c.get(field) not in (None, "")), None)


def case_changed_piece(contacts: Contacts, field: str) -> str | None:
    """A 3-letter piece of a real value with its case flipped (cased non-ASCII letters first)."""
    values = [str(c[field]) for c in contacts if c.get(field)]
    for ascii_ok in (False, True):
        for value in values:
            for start in range(max(1, len(value) - 2)):
                piece = value[start : start + 3]
                flipped = piece.swapcase()
                if flipped == piece or flipped.lower() != piece.lower():
                    continue
                # A non-ASCII letter whose case flips is what an ASCII-only folding misses.
                if ascii_ok or any(ord(ch) > 127 and ch.swapcase() != ch for ch in piece):
                    return flipped
    return None


def _real_piece(contacts: Contacts, field: str) -> str | None:
    value = _first(contacts, field)
    return str(value)[2:6] if value and len(str(value)) >= 6 else value


def _fixed(name: str, value: Any) -> Recipe:
    return lambda _: {name: value}


def _cut(name: str, pick: Callable[[Contacts], Any]) -> Recipe:
    def recipe(contacts: Contacts) -> dict[str, Any] | None:
        value = pick(contacts)
        return None if value is None else {name: value}

    return recipe


def _for(rule: Filter) -> dict[str, Recipe]:
    name, field = rule.parameter, rule.field
    if rule.match == "present":
        return {f"{name}=true": _fixed(name, True), f"{name}=false": _fixed(name, False)}
    if rule.match == "contains" and rule.case_insensitive:
        return {
            f"{name}, case flipped": _cut(name, lambda cs: case_changed_piece(cs, field)),
            f"{name}=%": _fixed(name, "%"),
            f"{name}=_": _fixed(name, "_"),
        }
    if rule.match == "contains":
        return {f"{name}, a real piece": _cut(name, lambda cs: _real_piece(cs, field))}
    if rule.match == "equals" and rule.on_customer:
        return {f"{name}, unknown": _fixed(name, UNKNOWN_VALUE)}
    if rule.match == "equals":
        return {f"{name}, a real one": _cut(name, lambda cs: _first(cs, field))}
    return {}


def recipes(contract: Contract) -> dict[str, Recipe]:
    """Every recipe of the contract's filters, by name."""
    found: dict[str, Recipe] = {}
    for rule in contract.filters.values():
        found.update(_for(rule))
    present = next((f for f in contract.filters.values() if f.match == "present"), None)
    needle = next(
        (f for f in contract.filters.values() if f.match == "contains" and f.case_insensitive),
        None,
    )
    if present is not None and needle is not None:

        def both(contacts: Contacts) -> dict[str, Any] | None:
            holding = [c for c in contacts if c.get(present.field) is not None]
            piece = case_changed_piece(holding, needle.field)
            return {present.parameter: True, needle.parameter: piece} if piece else None

        found[f"{present.parameter} AND {needle.parameter}"] = both
    return found
