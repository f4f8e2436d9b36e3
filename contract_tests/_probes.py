"""Probe queries built from the contract: every bound at its edge and one past, rule triggers,
values no contract reading accepts, awkward strings.

Which answer each probe must get is not written here: `assess` reads the
probe as the contract says, and the test holds the server to that verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kapso_contacts.contract import Contract, Parameter, Provenance, Rule, to_query_value

# Spellings no reading of a parameter's type accepts (probe values, not facts of the API).
UNREADABLE = {
    "integer": ("ten", "2.5"),
    "boolean": ("maybe",),
    "date-time": ("yesterday", "2025-13-45T99:00:00Z"),
}
# Valid values no server may choke on (a string filter has no length or character limit in
# the spec): an astral-plane character with a combining mark and the literal `%`, `_`, `\`;
# and a value past 255 characters (4,096: with the URL it stays under the 8,000-octet
# request line RFC 9110 asks every server to support).
AWKWARD = {
    "astral, combining, %_\\": "\U0001f600e\u0301%_\\",
    "4096 characters": "z" * 4096,
}


@dataclass(frozen=True)
class Edge:
    """A query at a bound, or past it, and the keyword (with its provenance) it tests."""

    query: dict[str, str]
    provenance: Provenance
    keyword: str
    id: str
    """The edge by its role, not its value: `limit maximum+1`, `largest window`."""

    @property
    def label(self) -> str:
        """`limit=0`, `page=50&per_page=100`."""
        return "&".join(f"{name}={value}" for name, value in self.query.items())


def edges(contract: Contract, *, far: bool = False) -> list[Edge]:
    """Every integer bound at its edge and one past it, and the largest legacy window the
    ranges allow; `far`: each maximum far past it instead (twice it)."""
    found: list[Edge] = []
    for parameter in contract.parameters.values():
        if parameter.kind != "integer":
            continue
        low, high = parameter.minimum, parameter.maximum
        if far:
            if high is not None:
                found.append(_edge(parameter, 2 * high, "maximum", "2x maximum"))
            continue
        if low is not None:
            for value, role in ((low, "minimum"), (low - 1, "minimum-1")):
                found.append(_edge(parameter, value, "minimum", role))
        if high is not None:
            for value, role in ((high, "maximum"), (high + 1, "maximum+1")):
                found.append(_edge(parameter, value, "maximum", role))
    window = None if far else _largest_window(contract)
    if window is not None:
        found.append(window)
    return found


def _edge(parameter: Parameter, value: int, keyword: str, role: str) -> Edge:
    return Edge(
        {parameter.name: str(value)},
        parameter.source_of(keyword),
        keyword,
        f"{parameter.name} {role}",
    )


def _largest_window(contract: Contract) -> Edge | None:
    """The largest page at the largest page size whose window the contract allows."""
    legacy = contract.pagination.legacy
    page, per_page = legacy.page, legacy.per_page
    if page.maximum is None or per_page.maximum is None:
        return None
    size = per_page.maximum
    last = min(page.maximum, legacy.max_window // size)
    if last < (page.minimum or legacy.first_page):
        return None
    query = {page.name: str(last), per_page.name: str(size)}
    return Edge(query, legacy.window, "max-window", "largest window")


def unreadable(contract: Contract) -> Iterator[tuple[str, str]]:
    """(parameter, value) for every parameter of a kind with unreadable spellings."""
    for parameter in contract.parameters.values():
        for value in UNREADABLE.get(parameter.kind, ()):
            yield parameter.name, value


def string_filters(contract: Contract) -> list[str]:
    """The filters whose parameter takes any string, those that transform text (fold case) first."""
    found = [n for n in contract.filters if contract.parameters[n].kind == "string"]
    return sorted(found, key=lambda name: not contract.filters[name].case_insensitive)


def sample_value(contract: Contract, parameter: Parameter, cursors: dict[str, str]) -> str:
    """A valid value of a parameter, as the query carries it (cursors: issued ones by name)."""
    if parameter.kind == "cursor":
        return cursors[parameter.name]
    if parameter.kind == "integer":
        value: Any = parameter.default if parameter.default is not None else parameter.minimum
    elif parameter.kind == "boolean":
        value = True
    elif parameter.kind == "date-time":
        value = datetime.now(UTC)
    else:
        value = "x"
    return to_query_value(contract, parameter, value)


def rule_triggers(contract: Contract, rule: Rule, cursors: dict[str, str]) -> list[dict[str, str]]:
    """Queries that trigger a rule: one parameter of every group, every parameter used once."""
    width = max(len(group) for group in rule.groups)
    queries = []
    for index in range(width):
        names = [group[index % len(group)] for group in rule.groups]
        queries.append({n: sample_value(contract, contract.parameters[n], cursors) for n in names})
    return queries
