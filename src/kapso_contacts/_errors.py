"""Every error this package raises, the status map, and the mapping from an answer to its error.

```
KapsoError
├── ConfigurationError (also a ValueError): a base URL, KAPSO_LOG
│   └── MissingAPIKeyError
├── InvalidParameterError (also a ValueError): refused before sending
├── PaginationLoopError
└── APIError
    ├── APIStatusError: any answer but the documented success
    │   ├── BadRequestError (400)
    │   │   └── LegacyPaginationLimitExceededError
    │   ├── AuthenticationError (401)
    │   ├── PermissionDeniedError (403)
    │   ├── NotFoundError (404)
    │   ├── RateLimitError (429)
    │   └── InternalServerError (>= 500)
    ├── APIResponseValidationError: a success that breaks the contract
    └── APIConnectionError: no answer
        └── APITimeoutError
```

``_http.py`` raises ``error_for_response`` / ``error_for_exception`` after its
retries, for the porcelain and the generated client alike. ``RateLimitInfo``
(what an answer says about the rate limit) is read here for both.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

import httpx
from kapso_contacts_api.models import LegacyPaginationLimitError

from .contract import Contract, RateLimit, parse_error_body, shown

MASK = "***"
#: Seconds until the rate-limit window resets, when a server sends it (a de-facto header).
RESET_HEADER = "X-RateLimit-Reset"

# The API keys of the clients built in this process: masked wherever they could show.
_secrets: set[str] = set()


def register_secret(secret: str) -> None:
    """Mask ``secret`` in every error and log record from now on."""
    _secrets.add(secret)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return text


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from ``Retry-After`` (delta-seconds or an HTTP-date; 0 if past), or None."""
    value = (value or "").strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return None if when.tzinfo is None else max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _number(headers: Mapping[str, str], name: str) -> int | None:
    value = (headers.get(name) or "").strip()
    return int(value) if value.isdecimal() and value.isascii() else None


@dataclass(frozen=True, slots=True)
class RateLimitInfo:
    """What an answer's headers say about the rate limit, None where they say nothing.

    ``limit`` and ``remaining`` per window (the spec's headers), ``retry_after`` (seconds
    the server asks to wait), ``reset`` (seconds until the window resets).
    """

    limit: int | None
    remaining: int | None
    retry_after: float | None
    reset: int | None = None

    @classmethod
    def read(cls, headers: Mapping[str, str], rate_limit: RateLimit) -> RateLimitInfo:
        """Read the headers by the names the contract gives (``contract.rate_limit``)."""
        return cls(
            limit=_number(headers, rate_limit.limit_header),
            remaining=_number(headers, rate_limit.remaining_header),
            retry_after=parse_retry_after(headers.get("Retry-After")),
            reset=_number(headers, RESET_HEADER),
        )


class KapsoError(Exception):
    """Base class of every error this package raises."""


class ConfigurationError(KapsoError, ValueError):
    """The client is configured with something it cannot use (a base URL, ``KAPSO_LOG``)."""


class MissingAPIKeyError(ConfigurationError):
    """No API key was given and ``KAPSO_API_KEY`` is not set."""


class InvalidParameterError(KapsoError, ValueError):
    """A value or a combination the client refuses, before anything is sent."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class PaginationLoopError(KapsoError):
    """The server handed back a cursor it had already given: walking on would never end."""

    def __init__(self, cursor: str, pages: int) -> None:
        super().__init__(
            f"The server returned a page cursor it had already returned, after {pages} "
            f"page(s); stopped instead of looping forever. Cursor: {shown(cursor)}"
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
    """No answer: a host name that does not resolve, a refused or a dropped connection."""


class APITimeoutError(APIConnectionError):
    """The API did not answer in time."""


class APIResponseValidationError(APIError):
    """A success whose body does not match the contract."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The API answered with an error status.

    Attributes: ``status_code``; ``body`` (parsed JSON, or None); ``text`` (keys masked);
    ``model`` (the generated ``Error``... when documented); ``parameter`` (when the body
    names one); ``rate_limit`` (``RateLimitInfo``); ``retries`` (before it); ``response``.
    """

    def __init__(self, message: str, *, response: httpx.Response, **fields: Any) -> None:
        super().__init__(message, request=response.request)
        self.status_code = response.status_code
        self.response = response
        self.body: object = fields["body"]
        self.text: str = fields["text"]
        self.model: Any = fields["model"]
        self.rate_limit: RateLimitInfo = fields["rate_limit"]
        self.retries: int = fields["retries"]
        named = self.body.get("parameter") if isinstance(self.body, dict) else None
        self.parameter: str | None = named if isinstance(named, str) else None


class BadRequestError(APIStatusError):
    """400: the API refused a parameter."""


class LegacyPaginationLimitExceededError(BadRequestError):
    """400 ``legacy_offset_pagination_limit_exceeded``: a ``page``/``per_page`` past the limits.

    Its attributes are the body's fields (``detail``, ``max_page``...).
    """

    detail: str | None
    requested_page: int | None
    requested_per_page: int | None
    requested_window: int | None
    max_page: int | None
    max_window: int | None
    cursor_example: str | None

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message, **fields)
        for name in LegacyPaginationLimitExceededError.__annotations__:
            setattr(self, name, getattr(self.model, name, None))


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: nothing at this URL, or a cursor the server cannot read (``parameter`` names it)."""


class RateLimitError(APIStatusError):
    """429: too many requests for this API key (``retry_after``, ``limit``, ``remaining``)."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.retry_after = self.rate_limit.retry_after
        self.limit = self.rate_limit.limit
        self.remaining = self.rate_limit.remaining


class InternalServerError(APIStatusError):
    """5xx (any, 520 included): the API, or a proxy in front of it, failed."""


STATUS_ERRORS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def error_for_response(
    response: httpx.Response, contract: Contract, *, retries: int = 0
) -> APIError:
    """The error for an answer other than the success: the class of ``STATUS_ERRORS`` (or 5xx).

    The body is read as the documented model the contract tells it is; ``retries`` is
    named in the message when there were any.
    """
    status = response.status_code
    if 200 <= status < 300:
        expected = f"Expected status {contract.success_status} from {contract.operation_id}"
        return APIResponseValidationError(f"{expected}, got {status}.", response=response)
    text = redact(response.text)
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    model = parse_error_body(contract, status, body)
    if model is None and status not in contract.statuses:
        # A status the spec does not list: read its body as a refused request's would be.
        model = parse_error_body(contract, contract.refusal_status.value, body)
    cls = STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    if cls is BadRequestError and isinstance(model, LegacyPaginationLimitError):
        cls = LegacyPaginationLimitExceededError
    info = RateLimitInfo.read(response.headers, contract.rate_limit)
    detail = _detail(model, body, text)
    try:
        status_line = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        status_line = f"{status} (unknown status)"
    said = f"{status_line}: {detail}" + ("" if detail.endswith((".", "!", "?")) else ".")
    named = body.get("parameter") if isinstance(body, dict) else None
    hint = _hint(status, named if isinstance(named, str) else None, info, contract, said)
    message = " ".join(part for part in (said, hint, _after(retries)) if part)
    fields = {"body": body, "text": text, "model": model, "rate_limit": info, "retries": retries}
    return cls(message, response=response, **fields)


def error_for_exception(exc: httpx.TransportError, *, retries: int = 0) -> APIConnectionError:
    """``APITimeoutError`` or ``APIConnectionError``: one line naming the URL (and retries)."""
    request = exc.request  # set by the retry loop
    url = request.url.copy_with(query=None)
    name, cause = type(exc).__name__, " ".join(str(exc).split())
    cls: type[APIConnectionError] = APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        cls = APITimeoutError
        message = (
            f"The API at {url} did not answer in time ({name}). Try again, or raise the timeout."
        )
    elif is_name_resolution_failure(exc):
        message = f"Could not resolve the host {url.host} ({cause}). Check KAPSO_BASE_URL."
    else:
        message = f"Could not reach the API at {url} ({name}: {cause}). Check KAPSO_BASE_URL."
    return cls(" ".join(filter(None, (message, _after(retries)))), request=request)


def is_name_resolution_failure(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a host name that did not resolve (a ``socket.gaierror`` below)."""
    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, socket.gaierror):
        seen = seen.__cause__ or seen.__context__
    return seen is not None


def _after(retries: int) -> str:
    return f"Gave up after {retries} {'retry' if retries == 1 else 'retries'}." if retries else ""


def _hint(
    status: int, parameter: str | None, info: RateLimitInfo, contract: Contract, said: str
) -> str:
    if status == 401:
        return "Check the API key (KAPSO_API_KEY or api_key=...)."
    if status == 404:
        if parameter:
            return f"Parameter: {parameter} (a cursor is good only on the server that issued it)."
        return f"Check the base URL (KAPSO_BASE_URL); it should end in {contract.base_path}."
    if parameter:
        return f"Parameter: {parameter}."
    if status == 429 and info.retry_after is not None and "retry after" not in said.lower():
        return f"Retry after {info.retry_after:g} seconds."
    return "The server failed; try again later." if status >= 500 else ""


def _detail(model: Any, body: object, text: str) -> str:
    if isinstance(model, LegacyPaginationLimitError):
        return model.detail  # its code says little; the detail says it in words
    if isinstance(body, dict):
        parts = [body.get(key) for key in ("error", "message")]
        joined = "; ".join(dict.fromkeys(p for p in parts if isinstance(p, str) and p))
        if joined:
            return joined
    if body is not None:
        return json.dumps(body, ensure_ascii=False)[:200]
    preview = " ".join(text.split())[:200]
    return f"the response is not JSON: {preview!r}" if preview else "empty response body"
