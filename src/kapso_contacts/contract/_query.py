"""Read a query string the way the contract says a server reads it.

`assess` is the one reader of query values: the fake serves what it accepts
and refuses what it refuses; the contract suite uses the same verdict to
know what a server must do with a request, and whether that is documented or
assumed; the client checks its arguments with it before sending.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Literal

from ._contract import Contract
from ._model import Mode, Parameter, Provenance
from ._timestamps import Instant, format_timestamp, parse_rfc3339

#: Digits an integer may have before ``int()`` of it is refused outright (slow or huge).
_MAX_DIGITS = 18
#: Characters of a client's value quoted back in a message.
_SHOWN = 40

Answer = Literal["refusal", "legacy-limit"]


@dataclass(frozen=True, slots=True)
class Refused:
    """One reason to refuse a request.

    Attributes:
        parameter: The parameter at fault.
        message: What is wrong, in words (``limit must be an integer from 1 to 100, got '0'``).
        provenance: Where the rule that refuses it comes from (documented or assumed).
        answer: ``refusal`` (the generic answer of ``Contract.refusal``) or
            ``legacy-limit`` (the legacy limit-error body).
    """

    parameter: str
    message: str
    provenance: Provenance
    answer: Answer = "refusal"


@dataclass(frozen=True, slots=True)
class Assessment:
    """What a server that follows the contract does with a query.

    Attributes:
        values: The typed value of each parameter it reads (``int``, ``bool``,
            ``str``, ``Instant`` for date-times), after the query-syntax rules.
        refusals: Every reason to refuse it, in the order a server checks them.
        mode: The pagination mode it is (or would be) served in.
        ignored: Parameters dropped (empty filters, unknown names, ``ignore`` rules).
    """

    values: Mapping[str, Any]
    refusals: tuple[Refused, ...]
    mode: Mode
    ignored: tuple[str, ...] = field(default=())

    @property
    def refused(self) -> bool:
        """Whether the request is refused."""
        return bool(self.refusals)

    @property
    def first(self) -> Refused | None:
        """The refusal a server answers with (the first one it meets)."""
        return self.refusals[0] if self.refusals else None

    @property
    def documented_refusals(self) -> tuple[Refused, ...]:
        """The refusals Kapso's docs promise (the others are the spec's assumptions)."""
        return tuple(r for r in self.refusals if r.provenance.documented)

    def page_size(self, contract: Contract) -> int:
        """The page size in force: ``limit`` or ``per_page``, else its documented default."""
        parameter = contract.pagination.page_size_parameter(self.mode)
        value = self.values.get(parameter.name, parameter.default)
        return int(value)


def assess(
    contract: Contract, query: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]]
) -> Assessment:
    """Read ``query`` (name -> value or values, or (name, value) pairs) per the contract."""
    given = _given(contract, query)
    values: dict[str, Any] = {}
    refusals: list[Refused] = []
    ignored: list[str] = []
    for name, text in given.items():
        parameter = contract.parameters.get(name)
        if parameter is None:
            if contract.query.unknown == "refuse":
                refusals.append(Refused(name, f"unknown parameter {name}", _unknown(contract)))
            else:
                ignored.append(name)
            continue
        if text == "" and parameter.filter is not None and contract.query.empty_filter == "ignore":
            ignored.append(name)
            continue
        try:
            values[name] = read_value(contract, parameter, text)
        except _Invalid as exc:
            refusals.append(Refused(name, exc.message, exc.provenance))
    present = set(values) | {r.parameter for r in refusals}
    for rule in contract.rules:
        if not rule.triggered_by(present):
            continue
        if rule.effect == "ignore":
            for name in rule.ignore:
                if name in values:
                    del values[name]
                    ignored.append(name)
            present -= set(rule.ignore)
            continue
        named = [next(n for n in group if n in present) for group in rule.groups]
        refusals.append(
            Refused(
                named[-1],
                f"{' and '.join(named)} cannot be used together ({rule.describe()})",
                rule.provenance,
            )
        )
    mode = contract.pagination.mode_of(present)
    if mode == "legacy" and not refusals:
        refusals.extend(_legacy_limits(contract, values))
    return Assessment(values, tuple(refusals), mode, tuple(ignored))


class _Invalid(ValueError):
    def __init__(self, message: str, provenance: Provenance) -> None:
        super().__init__(message)
        self.message = message
        self.provenance = provenance


def read_value(contract: Contract, parameter: Parameter, text: str) -> Any:
    """The typed value of one query value, or ``ValueError`` saying why it is refused.

    Raises:
        ValueError: (an ``_Invalid`` with ``message`` and ``provenance``).
    """
    name, kind, syntax = parameter.name, parameter.kind, contract.query
    if kind == "integer":
        if not _pattern(syntax.integer_pattern).fullmatch(text):
            raise _Invalid(f"{name} must be an integer, got {shown(text)}", syntax.integers)
        if len(text.lstrip("+-")) > _MAX_DIGITS:
            raise _Invalid(f"{name} is out of range, got {shown(text)}", syntax.integers)
        value = int(text)
        _check_range(contract, parameter, value, text)
        return value
    if kind == "boolean":
        if text in syntax.booleans.true:
            return True
        if text in syntax.booleans.false:
            return False
        spellings = " or ".join((*syntax.booleans.true, *syntax.booleans.false))
        raise _Invalid(f"{name} must be {spellings}, got {shown(text)}", syntax.booleans.provenance)
    if kind == "date-time":
        try:
            return parse_rfc3339(
                text,
                offset_required=syntax.offset_required,
                min_year=syntax.min_year,
                max_year=syntax.max_year,
            )
        except ValueError as exc:
            raise _Invalid(f"{name} {exc}, got {shown(text)}", syntax.date_times) from exc
    if kind == "cursor":
        unissued = contract.pagination.cursor.unissued
        if text == "":
            raise _Invalid(f"{name} must be a non-empty cursor", unissued)
        if parameter.pattern and not _pattern(parameter.pattern).fullmatch(text):
            raise _Invalid(
                f"{name} must be a cursor issued by this API (Base64), got {shown(text)}", unissued
            )
        return text
    return text


def _check_range(contract: Contract, parameter: Parameter, value: int, text: str) -> None:
    low, high = parameter.minimum, parameter.maximum
    # Past the largest page: not this refusal but the legacy limit error (with the window).
    checked_high = None if parameter.name == contract.pagination.legacy.page.name else high
    if (low is None or value >= low) and (checked_high is None or value <= checked_high):
        return
    keyword = "minimum" if low is not None and value < low else "maximum"
    raise _Invalid(
        f"{parameter.name} must be an integer {parameter.span}, got {shown(text)}",
        parameter.source_of(keyword),
    )


def _legacy_limits(contract: Contract, values: Mapping[str, Any]) -> list[Refused]:
    legacy = contract.pagination.legacy
    page = int(values.get(legacy.page.name, legacy.page.default))
    per_page = int(values.get(legacy.per_page.name, legacy.per_page.default))
    if legacy.max_page is not None and page > legacy.max_page:
        message = (
            f"Page {page} exceeds the maximum supported legacy offset page ({legacy.max_page})."
        )
        provenance = legacy.page.source_of("maximum")
    elif page * per_page > legacy.max_window:
        message = (
            f"Window {page * per_page} (page {page} x per_page {per_page}) exceeds the maximum"
            f" supported legacy offset window ({legacy.max_window})."
        )
        provenance = legacy.window
    else:
        return []
    return [Refused(legacy.page.name, message, provenance, "legacy-limit")]


def to_query_value(contract: Contract, parameter: Parameter, value: Any) -> str:
    """Write a typed value as the query carries it (the inverse of ``read_value``)."""
    if isinstance(value, bool):
        spellings = contract.query.booleans
        return spellings.true[0] if value else spellings.false[0]
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, Instant):
        return format_timestamp(value.floor)
    return str(value)


def shown(text: str) -> str:
    """Quote a client's value for an error message, cut to a readable length."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def _given(
    contract: Contract, query: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]]
) -> dict[str, str]:
    pairs: list[tuple[str, str]] = []
    if isinstance(query, Mapping):
        for name, value in query.items():
            if isinstance(value, str):
                pairs.append((name, value))
            else:
                pairs.extend((name, item) for item in value)
    else:
        pairs = list(query)
    given: dict[str, str] = {}
    for name, value in pairs:
        if contract.query.repeated == "first" and name in given:
            continue
        given[name] = value
    return given


def _unknown(contract: Contract) -> Provenance:
    return contract.query.unknown_provenance


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)
