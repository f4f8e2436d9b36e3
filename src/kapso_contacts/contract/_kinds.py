"""What each kind of filter means: the one registry every consumer reads.

A filter's ``kind`` (``x-kapso-filter``) names one entry of ``FILTER_KINDS``,
which holds everything that depends on the kind: how the fake stores the
field and queries it (``column``, ``clause``), what the contract suite's model
keeps (``keeps``, ``None`` where the readings the docs allow disagree), the
values worth trying, cut from real data (``samples``), and the ways servers
get the kind wrong (``breakages``, the mutants' wrong readings). Adding a
kind is adding an entry here, and its name to the extensions' schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._timestamps import Instant, format_timestamp, timestamp_of

Clause = tuple[str, list[Any]]
Keeps = Callable[[Any, Any], bool | None]


@dataclass(frozen=True)
class FilterKind:
    """One kind of filter, everything that depends on it.

    Attributes:
        name: the kind, as ``x-kapso-filter`` writes it.
        value: the type of the filter's value as the query reader types it
            (``text``, ``boolean``, ``instant``).
        column: the form in which the fake stores an item's field value.
        clause: the SQL condition on that column for a filter value (values bound).
        keeps: whether an item whose field holds the first argument is kept for
            the filter value (None: the readings the docs allow disagree).
        samples: filter values worth trying, cut from the field's real values.
        breakages: plausible wrong readings, by name (what a broken server keeps).
    """

    name: str
    value: str
    column: Callable[[Any], Any]
    clause: Callable[[str, Any], Clause]
    keeps: Keeps
    samples: Callable[[Sequence[Any]], list[Any]]
    breakages: Mapping[str, Callable[[Any, Any], bool]] = field(default_factory=dict)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _distinct(values: Iterable[Any]) -> list[Any]:
    return sorted({v for v in values if v not in (None, "")}, key=str)


# -- equals -------------------------------------------------------------------


EQUALS = FilterKind(
    name="equals",
    value="text",
    column=lambda value: str(value) if isinstance(value, str | int | float | bool) else None,
    clause=lambda column, value: (f"{column} = ?", [str(value)]),
    keeps=lambda field_value, value: field_value is not None and str(field_value) == str(value),
    # A real value, and one cut short: an exact match keeps none of the latter's items.
    samples=lambda values: [*_distinct(values)[:8], *(str(v)[:-1] for v in _distinct(values)[:2])],
    breakages={"prefix": lambda f, v: f is not None and str(f).startswith(str(v))},
)


# -- contains -----------------------------------------------------------------


def _pieces(values: Sequence[Any], size: int = 4) -> list[str]:
    found = []
    for value in _distinct(values):
        text = str(value)
        found.append(text[1 : 1 + size] if len(text) > size + 1 else text)
    return _distinct(found)[:8]


def _like(needle: str, text: str, fold: Callable[[str], str] = str) -> bool:
    """SQL LIKE '%needle%' without escaping: ``%`` and ``_`` act as wildcards."""
    pattern = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in fold(needle))
    return re.search(pattern, fold(text), re.DOTALL) is not None


CONTAINS = FilterKind(
    name="contains",
    value="text",
    column=_text,
    clause=lambda column, value: (f"instr({column}, ?) > 0", [value]),
    keeps=lambda field_value, value: isinstance(field_value, str) and value in field_value,
    samples=lambda values: [*_pieces(values), "%", "_"],
    breakages={
        "prefix": lambda f, v: isinstance(f, str) and f.startswith(v),
        "like-wildcards": lambda f, v: isinstance(f, str) and _like(v, f),
        "case-insensitive": lambda f, v: isinstance(f, str) and v.casefold() in f.casefold(),
    },
)


def folds_to(needle: str, text: str) -> bool | None:
    """Case-insensitive Unicode substring; None when the case readings (lower, fold) disagree."""
    readings = {needle.lower() in text.lower(), needle.casefold() in text.casefold()}
    return readings.pop() if len(readings) == 1 else None


def _ascii_lower(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def case_flipped_pieces(values: Sequence[Any]) -> list[str]:
    """Pieces of real values with their case flipped, those with a non-ASCII cased letter first."""
    found: list[str] = []
    for value in _distinct(values):
        text = str(value)
        for start in range(max(1, len(text) - 2)):
            piece = text[start : start + 3]
            flipped = piece.swapcase()
            if flipped != piece and flipped.lower() == piece.lower():
                found.append(flipped)
                break
    return sorted(set(found), key=lambda p: (p.isascii(), p))[:8]


CONTAINS_ANY_CASE = FilterKind(
    name="contains-any-case",
    value="text",
    column=lambda value: value.casefold() if isinstance(value, str) else None,
    clause=lambda column, value: (f"instr({column}, ?) > 0", [str(value).casefold()]),
    keeps=lambda field_value, value: (
        folds_to(value, field_value) if isinstance(field_value, str) else False
    ),
    samples=lambda values: [*case_flipped_pieces(values), "%", "_"],
    breakages={
        "case-sensitive": lambda f, v: isinstance(f, str) and v in f,
        "ascii-folding": lambda f, v: isinstance(f, str) and _ascii_lower(v) in _ascii_lower(f),
        "like-wildcards": lambda f, v: isinstance(f, str) and _like(v, f, str.casefold),
        "prefix": lambda f, v: isinstance(f, str) and f.casefold().startswith(v.casefold()),
    },
)


# -- presence -----------------------------------------------------------------

PRESENT = FilterKind(
    name="present",
    value="boolean",
    column=lambda value: None if value is None else 1,
    clause=lambda column, value: (f"{column} IS {'NOT ' if value else ''}NULL", []),
    keeps=lambda field_value, value: (field_value is not None) == bool(value),
    samples=lambda values: [True, False],
    breakages={"false-is-truthy": lambda f, v: f is not None},
)

ABSENT = FilterKind(
    name="absent",
    value="boolean",
    column=lambda value: None if value is None else 1,
    clause=lambda column, value: (f"{column} IS {'' if value else 'NOT '}NULL", []),
    keeps=lambda field_value, value: (field_value is None) == bool(value),
    samples=lambda values: [True, False],
    breakages={"false-is-truthy": lambda f, v: f is None},
)


# -- time bounds --------------------------------------------------------------


_API_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def _stored_time(value: Any) -> str | None:
    if isinstance(value, str) and _API_FORM.fullmatch(value):
        return value  # already the API's own form (UTC, microseconds, Z): it sorts as it reads
    moment = timestamp_of(value)
    return None if moment is None else format_timestamp(moment)


def _after_clause(column: str, bound: Instant) -> Clause:
    if bound.beyond:  # before or after every timestamp: every item with one, or none
        return (f"{column} IS NOT NULL", []) if bound.beyond < 0 else ("0", [])
    return f"{column} > ?", [format_timestamp(bound.floor)]


def _before_clause(column: str, bound: Instant) -> Clause:
    if bound.beyond:
        return (f"{column} IS NOT NULL", []) if bound.beyond > 0 else ("0", [])
    # Inexact: strictly between two microseconds, so a value at the floor is before it.
    return f"{column} {'<=' if bound.inexact else '<'} ?", [format_timestamp(bound.floor)]


def _middle_instant(values: Sequence[Any]) -> list[Any]:
    """The median of the real timestamps: a bound that splits them."""
    found = sorted(moment for v in set(values) if (moment := timestamp_of(v)) is not None)
    return [Instant(moment) for moment in found[len(found) // 2 : len(found) // 2 + 1]]


def _time_keeps(after: bool) -> Keeps:
    def keeps(field_value: Any, bound: Any) -> bool | None:
        moment = timestamp_of(field_value)
        if moment is None or not isinstance(bound, Instant):
            return None if field_value is not None else False
        return bound.is_before(moment) if after else bound.is_after(moment)

    return keeps


def _inclusive(after: bool) -> Callable[[Any, Any], bool]:
    def keeps(field_value: Any, bound: Any) -> bool:
        moment: datetime | None = timestamp_of(field_value)
        if moment is None or not isinstance(bound, Instant) or bound.beyond:
            return bool(_time_keeps(after)(field_value, bound))
        return moment >= bound.floor if after else moment <= bound.floor

    return keeps


AFTER = FilterKind(
    name="after",
    value="instant",
    column=_stored_time,
    clause=_after_clause,
    keeps=_time_keeps(after=True),
    samples=_middle_instant,
    breakages={"inclusive": _inclusive(after=True)},
)

BEFORE = FilterKind(
    name="before",
    value="instant",
    column=_stored_time,
    clause=_before_clause,
    keeps=_time_keeps(after=False),
    samples=_middle_instant,
    breakages={"inclusive": _inclusive(after=False)},
)


FILTER_KINDS: Mapping[str, FilterKind] = {
    kind.name: kind
    for kind in (EQUALS, CONTAINS, CONTAINS_ANY_CASE, PRESENT, ABSENT, AFTER, BEFORE)
}
