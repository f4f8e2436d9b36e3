"""The errors this package raises: one base class, then one small class per kind.

```
KapsoError
├── MissingAPIKeyError
├── InvalidParameterError (also a ValueError)
├── PaginationLoopError
└── APIError
    ├── APIStatusError
    │   ├── BadRequestError (400)
    │   │   └── LegacyPaginationLimitExceededError
    │   ├── AuthenticationError (401)
    │   ├── PermissionDeniedError (403)
    │   ├── NotFoundError (404)
    │   ├── RateLimitError (429)
    │   └── InternalServerError (>= 500)
    ├── APIResponseValidationError
    └── APIConnectionError
        └── APITimeoutError
```
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any, ClassVar

import httpx

from ._logs import redact

_TEXT_PREVIEW = 200
LEGACY_LIMIT_CODE = "legacy_offset_pagination_limit_exceeded"


class KapsoError(Exception):
    """Base class of every error this package raises."""


class MissingAPIKeyError(KapsoError):
    """No API key was given and ``KAPSO_API_KEY`` is not set."""


class InvalidParameterError(KapsoError, ValueError):
    """A parameter is out of its documented range; raised before anything is sent."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class PaginationLoopError(KapsoError):
    """The server handed back a cursor it had already given: walking on would never end."""

    def __init__(self, cursor: str, pages: int) -> None:
        super().__init__(
            f"The server returned a next-page cursor it had already returned, after {pages} "
            f"page(s); stopped instead of looping forever. Cursor: {cursor[:60]}"
        )
        self.cursor = cursor
        self.pages = pages


class APIError(KapsoError):
    """Something went wrong talking to the API."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The API could not be reached (DNS, refused connection, dropped connection)."""

    def __init__(self, message: str | None = None, *, request: httpx.Request | None = None) -> None:
        super().__init__(
            message or "Could not connect to the Kapso API. Check KAPSO_BASE_URL and the network.",
            request=request,
        )


class APITimeoutError(APIConnectionError):
    """The API did not answer in time."""

    def __init__(self, message: str | None = None, *, request: httpx.Request | None = None) -> None:
        super().__init__(
            message or "The Kapso API did not answer in time. Try again or raise the timeout.",
            request=request,
        )


class APIResponseValidationError(APIError):
    """A successful response whose body does not match the contract."""

    def __init__(self, message: str, *, response: httpx.Response | None = None) -> None:
        super().__init__(message, request=response.request if response is not None else None)
        self.response = response
        self.status_code = response.status_code if response is not None else None


class APIStatusError(APIError):
    """The API answered with an error status.

    Attributes:
        status_code: The HTTP status.
        body: The parsed JSON body, or ``None`` when the body is not JSON.
        text: The raw body text (an HTML error page from a proxy, say).
        response: The ``httpx.Response``.
    """

    hint: ClassVar[str] = ""

    def __init__(self, response: httpx.Response, *, body: object, text: str) -> None:
        self.status_code = response.status_code
        self.response = response
        self.body = body
        self.text = text
        super().__init__(self._describe(), request=response.request)

    def _describe(self) -> str:
        message = _sentence(f"{_status_line(self.status_code)}: {_detail(self.body, self.text)}")
        return f"{message} {self.hint}".rstrip()


class BadRequestError(APIStatusError):
    """400: the API refused a parameter.

    Attributes:
        parameter: The query parameter at fault, when the API names one.
    """

    def __init__(self, response: httpx.Response, *, body: object, text: str) -> None:
        self.parameter = _field(body, "parameter", str)
        super().__init__(response, body=body, text=text)

    def _describe(self) -> str:
        message = super()._describe()
        return f"{message} Parameter: {self.parameter}." if self.parameter else message


class LegacyPaginationLimitExceededError(BadRequestError):
    """400 ``legacy_offset_pagination_limit_exceeded``: a ``page``/``per_page`` past the limits."""

    def __init__(self, response: httpx.Response, *, body: object, text: str) -> None:
        self.detail = _field(body, "detail", str)
        self.requested_page = _field(body, "requested_page", int)
        self.requested_per_page = _field(body, "requested_per_page", int)
        self.requested_window = _field(body, "requested_window", int)
        self.max_page = _field(body, "max_page", int)
        self.max_window = _field(body, "max_window", int)
        self.cursor_example = _field(body, "cursor_example", str)
        super().__init__(response, body=body, text=text)


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""

    hint = "Check the API key (KAPSO_API_KEY or api_key=...)."


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: nothing at this URL; check the base URL."""

    hint = "Check the base URL (KAPSO_BASE_URL); it should end in /platform/v1."


class RateLimitError(APIStatusError):
    """429: too many requests for this API key, even after retrying.

    Attributes:
        retry_after: Seconds the API asked to wait (``Retry-After``), if it said.
        limit: ``X-RateLimit-Limit``, requests allowed per minute, if sent.
        remaining: ``X-RateLimit-Remaining``, if sent.
    """

    def __init__(self, response: httpx.Response, *, body: object, text: str) -> None:
        self.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        self.limit = _int_header(response, "X-RateLimit-Limit")
        self.remaining = _int_header(response, "X-RateLimit-Remaining")
        super().__init__(response, body=body, text=text)

    def _describe(self) -> str:
        message = super()._describe()
        if self.retry_after is not None and "retry after" not in message.lower():
            message += f" Retry after {self.retry_after:g} seconds."
        return message


class InternalServerError(APIStatusError):
    """5xx: the API (or a proxy in front of it) failed; retried before this is raised."""

    hint = "The server failed; try again later."


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def make_status_error(response: httpx.Response) -> APIStatusError:
    """Build the error for an error ``response`` (read already); any status works.

    Args:
        response: A response with a status of 300 or more, body read.

    Returns:
        The most specific error class for the status, ``APIStatusError`` for a
        status nobody listed.
    """
    text = redact(response.text)
    body = _json_or_none(text)
    cls = _STATUS_ERRORS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    if cls is BadRequestError and _field(body, "message", str) == LEGACY_LIMIT_CODE:
        cls = LegacyPaginationLimitExceededError
    return cls(response, body=body, text=text)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), or ``None``."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(seconds, 0.0)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} (unknown status)"


def _detail(body: object, text: str) -> str:
    if isinstance(body, dict):
        if body.get("message") == LEGACY_LIMIT_CODE and isinstance(body.get("detail"), str):
            return str(body["detail"])  # the code says little; the detail says it in words
        parts = [
            body[key] for key in ("error", "message", "detail") if isinstance(body.get(key), str)
        ]
        if parts:
            return "; ".join(dict.fromkeys(str(part) for part in parts if part))
        return json.dumps(body)[:_TEXT_PREVIEW]
    preview = " ".join(text.split())[:_TEXT_PREVIEW]
    if not preview:
        return "empty response body."
    return f"the response is not JSON: {preview!r}"


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _field(body: object, name: str, kind: type[Any]) -> Any:
    if isinstance(body, dict):
        value = body.get(name)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
    return None


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name, "").strip()
    return int(value) if value.isdecimal() else None
