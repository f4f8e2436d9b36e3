"""``kapso-fake --data FILE.jsonl``: contacts exported by ``kapso-contacts list --format jsonl``.

One JSON object per line; every field is kept and served as given (fields the
spec does not list included); each line must be a Contact of the spec.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kapso_contacts.contract import Contract

from ._shape import Shape


class DataError(ValueError):
    """A data file the fake cannot serve; the message names the file and the line."""


def read_jsonl(path: str | Path, contract: Contract) -> Iterator[dict[str, Any]]:
    """Yield the contacts of a JSON Lines file, each checked against the Contact schema.

    Blank lines are skipped.

    Raises:
        DataError: the file cannot be read, or a line is not JSON or not a Contact.
    """
    shape = Shape(contract)
    try:
        with Path(path).open("rb") as handle:
            yield from _contacts(handle, f"{path}", shape)
    except OSError as exc:
        raise DataError(f"{path}: {exc.strerror or exc}") from None


def _contacts(lines: Iterable[bytes], path: str, shape: Shape) -> Iterator[dict[str, Any]]:
    for number, raw in enumerate(lines, 1):
        where = f"{path} line {number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{where}: not UTF-8") from None
        if not line.strip():
            continue
        try:
            contact = json.loads(line)
        except ValueError as exc:
            raise DataError(f"{where}: not JSON ({exc})") from None
        problems = shape.problems(contact)
        if problems:
            raise DataError(f"{where}: not a ContactJSON: {'; '.join(problems)}")
        yield contact
