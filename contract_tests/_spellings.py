"""Every accepted spelling of a value, derived from the spec: each one is a promise of its own.

A date-time parameter has `format: date-time`, which is RFC 3339's
`date-time`: `T` or `t`, `Z` or `z` or a numeric offset, any number of
fractional digits (`x-kapso-query` says whether an offset is required). An
integer is written as `x-kapso-query`'s pattern allows (a leading zero, say).
A spelling that cannot hold an instant exactly (0 or 3 fractional digits, or
9 that add to it) still denotes one instant, and a bound means exactly that
instant: `below` and `above` give the nearest instants a spelling can write
on either side of a real creation time, which is where a misreading shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from kapso_contacts.contract import Contract, Parameter, Provenance

_NANOS = 1_000_000_000


@dataclass(frozen=True)
class DateSpelling:
    """One way RFC 3339 writes an instant: fractional digits, separator, zone."""

    label: str
    digits: int = 6
    separator: str = "T"
    zone: str = "Z"
    """`Z`, `z` or an offset `+hh:mm` / `-hh:mm`."""

    @property
    def exact(self) -> bool:
        """Whether it holds any microsecond instant exactly (6 digits)."""
        return self.digits == 6

    def write(self, nanos: int) -> str:
        """The spelling of an instant given in nanoseconds since the epoch (UTC).

        The instant must be one this spelling can hold (a multiple of its unit).
        """
        seconds, fraction = divmod(nanos, _NANOS)
        moment = datetime.fromtimestamp(seconds, UTC).astimezone(self._tz())
        text = moment.strftime(f"%Y-%m-%d{self.separator}%H:%M:%S")
        if self.digits:
            text += "." + f"{fraction:09d}"[: self.digits]
        return text + self.zone

    def unit(self) -> int:
        """Nanoseconds between two instants the spelling can write."""
        return int(10 ** (9 - self.digits))

    def below(self, instant: datetime) -> str:
        """The latest instant this spelling writes strictly before `instant` (exact: `instant`)."""
        nanos = _nanos(instant)
        if self.exact:
            return self.write(nanos)
        low = nanos - nanos % self.unit()
        return self.write(low if low < nanos else low - self.unit())

    def above(self, instant: datetime) -> str:
        """The earliest instant this spelling writes strictly after `instant` (exact: `instant`)."""
        nanos = _nanos(instant)
        if self.exact:
            return self.write(nanos)
        return self.write(nanos - nanos % self.unit() + self.unit())

    def can_straddle(self, instant: datetime) -> bool:
        """Whether `below` and `above` tell a misreading apart at `instant`.

        Always, with 6 digits or more (9 digits write a nanosecond either side);
        with fewer, only if `instant` is not one the spelling writes exactly.
        """
        return self.digits >= 6 or _nanos(instant) % self.unit() != 0

    def _tz(self) -> timezone:
        if self.zone in ("Z", "z"):
            return UTC
        sign = -1 if self.zone[0] == "-" else 1
        hours, minutes = int(self.zone[1:3]), int(self.zone[4:6])
        return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _nanos(instant: datetime) -> int:
    delta = instant.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * _NANOS + delta.microseconds * 1000


def date_spellings(contract: Contract) -> list[DateSpelling]:
    """The spellings of RFC 3339 a date-time parameter accepts, one per way it can vary.

    The API's own form (`...000000Z`) first, then each variation alone: the
    lower-case `z` and `t`, a zero, positive and negative offset, and 0, 3 and 9
    fractional digits. Without a required offset RFC 3339 is still the format;
    the spellings are the same.
    """
    del contract  # RFC 3339 (format: date-time) fixes them; x-kapso-query adds none
    return [
        DateSpelling("Z"),
        DateSpelling("z", zone="z"),
        DateSpelling("t", separator="t"),
        DateSpelling("+00:00", zone="+00:00"),
        DateSpelling("+05:30", zone="+05:30"),
        DateSpelling("-03:00", zone="-03:00"),
        DateSpelling("0 digits", digits=0),
        DateSpelling("3 digits", digits=3),
        DateSpelling("9 digits", digits=9),
    ]


@dataclass(frozen=True)
class ValueSpelling:
    """Another accepted way to write a value of a parameter than the plain one."""

    parameter: str
    label: str
    text: str
    provenance: Provenance


# An integer whose other spellings a parser may misread (a leading zero makes it octal 8).
TELLING = 10


def value_spellings(contract: Contract) -> list[ValueSpelling]:
    """The other spellings `x-kapso-query` accepts: integers with a leading zero (if its
    pattern takes one), and every boolean spelling after the first of each value."""
    query = contract.query
    pattern = re.compile(query.integer_pattern)
    found = []
    for parameter in contract.parameters.values():
        if parameter.kind == "integer":
            value = _telling(parameter)
            if pattern.fullmatch(f"0{value}"):
                found.append(
                    ValueSpelling(parameter.name, "leading zero", f"0{value}", query.integers)
                )
        elif parameter.kind == "boolean":
            for truth, spellings in (
                ("true", query.booleans.true),
                ("false", query.booleans.false),
            ):
                found += [
                    ValueSpelling(
                        parameter.name, f"{truth} as {text}", text, query.booleans.provenance
                    )
                    for text in spellings[1:]
                ]
    return found


def _telling(parameter: Parameter) -> int:
    """A value in range that is easy to misread in another spelling (`TELLING`), else the least."""
    low = parameter.minimum if parameter.minimum is not None else 1
    high = parameter.maximum if parameter.maximum is not None else low + TELLING
    return TELLING if low <= TELLING <= high else low
