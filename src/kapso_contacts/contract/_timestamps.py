"""RFC 3339 date-times as the query carries them, and the API's own timestamp form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

_RFC3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})(?P<t>[Tt])"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
#: ISO 8601's other extended forms: a date alone, a space before the time, a comma
#: before the fraction, an offset of hours only or without a colon, or none (UTC).
_ISO8601 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:(?P<t>[Tt ])(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})"
    r"(?:[.,](?P<fraction>[0-9]+))?)?(?P<offset>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Instant:
    """A parsed date-time: its UTC value cut to microseconds, and whether digits were lost.

    ``beyond`` is -1 for an instant before year 1 and +1 for one after year
    9999 in UTC (a datetime cannot hold them; every timestamp is after or
    before them). As an exclusive lower bound compare with ``floor``; as an
    exclusive upper bound with ``ceiling()``.
    """

    floor: datetime
    inexact: bool = False
    beyond: int = 0

    def ceiling(self) -> datetime:
        """The smallest microsecond instant not before this one."""
        if self.inexact and self.floor < datetime.max.replace(tzinfo=UTC):
            return self.floor + _ONE_MICROSECOND
        return self.floor

    def is_before(self, moment: datetime) -> bool:
        """Whether this instant is strictly before ``moment`` (a whole microsecond, UTC)."""
        return self.beyond < 0 if self.beyond else self.floor < moment

    def is_after(self, moment: datetime) -> bool:
        """Whether this instant is strictly after ``moment`` (a whole microsecond, UTC)."""
        if self.beyond:
            return self.beyond > 0
        # Inexact: strictly between floor and the next microsecond, so after the floor itself.
        return moment <= self.floor if self.inexact else moment < self.floor


def is_iso8601(text: str) -> bool:
    """Whether ``text`` is one of ISO 8601's extended date or date-time forms."""
    return _ISO8601.fullmatch(text) is not None


def parse_rfc3339(
    text: str, *, iso8601: bool = False, lowercase: bool = True, truncate: bool = False
) -> Instant:
    """Parse an RFC 3339 ``date-time`` at any year (or, with ``iso8601``, ISO 8601's forms).

    Args:
        text: the value.
        iso8601: also read ISO 8601's other extended forms (a date alone is
            midnight, no offset is UTC).
        lowercase: accept ``t`` and ``z`` (RFC 3339 does).
        truncate: cut digits past the microsecond instead of keeping them as inexact.

    Raises:
        ValueError: not a date-time of those forms, or not a real date or time.
            The message completes "created_after ...".
    """
    match = (_ISO8601 if iso8601 else _RFC3339).fullmatch(text)
    if match is None:
        hint = " (a '+' in a query string must be sent as %2B)" if " " in text else ""
        raise ValueError(f"is not an RFC 3339 date-time with an offset{hint}")
    offset = match.group("offset")
    if not lowercase and (match.group("t") == "t" or offset == "z"):
        raise ValueError("is not a date-time with an upper-case T and Z")
    part = {k: v or "0" for k, v in match.groupdict().items()}
    fraction = match.group("fraction") or ""
    microsecond = int(fraction[:6].ljust(6, "0"))
    inexact = not truncate and fraction[6:].strip("0") != ""
    second = int(part["second"])
    if second == 60:  # a leap second: after every microsecond of second 59
        second, microsecond, inexact = 59, 999_999, not truncate
    zone = _zone(offset or "Z")
    year = int(part["year"])
    try:
        # Built in a leap year inside datetime's range, then moved: any year reads.
        local = datetime(
            2000 if year in (0, 9999) else year,
            int(part["month"]),
            int(part["day"]),
            int(part["hour"]),
            int(part["minute"]),
            second,
            microsecond,
            tzinfo=zone,
        )
    except ValueError as exc:
        raise ValueError(f"is not a valid date-time ({exc})") from exc
    if year == 0:
        # Year 0 shares 2000's calendar (both leap years): where 2000's instant lands in UTC
        # says whether year 0's does in year 1 (a negative offset late on December 31) or before.
        moved = local.astimezone(UTC)
        if moved.year == 2000:
            return Instant(datetime.min.replace(tzinfo=UTC), beyond=-1)
        return Instant(moved.replace(year=1), inexact)
    if year == 9999:
        try:
            local = local.replace(year=9999)
        except ValueError as exc:  # 9999 is no leap year
            raise ValueError(f"is not a valid date-time ({exc})") from exc
    try:
        instant = local.astimezone(UTC)
    except OverflowError:
        beyond = 1 if year == 9999 else -1
        edge = datetime.max if beyond > 0 else datetime.min
        return Instant(edge.replace(tzinfo=UTC), beyond=beyond)
    return Instant(instant, inexact)


def _zone(offset: str) -> timezone:
    if offset in ("Z", "z"):
        return UTC
    hours, minutes = int(offset[1:3]), int(offset[-2:]) if len(offset) > 3 else 0
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


def timestamp_of(text: object) -> datetime | None:
    """A timestamp of a response as a UTC datetime (None if it is not RFC 3339 in years 1-9999)."""
    try:
        instant = parse_rfc3339(str(text))
    except ValueError:
        return None
    return instant.floor if instant.beyond == 0 else None
