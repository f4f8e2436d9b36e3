"""RFC 3339 date-times as the query carries them, and the API's own timestamp form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

_RFC3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Instant:
    """A parsed date-time: its UTC value cut to microseconds, and whether digits were lost.

    As an exclusive lower bound (``created_after``) compare with ``floor``; as
    an exclusive upper bound (``created_before``) with ``ceiling()``.
    """

    floor: datetime
    inexact: bool

    def ceiling(self) -> datetime:
        """The smallest microsecond instant not before the parsed one.

        Raises:
            OverflowError: the instant is the last one a datetime can hold.
        """
        return self.floor + _ONE_MICROSECOND if self.inexact else self.floor


def parse_rfc3339(
    text: str, *, offset_required: bool = True, min_year: int = 1, max_year: int = 9999
) -> Instant:
    """Parse an RFC 3339 ``date-time``.

    Raises:
        ValueError: not RFC 3339 (an offset is required unless told otherwise),
            not a real date or time, or outside ``min_year``..``max_year`` once
            converted to UTC. The message completes "created_after ...".
    """
    match = _RFC3339.fullmatch(text)
    if match is None or (offset_required and match.group("offset") is None):
        hint = " (a '+' in a query string must be sent as %2B)" if " " in text else ""
        raise ValueError(f"is not an RFC 3339 date-time with an offset{hint}")
    part = {k: v for k, v in match.groupdict().items() if v is not None}
    fraction = part.get("fraction", "")
    microsecond = int(fraction[:6].ljust(6, "0"))
    inexact = fraction[6:].strip("0") != ""
    second = int(part["second"])
    if second == 60:  # a leap second: after every microsecond of second 59
        second, microsecond, inexact = 59, 999_999, True
    tz = _zone(part.get("offset", "Z"))
    try:
        local = datetime(
            int(part["year"]),
            int(part["month"]),
            int(part["day"]),
            int(part["hour"]),
            int(part["minute"]),
            second,
            microsecond,
            tzinfo=tz,
        )
    except ValueError as exc:
        raise ValueError(f"is not a valid date-time ({exc})") from exc
    try:
        instant = local.astimezone(UTC)
    except OverflowError:
        instant = None
    if instant is None or not min_year <= instant.year <= max_year:
        raise ValueError(
            f"falls outside years {min_year:04d}..{max_year:04d} once converted to UTC"
        )
    return Instant(instant, inexact)


def _zone(offset: str) -> timezone:
    if offset in ("Z", "z"):
        return UTC
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError("has an offset out of range")
    sign = -1 if offset[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def format_timestamp(value: datetime) -> str:
    """Write an aware datetime as the API writes its own: UTC, microseconds, ``Z``.

    Raises:
        ValueError: the datetime is naive.
        OverflowError: the UTC value falls outside years 1..9999.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware")
    u = value.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T"
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}Z"
    )
