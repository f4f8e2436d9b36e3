"""Reading response headers: ``Retry-After`` and the rate-limit headers, in one place."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .contract import RateLimit

#: RFC 9110's header for how long to wait (delta-seconds or an HTTP-date).
RETRY_AFTER = "Retry-After"


def parse_retry_after(
    value: str | None, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> float | None:
    """Seconds to wait from a ``Retry-After`` value.

    Args:
        value: The header's value: delta-seconds or an HTTP-date.
        now: The current time, for an HTTP-date.

    Returns:
        The seconds (0 for a date in the past), or ``None`` when absent or unreadable.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - now()).total_seconds()
    return max(seconds, 0.0)


def int_header(headers: Mapping[str, str], name: str) -> int | None:
    """A header holding a non-negative decimal integer, or ``None`` when absent or not one."""
    value = (headers.get(name) or "").strip()
    return int(value) if value.isdecimal() and value.isascii() else None


@dataclass(frozen=True, slots=True)
class RateLimitInfo:
    """What a response says about the API key's rate limit.

    Attributes:
        limit: Requests allowed per window (``X-RateLimit-Limit``), if sent.
        remaining: Requests left in the window (``X-RateLimit-Remaining``), if sent.
        retry_after: Seconds the API asked to wait (``Retry-After``), if it said.
    """

    limit: int | None
    remaining: int | None
    retry_after: float | None

    @classmethod
    def read(cls, headers: Mapping[str, str], rate_limit: RateLimit) -> RateLimitInfo:
        """The rate-limit headers of a response, by the names the contract gives.

        Args:
            headers: The response's headers (case-insensitive, as httpx gives them).
            rate_limit: The contract's rate limit (``contract.rate_limit``).

        Returns:
            What the headers say; a field is ``None`` when its header is absent or unreadable.
        """
        return cls(
            limit=int_header(headers, rate_limit.limit_header),
            remaining=int_header(headers, rate_limit.remaining_header),
            retry_after=parse_retry_after(headers.get(RETRY_AFTER)),
        )
