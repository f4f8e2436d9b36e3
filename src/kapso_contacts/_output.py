"""How the CLI writes contacts: table, json, jsonl or csv, one contact at a time."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol, TextIO

from kapso_contacts_api.models import Contact

FORMATS = ("table", "json", "jsonl", "csv")

CSV_COLUMNS = (
    "id",
    "wa_id",
    "profile_name",
    "display_name",
    "customer_id",
    "business_scoped_user_id",
    "parent_business_scoped_user_id",
    "username",
    "metadata",
    "created_at",
    "updated_at",
)

# (column, heading, width): wide enough for a UUID and a timestamp, the rest cut.
_TABLE_COLUMNS = (
    ("id", "ID", 36),
    ("wa_id", "WA ID", 15),
    ("profile_name", "PROFILE NAME", 24),
    ("display_name", "DISPLAY NAME", 18),
    ("created_at", "CREATED AT", 27),
)


def contact_record(contact: Contact) -> dict[str, Any]:
    """The contact as the API sent it: JSON types, timestamps in the API's own form."""
    record = contact.to_dict()
    for name in ("created_at", "updated_at"):
        record[name] = _timestamp(getattr(contact, name))
    return record


def _timestamp(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Writer(Protocol):
    """Writes contact records to a stream as they come."""

    def write(self, record: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class JsonlWriter:
    """One JSON object per line."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, record: dict[str, Any]) -> None:
        self._out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._out.flush()


class JsonWriter:
    """One JSON array, streamed: ``[`` first, ``]`` at the end."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0

    def write(self, record: dict[str, Any]) -> None:
        self._out.write("[\n  " if self._count == 0 else ",\n  ")
        self._out.write(json.dumps(record, ensure_ascii=False))
        self._count += 1

    def close(self) -> None:
        self._out.write("[]\n" if self._count == 0 else "\n]\n")
        self._out.flush()


class CsvWriter:
    """A header row, then one row per contact; ``metadata`` as JSON text."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        self._started = False

    def write(self, record: dict[str, Any]) -> None:
        self._start()
        row = {name: record.get(name) for name in CSV_COLUMNS}
        if row["metadata"] is not None:
            row["metadata"] = json.dumps(row["metadata"], ensure_ascii=False)
        self._writer.writerow(row)

    def close(self) -> None:
        self._start()
        self._out.flush()

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self._writer.writeheader()


class TableWriter:
    """Fixed-width columns for a terminal (long values cut with an ellipsis)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._started = False

    def write(self, record: dict[str, Any]) -> None:
        self._start()
        values = (record.get(name) for name, _, _ in _TABLE_COLUMNS)
        self._line("" if value is None else str(value) for value in values)

    def close(self) -> None:
        self._out.flush()

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self._line(heading for _, heading, _ in _TABLE_COLUMNS)

    def _line(self, cells: Iterable[str]) -> None:
        widths = (width for _, _, width in _TABLE_COLUMNS)
        parts = [_fit(cell, width) for cell, width in zip(cells, widths, strict=True)]
        self._out.write("  ".join(parts).rstrip() + "\n")


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def make_writer(fmt: str, out: TextIO) -> Writer:
    """The writer for ``fmt`` (one of ``FORMATS``)."""
    writers: dict[str, Callable[[TextIO], Writer]] = {
        "table": TableWriter,
        "json": JsonWriter,
        "jsonl": JsonlWriter,
        "csv": CsvWriter,
    }
    return writers[fmt](out)
