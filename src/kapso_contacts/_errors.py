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

Which class an answer becomes is decided in one place, ``_error_mapping``.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import ClassVar

import httpx
from kapso_contacts_api.models import Error, LegacyPaginationLimitError
from kapso_contacts_api.types import Unset

from ._headers import RateLimitInfo
from .contract import default_contract, shown

_TEXT_PREVIEW = 200

#: A documented error body, as the generated model.
ErrorModel = Error | LegacyPaginationLimitError


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
        model: The body as the generated model (``Error``,
            ``LegacyPaginationLimitError``) when it is a documented error body.
        response: The ``httpx.Response``.
    """

    hint: ClassVar[str] = ""

    def __init__(
        self,
        response: httpx.Response,
        *,
        body: object,
        text: str,
        model: ErrorModel | None = None,
    ) -> None:
        self.status_code = response.status_code
        self.response = response
        self.body = body
        self.text = text
        self.model = model
        self._read_model(model)
        super().__init__(self._describe(), request=response.request)

    def _read_model(self, model: ErrorModel | None) -> None:
        """Set a subclass's attributes from the body's model, before the message is built."""

    def _describe(self) -> str:
        message = _sentence(f"{_status_line(self.status_code)}: {self._detail()}")
        return f"{message} {self.hint}".rstrip()

    def _detail(self) -> str:
        model = self.model
        if isinstance(model, LegacyPaginationLimitError):
            return model.detail  # the code says little; the detail says it in words
        if isinstance(model, Error):
            parts = (model.error, _set(model.message))
            joined = "; ".join(dict.fromkeys(part for part in parts if part))
            if joined:
                return joined
        if self.body is not None:
            return json.dumps(self.body, ensure_ascii=False)[:_TEXT_PREVIEW]
        preview = " ".join(self.text.split())[:_TEXT_PREVIEW]
        return f"the response is not JSON: {preview!r}" if preview else "empty response body."


class BadRequestError(APIStatusError):
    """400: the API refused a parameter.

    Attributes:
        parameter: The query parameter at fault, when the API names one.
    """

    parameter: str | None

    def _read_model(self, model: ErrorModel | None) -> None:
        self.parameter = _set(model.parameter) if isinstance(model, Error) else None

    def _describe(self) -> str:
        message = super()._describe()
        return f"{message} Parameter: {self.parameter}." if self.parameter else message


class LegacyPaginationLimitExceededError(BadRequestError):
    """400 ``legacy_offset_pagination_limit_exceeded``: a ``page``/``per_page`` past the limits.

    Attributes:
        detail, requested_page, requested_per_page, requested_window, max_page,
        max_window, cursor_example: The fields of the body (``None`` if absent).
    """

    detail: str | None
    requested_page: int | None
    requested_per_page: int | None
    requested_window: int | None
    max_page: int | None
    max_window: int | None
    cursor_example: str | None

    def _read_model(self, model: ErrorModel | None) -> None:
        super()._read_model(model)
        legacy = model if isinstance(model, LegacyPaginationLimitError) else None
        # The attributes are the model's fields of the same names, annotated above.
        for name in LegacyPaginationLimitExceededError.__annotations__:
            setattr(self, name, getattr(legacy, name) if legacy else None)


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""

    hint = "Check the API key (KAPSO_API_KEY or api_key=...)."


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: nothing at this URL; check the base URL."""

    hint = f"Check the base URL (KAPSO_BASE_URL); it should end in {default_contract().base_path}."


class RateLimitError(APIStatusError):
    """429: too many requests for this API key, even after retrying.

    Attributes:
        retry_after: Seconds the API asked to wait (``Retry-After``), if it said.
        limit: ``X-RateLimit-Limit``, requests allowed per window, if sent.
        remaining: ``X-RateLimit-Remaining``, if sent.
    """

    def __init__(
        self,
        response: httpx.Response,
        *,
        body: object,
        text: str,
        model: ErrorModel | None = None,
        rate_limit: RateLimitInfo | None = None,
    ) -> None:
        info = rate_limit or RateLimitInfo.read(response.headers, default_contract().rate_limit)
        self.retry_after = info.retry_after
        self.limit = info.limit
        self.remaining = info.remaining
        super().__init__(response, body=body, text=text, model=model)

    def _describe(self) -> str:
        message = super()._describe()
        if self.retry_after is not None and "retry after" not in message.lower():
            message += f" Retry after {self.retry_after:g} seconds."
        return message


class InternalServerError(APIStatusError):
    """5xx: the API (or a proxy in front of it) failed; retried before this is raised."""

    hint = "The server failed; try again later."


def _set(value: str | Unset) -> str | None:
    return None if isinstance(value, Unset) else value


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} (unknown status)"
