"""The CLI's table: columns measured in terminal cells and fitted to the terminal's width.

Widths come from ``wcwidth`` (East Asian wide characters, emoji sequences and
combining marks take the cells a terminal gives them), so CJK names and emoji
keep the columns aligned. Control characters and bidirectional overrides in a
value are shown as U+FFFD: a contact's name must not move the cursor, colour
the terminal or reorder the line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import wcwidth

_GAP = "  "
_ELLIPSIS = "…"
# Bidirectional embeddings, overrides and isolates.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: a contact field, and the cells it may take.

    Attributes:
        field: The contact field shown.
        minimum: Cells below which the column is dropped rather than squeezed.
        maximum: Cells the column takes when there is room.
        keep: Rank when the terminal is narrow: columns with the highest rank go first.
    """

    field: str
    minimum: int
    maximum: int
    keep: int

    @property
    def heading(self) -> str:
        """``profile_name`` -> ``PROFILE NAME``."""
        return self.field.replace("_", " ").upper()


#: The columns, left to right: a UUID and a timestamp whole, names cut with an ellipsis.
COLUMNS = (
    Column("id", 36, 36, keep=0),
    Column("wa_id", 15, 15, keep=3),
    Column("profile_name", 12, 24, keep=1),
    Column("display_name", 10, 18, keep=4),
    Column("created_at", 27, 27, keep=2),
)


def fit(columns: Sequence[Column], width: int | None) -> list[tuple[Column, int]]:
    """The columns that fit ``width`` cells, each with its width, in display order.

    Args:
        columns: The candidate columns, left to right.
        width: The terminal's width; ``None`` (not a terminal) gives every column its maximum.

    Returns:
        (column, cells) pairs: columns are dropped, most dispensable first, until
        the rest fit at their minimum; the room left widens them towards their maximum.
    """
    if width is None:
        return [(column, column.maximum) for column in columns]
    kept = list(columns)
    while len(kept) > 1 and _needed(kept) > width:
        kept.remove(max(kept, key=lambda column: column.keep))
    room = max(width - _needed(kept), 0)
    cells = {column.field: column.minimum for column in kept}
    for column in sorted(kept, key=lambda column: column.keep):
        extra = min(room, column.maximum - column.minimum)
        cells[column.field] += extra
        room -= extra
    return [(column, cells[column.field]) for column in kept]


def _needed(columns: Sequence[Column]) -> int:
    return sum(column.minimum for column in columns) + len(_GAP) * (len(columns) - 1)


def cell(value: object, cells: int) -> str:
    """``value`` as text exactly ``cells`` cells wide: padded, or cut with an ellipsis."""
    text = _printable("" if value is None else str(value))
    if wcwidth.width(text) <= cells:
        return wcwidth.ljust(text, cells)
    return wcwidth.clip(text, 0, cells - 1) + _ELLIPSIS


def _printable(text: str) -> str:
    text = " ".join(text.split())
    text = _BIDI.sub("\ufffd", text)
    if text.isprintable():
        return text
    return "".join("\ufffd" if unicodedata.category(char) == "Cc" else char for char in text)


class TableWriter:
    """A heading, then one line per contact, columns fitted to ``width`` cells."""

    def __init__(self, out: TextIO, *, width: int | None, columns: Sequence[Column] = COLUMNS):
        self._out = out
        self._layout = fit(columns, width)
        self._started = False

    def write(self, items: Sequence[Mapping[str, Any]], texts: Sequence[str]) -> None:
        """Write a page's contacts (the parsed objects; ``texts`` is not used)."""
        self._start()
        for item in items:
            self._line(item.get(column.field) for column, _ in self._layout)

    def close(self) -> None:
        """Flush what was written."""
        self._out.flush()

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self._line(column.heading for column, _ in self._layout)

    def _line(self, values: Iterable[object]) -> None:
        widths = (cells for _, cells in self._layout)
        parts = [cell(value, cells) for value, cells in zip(values, widths, strict=True)]
        self._out.write(_GAP.join(parts).rstrip() + "\n")
