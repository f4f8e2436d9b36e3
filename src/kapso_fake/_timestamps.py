"""Parse RFC 3339 date-times from the query and write the API's timestamps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

_RFC3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Instant:
    """A parsed date-time: its UTC value truncated to microseconds, and whether digits were lost."""

    floor: datetime
    inexact: bool

    def ceiling(self) -> datetime:
        """Return the smallest microsecond instant not before the parsed one.

        Raises:
            OverflowError: the instant is the last one a datetime can hold.
        """
        return self.floor + _ONE_MICROSECOND if self.inexact else self.floor


def parse_rfc3339(text: str) -> Instant:
    """Parse an RFC 3339 ``date-time`` (an offset or ``Z`` is required).

    Raises:
        ValueError: not RFC 3339, not a real date or time, or outside what
            this server can compare (years 0001..9999 once converted to UTC).
    """
    match = _RFC3339.fullmatch(text)
    if match is None:
        hint = " (a '+' in a query string must be sent as %2B)" if " " in text else ""
        raise ValueError(f"is not an RFC 3339 date-time with an offset{hint}")
    part = {k: v for k, v in match.groupdict().items() if v is not None}
    fraction = part.get("fraction", "")
    microsecond = int(fraction[:6].ljust(6, "0"))
    inexact = fraction[6:].strip("0") != ""
    second = int(part["second"])
    if second == 60:  # a leap second: after every microsecond of second 59
        second, microsecond, inexact = 59, 999_999, True
    offset = part["offset"]
    if offset in ("Z", "z"):
        tz = UTC
    else:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            raise ValueError("has an offset out of range")
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
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
        return Instant(local.astimezone(UTC), inexact)
    except OverflowError as exc:
        raise ValueError("falls outside years 0001..9999 once converted to UTC") from exc


def format_timestamp(value: datetime) -> str:
    """Write an aware datetime as the API does: UTC, microseconds, ``Z``.

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
