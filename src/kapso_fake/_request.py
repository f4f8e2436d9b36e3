"""What a list request asks for, read with the contract's ``assess`` (the one query reader).

``assess`` types every value and applies the spec's rules (ranges, repeated,
empty and unknown parameters, combinations, the legacy limits, the mode of a
bare request); this module adds only what a server alone can know: whether a
cursor is one it issued.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kapso_contacts.contract import Contract, Mode, Refused, assess

from ._filters import Filters
from .cursor import CursorCodec, CursorError, Keyset


@dataclass(frozen=True, slots=True)
class ListRequest:
    """A request the server serves: its filters and the page it asks for.

    ``size`` is ``limit`` or ``per_page`` (or its documented default); ``page``
    is the legacy page served (never below the first page); ``after`` /
    ``before`` are the decoded cursors (cursor mode, at most one of them).
    """

    filters: Filters
    mode: Mode
    size: int
    page: int
    after: Keyset | None = None
    before: Keyset | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request the server refuses: the first reason, and the values read (for the body)."""

    reason: Refused
    values: Mapping[str, Any]


def read_request(
    contract: Contract, codec: CursorCodec, query: Iterable[tuple[str, str]]
) -> ListRequest | Refusal:
    """Read a query string's (name, value) pairs as the contract says the server reads them.

    Returns:
        What to serve, or the first reason to refuse it (``assess``'s, else a
        cursor this server did not issue).
    """
    verdict = assess(contract, query)
    values = verdict.values
    if verdict.first is not None:
        return Refusal(verdict.first, values)
    filters = Filters(
        contract, **{name: values[name] for name in contract.filters if name in values}
    )
    size = verdict.page_size(contract)
    legacy = contract.pagination.legacy
    if verdict.mode == "legacy":
        asked = int(values.get(legacy.page.name, legacy.page.default))
        return ListRequest(filters, "legacy", size, max(asked, legacy.first_page))
    cursor = contract.pagination.cursor
    keysets: dict[str, Keyset] = {}
    for parameter in (cursor.after, cursor.before):
        text = values.get(parameter.name)
        if text is None:
            continue
        try:
            keysets[parameter.name] = codec.decode(text)
        except CursorError as exc:
            refused = Refused(parameter.name, f"{parameter.name} {exc}", cursor.unissued)
            return Refusal(refused, values)
    return ListRequest(
        filters,
        "cursor",
        size,
        legacy.first_page,
        keysets.get(cursor.after.name),
        keysets.get(cursor.before.name),
    )
