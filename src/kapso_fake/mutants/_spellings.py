"""Spelling defects: an accepted way of writing a date, an integer or a boolean read wrongly.

A date bound is RFC 3339 (`format: date-time`): `T` or `t`, `Z`, `z` or an
offset, any number of fractional digits. Each mutant is a hand-rolled parser
that gets one of those wrong; the integers and booleans follow the spec's
`x-kapso-query` readings, which are assumptions (those mutants are `assumed`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._exchange import Answer, Call, Forward, Handler
from ._facts import CONTRACT, date_bounds, integers, refused, spelling, wrong_type
from ._model import Mutant

_RFC3339 = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?P<sep>[Tt])(?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_LEADING_ZERO = re.compile(r"-?0[0-9]+")
_RAILS_TRUE = ("1", "t", "T", "true", "TRUE", "True", "on", "yes")
# What the mutant's parser does with one written bound: new text, or None to refuse it.
Reading = Callable[["Bound"], str | None]


class Bound:
    """A date bound as the mutant's parser splits it."""

    def __init__(self, match: re.Match[str]) -> None:
        self.date, self.sep, self.time = match["date"], match["sep"], match["time"]
        self.fraction, self.zone = match["fraction"], match["zone"]

    def text(self, *, fraction: str | None = "", zone: str | None = None) -> str:
        """The bound written back, with its fraction (`""`: kept, None: dropped) or zone changed."""
        digits = self.fraction if fraction == "" else fraction
        return (
            f"{self.date}{self.sep}{self.time}"
            + (f".{digits}" if digits else "")
            + (self.zone if zone is None else zone)
        )


def _bounds(reading: Reading) -> Handler:
    """Rewrite each date bound with ``reading`` before the correct app sees it."""
    names = [rule.parameter for rule in date_bounds(CONTRACT)]

    async def handle(call: Call, forward: Forward) -> Answer:
        for name in names:
            text = call.get(name)
            match = _RFC3339.fullmatch(text or "")
            if match is None:
                continue
            read = reading(Bound(match))
            if read is None:
                return await refused(call, forward, name, f"{name} is not a valid timestamp")
            call = call.with_param(name, read)
        return await forward(call)

    return handle


def _flip(zone: str) -> str:
    if zone[0] not in "+-":
        return zone
    return ("-" if zone[0] == "+" else "+") + zone[1:]


def _integers(reading: Callable[[str], str | None]) -> Handler:
    """Rewrite each integer parameter with ``reading`` (None: refuse it)."""
    names = [p.name for p in CONTRACT.parameters.values() if p.kind == "integer"]

    async def handle(call: Call, forward: Forward) -> Answer:
        for name in names:
            text = call.get(name)
            if text is None or not _LEADING_ZERO.fullmatch(text):
                continue
            read = reading(text)
            if read is None:
                return await refused(call, forward, name, f"{name} must be a number")
            call = call.with_param(name, read)
        return await forward(call)

    return handle


def _octal(text: str) -> str | None:
    try:
        return str(int(text, 8))
    except ValueError:
        return text


def _rails(call: Call) -> Call:
    """Booleans cast as Rails casts them: a known truthy spelling is true, anything else false."""
    booleans = call.contract.query.booleans
    for parameter in call.contract.parameters.values():
        text = call.get(parameter.name)
        if parameter.kind == "boolean" and text:
            value = booleans.true[0] if text in _RAILS_TRUE else booleans.false[0]
            call = call.with_param(parameter.name, value)
    return call


async def _cast_rails_way(call: Call, forward: Forward) -> Answer:
    return await forward(_rails(call))


_AFTER, _BEFORE = date_bounds(CONTRACT)
_BOOLEAN = next(p.name for p in CONTRACT.parameters.values() if p.kind == "boolean")
_INTEGER_CHECKS = tuple(
    integers(p.name) for p in CONTRACT.parameters.values() if p.kind == "integer"
)


def _bound_mutant(name: str, description: str, checks: tuple[str, ...], reading: Reading) -> Mutant:
    return Mutant(name, "spelling", description, "documented", checks, _bounds(reading))


CATALOGUE: tuple[Mutant, ...] = (
    _bound_mutant(
        "created-bound-offset-ignored",
        "a date bound's UTC offset is dropped: 10:00+02:00 is read as 10:00Z",
        (spelling("+05:30"), spelling("-03:00")),
        lambda b: b.text(zone="Z") if b.zone[0] in "+-" else b.text(),
    ),
    _bound_mutant(
        "offset-sign-flipped",
        "a date bound's offset is applied the wrong way round: +05:30 is read as -05:30",
        (spelling("+05:30"), spelling("-03:00")),
        lambda b: b.text(zone=_flip(b.zone)),
    ),
    _bound_mutant(
        "z-bound-read-as-local-time",
        "a date bound ending in Z (the API's own form) is read in the server's zone, UTC-3",
        (spelling("Z"), spelling("z")),
        lambda b: b.text(zone="-03:00") if b.zone in "Zz" else b.text(),
    ),
    _bound_mutant(
        "lowercase-z-refused",
        "a date bound ending in a lower-case z (RFC 3339 allows it) is refused",
        (spelling("z"),),
        lambda b: None if b.zone == "z" else b.text(),
    ),
    _bound_mutant(
        "lowercase-t-refused",
        "a date bound with a lower-case t between date and time (RFC 3339 allows it) is refused",
        (spelling("t"),),
        lambda b: None if b.sep == "t" else b.text(),
    ),
    _bound_mutant(
        "bound-fraction-dropped",
        "a date bound's fractional seconds are dropped: bounds are read to the second",
        (spelling("Z"), spelling("3 digits")),
        lambda b: b.text(fraction=None),
    ),
    _bound_mutant(
        "bound-fraction-read-as-microseconds",
        "a bound's fraction of fewer than 6 digits is read as microseconds: .124 as .000124",
        (spelling("3 digits"),),
        lambda b: b.text(fraction=b.fraction.rjust(6, "0")) if b.fraction else b.text(),
    ),
    _bound_mutant(
        "bound-nanoseconds-refused",
        "a date bound with more than 6 fractional digits (RFC 3339 allows any) is refused",
        (spelling("9 digits"),),
        lambda b: None if b.fraction and len(b.fraction) > 6 else b.text(),
    ),
    _bound_mutant(
        "bound-nanoseconds-truncated",
        "a bound's digits past the microsecond are cut: ...456001 is read as ...456",
        (spelling("9 digits"),),
        lambda b: b.text(fraction=b.fraction[:6]) if b.fraction else b.text(),
    ),
    Mutant(
        "leading-zero-refused",
        "spelling",
        "an integer with a leading zero (limit=010) is refused",
        "assumed",
        _INTEGER_CHECKS,
        _integers(lambda _text: None),
    ),
    Mutant(
        "leading-zero-is-octal",
        "spelling",
        "an integer with a leading zero is read in octal (strtol base 0): limit=010 is 8",
        "assumed",
        _INTEGER_CHECKS,
        _integers(_octal),
    ),
    Mutant(
        f"{_BOOLEAN.replace('_', '-')}-cast-the-rails-way",
        "spelling",
        f"{_BOOLEAN} is cast as Rails casts it: 1/t/yes are true, any other word false",
        "assumed",
        (wrong_type(_BOOLEAN, "maybe"),),
        _cast_rails_way,
    ),
)
