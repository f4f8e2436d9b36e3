"""Read a query string the way the contract says a server reads it.

`assess` is the one reader of query values: the fake serves what it accepts
and refuses what it refuses; the contract suite uses the same verdict to know
what a server must do with a request (and, by `Contract.read_as`, what a
server reading an assumption otherwise would do); the client checks its
arguments with it before sending.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._contract import Contract
from ._model import Mode, Parameter, Provenance
from ._timestamps import Instant, format_timestamp, is_iso8601, parse_rfc3339

#: Digits an integer may have before it is read as out of any range.
_MAX_DIGITS = 100
#: Characters of a client's value quoted back in a message.
_SHOWN = 40
_INTEGER = re.compile(r"([+-]?)([0-9]+)")

#: Whether the server can read a cursor value given as a parameter: (name, value) -> bool.
Readable = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class Refused:
    """One reason to refuse a request, and the answer it gets.

    Attributes:
        parameter: The parameter at fault.
        message: What is wrong, in words (``limit must be an integer from 1 to 100, got '0'``).
        provenance: The rule that refuses it (documented or assumed).
        status: The answer's status.
        body: The answer's body schema.
        answer: Where that status and body come from.
    """

    parameter: str
    message: str
    provenance: Provenance
    status: int
    body: str
    answer: Provenance


@dataclass(frozen=True, slots=True)
class Assessment:
    """What a server that follows the contract does with a query.

    Attributes:
        values: The typed value of each parameter it reads (``int``, ``bool``,
            ``str``, ``Instant`` for date-times), after the rules.
        refusals: Every reason to refuse it (a server answers with one of them).
        mode: The pagination mode it is (or would be) served in.
        ignored: Parameters dropped (empty filters, unknown names, rules).
        assumed: The assumed facts this reading rests on, beyond the meaning
            of each parameter (an empty filter ignored, a value clamped...).
    """

    values: Mapping[str, Any]
    refusals: tuple[Refused, ...]
    mode: Mode
    ignored: tuple[str, ...] = field(default=())
    assumed: tuple[Provenance, ...] = field(default=())

    @property
    def refused(self) -> bool:
        """Whether the request is refused."""
        return bool(self.refusals)

    @property
    def first(self) -> Refused | None:
        """The first reason to refuse it."""
        return self.refusals[0] if self.refusals else None

    @property
    def documented_refusals(self) -> tuple[Refused, ...]:
        """The refusals Kapso's docs promise (the others are the spec's assumptions)."""
        return tuple(r for r in self.refusals if r.provenance.documented)

    def filters(self, contract: Contract) -> dict[str, Any]:
        """The filter values it reads."""
        return {n: v for n, v in self.values.items() if n in contract.filters}

    def page_size(self, contract: Contract) -> int:
        """The page size in force: ``limit`` or ``per_page``, else its documented default."""
        parameter = contract.pagination.page_size_parameter(self.mode)
        return int(self.values.get(parameter.name, parameter.default))


class _Invalid(ValueError):
    def __init__(self, refused: Refused) -> None:
        super().__init__(refused.message)
        self.refused = refused


def refusal(contract: Contract, parameter: str, message: str, why: Provenance) -> Refused:
    """A refusal with the contract's generic answer (``x-kapso-refusal``)."""
    status = contract.refusal_status
    return Refused(parameter, message, why, status.value, contract.refusal_body, status.provenance)


def unreadable_cursor(contract: Contract, parameter: str) -> Refused:
    """The refusal of a cursor the server cannot read."""
    fact = contract.pagination.cursor.unreadable
    message = f"{parameter} is not a cursor this server issued"
    return Refused(
        parameter, message, fact.provenance, fact.value, contract.refusal_body, fact.provenance
    )


def assess(
    contract: Contract,
    query: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]],
    *,
    readable: Readable | None = None,
) -> Assessment:
    """Read ``query`` (name -> value or values, or (name, value) pairs) per the contract.

    Args:
        contract: The contract (possibly read otherwise, `Contract.read_as`).
        query: The query.
        readable: Whether the server can read a cursor; without it cursors
            of the right alphabet count as readable.
    """
    syntax = contract.query
    assumed: list[Provenance] = []
    given = _given(contract, query, assumed)
    values: dict[str, Any] = {}
    refusals: list[Refused] = []
    ignored: list[str] = []
    for name, text in given.items():
        parameter = contract.parameters.get(name)
        if parameter is None:
            assumed.append(syntax.unknown.provenance)
            if syntax.unknown.value == "refuse":
                refusals.append(
                    refusal(contract, name, f"unknown parameter {name}", syntax.unknown.provenance)
                )
            else:
                ignored.append(name)
            continue
        if text == "":  # what an empty value means is not documented, for any parameter
            empty = syntax.empty_value
            assumed.append(empty.provenance)
            # An empty string is a text value; an empty UUID or timestamp is no value.
            text_filter = (
                parameter.filter is not None
                and parameter.kind == "string"
                and "format" not in parameter.schema
                and parameter.enum is None
            )
            if empty.value == "ignore" or (empty.value == "ignore-text" and text_filter):
                ignored.append(name)
                continue
            if empty.value == "refuse" or not text_filter:
                message = f"{name} must not be empty"
                refusals.append(refusal(contract, name, message, empty.provenance))
                continue
        try:
            values[name] = read_value(contract, parameter, text, assumed)
        except _Invalid as exc:
            refusals.append(exc.refused)
            continue
        if parameter.kind == "cursor" and readable is not None and not readable(name, text):
            refusals.append(unreadable_cursor(contract, name))
    present = set(values) | {r.parameter for r in refusals}
    for rule in contract.rules:
        if not rule.triggered_by(present):
            continue
        assumed.append(rule.provenance)
        if rule.effect.value == "refuse":
            named = [next(n for n in group if n in present) for group in rule.groups]
            message = f"{' and '.join(named)} cannot be used together ({rule.describe()})"
            refusals.append(refusal(contract, named[-1], message, rule.provenance))
            continue
        # The dropped parameters were still checked: a value refused stays refused.
        for name in rule.effect.value:
            if name in values:
                del values[name]
                ignored.append(name)
        present -= set(rule.effect.value)
    pagination = contract.pagination
    if not present & pagination.names:
        assumed.append(pagination.bare.provenance)
    mode = pagination.mode_of(present)
    if mode == "legacy":
        # Past the window is refused with the legacy limit, whatever else is refused too
        # (a value past its own range still counts): a server may check it first.
        legacy = (pagination.legacy.page.name, pagination.legacy.per_page.name)
        read = {
            n: int(given[n]) if len(given[n]) <= _MAX_DIGITS else 10**_MAX_DIGITS
            for n in legacy
            if n in given and _INTEGER.fullmatch(given[n])
        }
        refusals.extend(_window(contract, {**read, **values}))
    return Assessment(values, tuple(refusals), mode, tuple(ignored), tuple(dict.fromkeys(assumed)))


def read_value(
    contract: Contract, parameter: Parameter, text: str, assumed: list[Provenance] | None = None
) -> Any:
    """The typed value of one query value.

    Args:
        contract: The contract.
        parameter: Whose value it is.
        text: The value as the query carries it.
        assumed: Where to note the assumed facts the reading relies on.

    Raises:
        ValueError: the value is refused (an ``_Invalid`` carrying its ``Refused``).
    """
    noted: list[Provenance] = [] if assumed is None else assumed
    name, kind = parameter.name, parameter.kind
    if kind == "integer":
        return _integer(contract, parameter, text, noted)
    if kind == "boolean":
        booleans = contract.query.booleans
        if text not in (*booleans.value.true[:1], *booleans.value.false[:1]):
            noted.append(booleans.provenance)
        if text in booleans.value.true:
            return True
        if text in booleans.value.false:
            return False
        spellings = " or ".join((*booleans.value.true, *booleans.value.false))
        message = f"{name} must be {spellings}, got {shown(text)}"
        raise _Invalid(refusal(contract, name, message, booleans.provenance))
    if kind == "date-time":
        return _date_time(contract, parameter, text, noted)
    if kind == "cursor":
        if not text or (parameter.pattern and not re.fullmatch(parameter.pattern, text)):
            why = parameter.source_of("pattern")
            message = f"{name} must be a cursor issued by this API (Base64), got {shown(text)}"
            raise _Invalid(refusal(contract, name, message, why))
        return text
    if parameter.schema.get("format") == "uuid" and not _is_uuid(text):
        message = f"{name} must be a UUID, got {shown(text)}"
        raise _Invalid(refusal(contract, name, message, parameter.source_of("format")))
    if parameter.enum is not None and text not in parameter.enum:
        choices = ", ".join(map(str, parameter.enum))
        raise _Invalid(
            refusal(
                contract,
                name,
                f"{name} must be one of {choices}, got {shown(text)}",
                parameter.source_of("enum"),
            )
        )
    return text


def _integer(contract: Contract, parameter: Parameter, text: str, noted: list[Provenance]) -> int:
    name, syntax = parameter.name, contract.query
    match = _INTEGER.fullmatch(text)
    if match is None:
        raise _Invalid(
            refusal(
                contract,
                name,
                f"{name} must be an integer, got {shown(text)}",
                parameter.source_of("type"),
            )
        )
    sign, digits = match.groups()
    for spelled, fact, what in (
        (sign == "+", syntax.plus_sign, "a plus sign"),
        (len(digits) > 1 and digits[0] == "0", syntax.leading_zeros, "leading zeros"),
    ):
        if spelled:
            noted.append(fact.provenance)
            if fact.value != "accepted":
                message = f"{name} must be written without {what}, got {shown(text)}"
                raise _Invalid(refusal(contract, name, message, fact.provenance))
    value = (
        int(text) if len(digits) <= _MAX_DIGITS else (-1 if sign == "-" else 1) * 10**_MAX_DIGITS
    )
    low, high = parameter.minimum, parameter.maximum
    legacy = contract.pagination.legacy
    if name == legacy.page.name and high is not None and value > high:
        # Past the largest page: the documented legacy limit, whatever the mode.
        raise _Invalid(
            _legacy_limit(
                contract,
                f"Page {value} exceeds the maximum supported legacy offset page ({high}).",
                legacy.page.source_of("maximum"),
            )
        )
    if (low is None or value >= low) and (high is None or value <= high):
        return value
    out = syntax.out_of_range
    noted.append(out.provenance)
    if out.value == "clamp":
        return low if low is not None and value < low else (high if high is not None else value)
    message = f"{name} must be an integer {parameter.span}, got {shown(text)}"
    raise _Invalid(refusal(contract, name, message, out.provenance))


def _date_time(
    contract: Contract, parameter: Parameter, text: str, noted: list[Provenance]
) -> Instant:
    name, syntax = parameter.name, contract.query
    forms, lowercase, digits = syntax.forms, syntax.lowercase, syntax.sub_microsecond
    try:
        instant = parse_rfc3339(text)
    except ValueError as exc:
        if not is_iso8601(text):
            message = f"{name} {exc}, got {shown(text)}"
            raise _Invalid(refusal(contract, name, message, parameter.source_of("format"))) from exc
        noted.append(forms.provenance)
        if forms.value != "iso8601":
            message = f"{name} is not an RFC 3339 date-time with an offset, got {shown(text)}"
            raise _Invalid(refusal(contract, name, message, forms.provenance)) from exc
        try:
            instant = parse_rfc3339(text, iso8601=True)
        except ValueError as invalid:  # an ISO 8601 form, but no real date or time
            message = f"{name} {invalid}, got {shown(text)}"
            why = parameter.source_of("format")
            raise _Invalid(refusal(contract, name, message, why)) from invalid
    if text[10:11] == "t" or text.endswith("z"):
        noted.append(lowercase.provenance)
        if lowercase.value != "accepted":
            message = f"{name} must be written with an upper-case T and Z, got {shown(text)}"
            raise _Invalid(refusal(contract, name, message, lowercase.provenance))
    if instant.inexact and ":60" not in text:
        noted.append(digits.provenance)
        if digits.value == "truncated":
            return Instant(instant.floor, inexact=False, beyond=instant.beyond)
    return instant


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _window(contract: Contract, values: Mapping[str, Any]) -> list[Refused]:
    legacy = contract.pagination.legacy
    page = int(values.get(legacy.page.name, legacy.page.default))
    per_page = int(values.get(legacy.per_page.name, legacy.per_page.default))
    window = legacy.max_window
    if page * per_page <= window.value:
        return []
    message = (
        f"Window {page * per_page} (page {page} x per_page {per_page}) exceeds the maximum"
        f" supported legacy offset window ({window.value})."
    )
    return [_legacy_limit(contract, message, window.provenance)]


def _legacy_limit(contract: Contract, message: str, why: Provenance) -> Refused:
    legacy = contract.pagination.legacy
    return Refused(
        legacy.page.name,
        message,
        why,
        legacy.limit_error_status,
        legacy.limit_error_body,
        legacy.limit_error,
    )


def to_query_value(contract: Contract, parameter: Parameter, value: Any) -> str:
    """Write a typed value as the query carries it (the inverse of ``read_value``)."""
    if isinstance(value, bool):
        spellings = contract.query.booleans.value
        return spellings.true[0] if value else spellings.false[0]
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, Instant):
        if value.beyond:
            return (
                "9999-12-31T23:59:59.999999-23:59" if value.beyond > 0 else "0000-01-01T00:00:00Z"
            )
        written = format_timestamp(value.floor)
        # Digits past the microsecond: any value between floor and ceiling reads the same.
        return written[:-1] + "001Z" if value.inexact else written
    return str(value)


def shown(text: str) -> str:
    """Quote a client's value for an error message, cut to a readable length."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def _given(
    contract: Contract,
    query: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]],
    assumed: list[Provenance],
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
    repeated = contract.query.repeated
    given: dict[str, str] = {}
    for name, value in pairs:
        if name in given:
            assumed.append(repeated.provenance)
            if repeated.value == "first":
                continue
            del given[name]  # the last value, in the place it was last given
        given[name] = value
    return given
