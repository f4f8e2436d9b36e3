"""How the CLI writes: contacts as table, json, jsonl or csv, a page at a time; progress.

json and jsonl write each contact's JSON text exactly as the API sent it
(every field, unknown ones included, numbers as spelled), so an export costs
no model building and no re-encoding. csv writes the spec's Contact fields.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TextIO

from .contract import Contract

FORMATS = ("table", "json", "jsonl", "csv")

# A cell a spreadsheet would run as a formula starts with one of these (OWASP,
# "CSV Injection"); such a cell is written with a leading single quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters a JSON string may hold raw that some readers (Python's
# str.splitlines, JavaScript before ES2019) take for line breaks: escaped in
# jsonl, with the same meaning. A raw \n or \r can only be whitespace between
# tokens in JSON the decoder accepted, so it becomes a space.
_LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")
_ESCAPES = {"\n": " ", "\r": " ", "\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


class Writer(Protocol):
    """Writes a page's contacts as they come; ``close`` ends the output."""

    def write(self, items: Sequence[Mapping[str, Any]], texts: Sequence[str]) -> None:
        """Write contacts, given both parsed and as the JSON texts the API sent, in one order."""

    def close(self) -> None:
        """End the output and flush it."""


class JsonlWriter:
    """One contact per line, its JSON as the API sent it."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, items: Sequence[Mapping[str, Any]], texts: Sequence[str]) -> None:
        """Write each text on a line of its own."""
        if not texts:
            return
        lines = "\n".join(texts)
        # One scan of the page for the rare text that needs mending, not one per contact.
        if lines.count("\n") != len(texts) - 1 or _OTHER_BREAKS.search(lines):
            lines = "\n".join(_one_line(text) for text in texts)
        self._out.write(lines + "\n")

    def close(self) -> None:
        """Flush what was written."""
        self._out.flush()


class JsonWriter:
    """One JSON array, streamed: ``[`` first, ``]`` at the end."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0

    def write(self, items: Sequence[Mapping[str, Any]], texts: Sequence[str]) -> None:
        """Write each text as an element of the array."""
        for text in texts:
            self._out.write("[\n  " if self._count == 0 else ",\n  ")
            self._out.write(text)
            self._count += 1

    def close(self) -> None:
        """Close the array (``[]`` when nothing was written) and flush."""
        self._out.write("[]\n" if self._count == 0 else "\n]\n")
        self._out.flush()


class CsvWriter:
    """A header row of the spec's Contact fields, then one row per contact.

    Objects, arrays, numbers and booleans are written as JSON text, null as an
    empty cell. With ``escape_formulas`` (the default), a cell that starts like a
    spreadsheet formula is prefixed with ``'``.
    """

    def __init__(self, out: TextIO, *, columns: Sequence[str], escape_formulas: bool) -> None:
        self._out = out
        self._columns = tuple(columns)
        self._writer = csv.writer(out)
        self._escape = escape_formulas
        self._started = False

    def write(self, items: Sequence[Mapping[str, Any]], texts: Sequence[str]) -> None:
        """Write one row per contact (the parsed objects; ``texts`` is not used)."""
        self._start()
        self._writer.writerows(
            [self._cell(item.get(name)) for name in self._columns] for item in items
        )

    def close(self) -> None:
        """Write the header if nothing else was, and flush."""
        self._start()
        self._out.flush()

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self._writer.writerow(self._columns)

    def _cell(self, value: object) -> str:
        if value is None:
            return ""
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return escape_formula(text) if self._escape else text


def escape_formula(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would read it as a formula (OWASP)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _one_line(text: str) -> str:
    if _LINE_BREAKS.search(text) is None:
        return text
    return _LINE_BREAKS.sub(lambda match: _ESCAPES[match.group()], text)


def make_writer(
    fmt: str, out: TextIO, *, contract: Contract, width: int | None, escape_formulas: bool
) -> Writer:
    """The writer for ``fmt`` (one of ``FORMATS``).

    Args:
        fmt: ``table``, ``json``, ``jsonl`` or ``csv``.
        out: Where to write.
        contract: Whose Contact fields are the csv columns.
        width: The terminal's width in cells for a table (``None``: not a terminal).
        escape_formulas: Whether csv cells that start like a formula get a ``'``.

    Returns:
        The writer.
    """
    if fmt == "table":
        # Imported here: wcwidth's tables take 60 ms to load, which an export need not pay.
        from ._table import TableWriter

        return TableWriter(out, width=width)
    if fmt == "csv":
        columns = list(contract.contact_fields)
        return CsvWriter(out, columns=columns, escape_formulas=escape_formulas)
    return JsonWriter(out) if fmt == "json" else JsonlWriter(out)


def terminal_width(out: TextIO) -> int | None:
    """The width to fit a table to: ``COLUMNS``, else the terminal's; ``None`` off a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdecimal() and int(columns) > 0:
        return int(columns)
    if not out.isatty():
        return None
    try:
        return os.get_terminal_size(out.fileno()).columns
    except (OSError, ValueError):
        return None


class Progress:
    """``Fetched 3,400 contacts (34 pages)`` on one stderr line, redrawn per page."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        self.contacts = 0
        self._pages = 0

    def page(self, contacts: int) -> None:
        """Count a page of ``contacts`` and redraw the line."""
        self.contacts += contacts
        self._pages += 1
        if self._stream is not None:
            self._stream.write(f"\r{self._message()}")
            self._stream.flush()

    def clear(self) -> None:
        """Erase the line (before an error message, say)."""
        if self._stream is not None and self._pages:
            self._stream.write("\r\033[K")
            self._stream.flush()

    def done(self) -> None:
        """Leave the final count on its own line."""
        if self._stream is not None:
            self.clear()
            self._stream.write(f"{self._message()}.\n")

    def _message(self) -> str:
        return f"Fetched {self.contacts:,} contacts ({self._pages:,} pages)"
