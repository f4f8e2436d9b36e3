"""How the CLI writes items (table, json, jsonl, csv), a page at a time, and its progress line.

json and jsonl write each item as the API sent it, unknown fields included; csv
the item schema's fields, escaping cells a spreadsheet would run as formulas;
the table is measured in terminal cells (``wcwidth``). Memory stays at one page.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

import wcwidth

from .contract import Contract

FORMATS = ("table", "json", "jsonl", "csv")
#: The table's columns, left to right, and their widths in cells (a UUID, a timestamp whole).
COLUMNS = {"id": 36, "wa_id": 15, "profile_name": 24, "display_name": 18, "created_at": 27}
#: The columns a narrow terminal drops, first to last.
DROPPED_FIRST = ("display_name", "wa_id", "created_at", "profile_name")
# A cell a spreadsheet would run as a formula starts with one of these (OWASP,
# "CSV Injection"); such a cell is written with a leading single quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters json.dumps leaves raw that some readers (Python's str.splitlines,
# JavaScript before ES2019) take for line breaks: escaped, with the same meaning.
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
# Bidirectional embeddings, overrides and isolates: a name must not reorder a table line.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def one_line(item: Mapping[str, Any]) -> str:
    """An item as one line of JSON, characters as they are, line breaks escaped."""
    return json.dumps(item, ensure_ascii=False).translate(_LINE_BREAKS)


class JsonWriter:
    """One item per line (jsonl), or one JSON array: ``[`` first, ``]`` when closed."""

    def __init__(self, out: TextIO, *, array: bool) -> None:
        self._out, self._array, self._count = out, array, 0

    def write(self, items: Sequence[Mapping[str, Any]]) -> None:
        """Write each item, on a line of its own or as an element of the array."""
        for item in items:
            start = ("[\n  " if self._count == 0 else ",\n  ") if self._array else ""
            self._out.write(start + one_line(item) + ("" if self._array else "\n"))
            self._count += 1

    def close(self) -> None:
        """Close the array (``[]`` when nothing was written), flush."""
        if self._array:
            self._out.write("[]\n" if self._count == 0 else "\n]\n")
        self._out.flush()


class CsvWriter:
    """The header row (unless told not to), then a row per item: JSON text for non-strings.

    With ``escape``, a cell that starts like a formula gets a leading ``'``.
    """

    def __init__(self, out: TextIO, *, columns: Sequence[str], escape: bool, header: bool) -> None:
        self._out, self._columns, self._escape = out, tuple(columns), escape
        self._writer = csv.writer(out)
        if header:
            self._writer.writerow(self._columns)

    def write(self, items: Sequence[Mapping[str, Any]]) -> None:
        """Write one row per item."""
        self._writer.writerows([self._cell(item.get(c)) for c in self._columns] for item in items)

    def close(self) -> None:
        """Flush what was written."""
        self._out.flush()

    def _cell(self, value: object) -> str:
        if value is None:
            return ""
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return escape_formula(text) if self._escape else text


def escape_formula(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would read it as a formula (OWASP)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def fit(fields: Sequence[str], width: int | None) -> list[str]:
    """The columns of ``COLUMNS`` among ``fields`` that fit ``width`` cells (all if None)."""
    columns = [name for name in COLUMNS if name in fields]
    dropped = [name for name in DROPPED_FIRST if name in columns]
    while width is not None and dropped and sum(COLUMNS[c] + 2 for c in columns) - 2 > width:
        columns.remove(dropped.pop(0))
    return columns


def cell(value: object, cells: int) -> str:
    """``value`` exactly ``cells`` cells wide, cut with an ellipsis; controls shown as U+FFFD."""
    text = _BIDI.sub("\ufffd", " ".join(("" if value is None else str(value)).split()))
    if not text.isprintable():
        text = "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in text)
    if wcwidth.width(text) <= cells:
        return wcwidth.ljust(text, cells)
    return wcwidth.clip(text, 0, cells - 1) + "…"


class TableWriter:
    """A heading, then one line per item, in the columns that fit the terminal."""

    def __init__(self, out: TextIO, *, fields: Sequence[str], width: int | None) -> None:
        self._out, self._columns = out, fit(fields, width)
        self.write([{c: c.replace("_", " ").upper() for c in self._columns}])  # the heading

    def write(self, items: Sequence[Mapping[str, Any]]) -> None:
        """Write a line per item."""
        for item in items:
            line = "  ".join(cell(item.get(c), COLUMNS[c]) for c in self._columns)
            self._out.write(line.rstrip() + "\n")

    def close(self) -> None:
        """Flush what was written."""
        self._out.flush()


def make_writer(
    fmt: str, out: TextIO, *, contract: Contract, escape_formulas: bool, header: bool
) -> JsonWriter | CsvWriter | TableWriter:
    """The writer for ``fmt`` (one of ``FORMATS``); csv and table columns are the item's fields."""
    fields = list(contract.item.fields)
    if fmt == "table":
        return TableWriter(out, fields=fields, width=terminal_width(out))
    if fmt == "csv":
        return CsvWriter(out, columns=fields, escape=escape_formulas, header=header)
    return JsonWriter(out, array=fmt == "json")


def terminal_width(out: TextIO) -> int | None:
    """The width to fit a table to: ``COLUMNS``, else the terminal's; None off a terminal."""
    return shutil.get_terminal_size().columns if "COLUMNS" in os.environ or out.isatty() else None


class Progress:
    """``Fetched 3,400 contacts (34 pages)`` on one stderr line, redrawn per page."""

    def __init__(self, stream: TextIO | None, noun: str) -> None:
        self._stream, self._noun = stream, noun
        self.items = self.pages = 0

    def page(self, items: int) -> None:
        """Count a page of ``items`` and redraw the line."""
        self.items, self.pages = self.items + items, self.pages + 1
        self._show(f"\rFetched {self.items:,} {self._noun} ({self.pages:,} pages)")

    def clear(self) -> None:
        """Erase the line (before a message)."""
        if self.pages:
            self._show("\r\033[K")

    def done(self) -> None:
        """Leave the final count on its own line."""
        self.clear()
        self._show(f"Fetched {self.items:,} {self._noun} ({self.pages:,} pages).\n")

    def _show(self, text: str) -> None:
        if self._stream is not None:
            self._stream.write(text)
            self._stream.flush()
