"""The documented cross-parameter rules, encoded once.

Spec, "Cross-parameter rules": `before` with `after` is a 400; a legacy
parameter (`page`, `per_page`) with a cursor parameter (`limit`, `after`,
`before`) is a 400. The schemathesis hooks, the custom checks and the
semantic tests all read the rules from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_tests._constants import CURSOR_PARAMS, LEGACY_PARAMS

BEFORE_WITH_AFTER = "`before` and `after` together are refused with a 400"
LEGACY_WITH_CURSOR = (
    "a legacy parameter (page, per_page) with a cursor parameter (limit, after, before)"
    " is refused with a 400"
)


def violated_rules(query: Mapping[str, Any]) -> list[str]:
    """Return the documented cross-parameter rules that `query` breaks."""
    present = {name for name, value in query.items() if value is not None}
    broken = []
    if {"before", "after"} <= present:
        broken.append(BEFORE_WITH_AFTER)
    if present & set(LEGACY_PARAMS) and present & set(CURSOR_PARAMS):
        broken.append(LEGACY_WITH_CURSOR)
    return broken


def obey_rules(query: Mapping[str, Any]) -> dict[str, Any]:
    """`query` made to obey the rules: drop `before` beside `after`, legacy beside cursor."""
    fixed = {name: value for name, value in query.items() if value is not None}
    if "before" in fixed and "after" in fixed:
        del fixed["before"]
    if set(fixed) & set(LEGACY_PARAMS) and set(fixed) & set(CURSOR_PARAMS):
        for name in LEGACY_PARAMS:
            fixed.pop(name, None)
    return fixed


def pagination_mode(query: Mapping[str, Any]) -> str | None:
    """Return "cursor" or "legacy" for a query that obeys the rules, None for a bare one."""
    present = {name for name, value in query.items() if value is not None}
    if present & set(CURSOR_PARAMS):
        return "cursor"
    if present & set(LEGACY_PARAMS):
        return "legacy"
    return None
