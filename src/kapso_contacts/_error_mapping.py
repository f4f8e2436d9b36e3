"""From an answer or a transport failure to this package's typed error: the one place it happens.

``error_for_response`` and ``error_for_exception`` decide the class;
``TypedErrorsTransport`` (and its async twin) is the outermost layer of the
client's transport and the only caller, so the porcelain and the generated
client underneath (``kapso.api``) raise the same errors.
"""

from __future__ import annotations

import json

import httpx
from kapso_contacts_api.models import LegacyPaginationLimitError

from ._constants import BASE_URL_ENV
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ErrorModel,
    InternalServerError,
    LegacyPaginationLimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from ._headers import RateLimitInfo
from ._logs import redact
from .contract import Contract, parse_error_body

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def success_status(contract: Contract) -> int:
    """The one success status the operation documents (200)."""
    return min(status for status in contract.statuses if 200 <= status < 300)


def error_for_response(response: httpx.Response, contract: Contract) -> APIError:
    """The error for an answer other than the documented success.

    Args:
        response: The answer, its body read.
        contract: The contract that tells its documented bodies apart.

    Returns:
        ``APIResponseValidationError`` for another 2xx; otherwise the most specific
        ``APIStatusError`` subclass for the status (any status, 520 included), with
        the body as the generated model when it is a documented error body.
    """
    status = response.status_code
    if 200 <= status < 300:
        return APIResponseValidationError(
            f"Expected status {success_status(contract)} from the List contacts endpoint, "
            f"got {status}.",
            response=response,
        )
    text = redact(response.text)
    body = _json_or_none(text)
    model = _documented_body(contract, status, body)
    cls = _STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    if cls is BadRequestError and isinstance(model, LegacyPaginationLimitError):
        cls = LegacyPaginationLimitExceededError
    if cls is RateLimitError:
        info = RateLimitInfo.read(response.headers, contract.rate_limit)
        return RateLimitError(response, body=body, text=text, model=model, rate_limit=info)
    return cls(response, body=body, text=text, model=model)


def error_for_exception(exc: httpx.TransportError, base_url: str) -> APIConnectionError:
    """The error for a request that got no answer, after retries.

    Args:
        exc: What httpx raised.
        base_url: The URL the client was configured with, to name in the message.

    Returns:
        ``APITimeoutError`` for a timeout, else ``APIConnectionError``.
    """
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"The Kapso API at {base_url} did not answer in time ({type(exc).__name__}), "
            "even after retrying. Try again, or raise the timeout.",
            request=_request_of(exc),
        )
    return APIConnectionError(
        f"Could not reach the Kapso API at {base_url} ({type(exc).__name__}: {exc}), "
        f"even after retrying. Check {BASE_URL_ENV} and the network.",
        request=_request_of(exc),
    )


def _documented_body(contract: Contract, status: int, body: object) -> ErrorModel | None:
    model: ErrorModel | None = parse_error_body(contract, status, body)
    if model is None and status not in contract.statuses:
        # A status the spec does not list: read its body as a refused request's would be.
        model = parse_error_body(contract, contract.refusal.status, body)
    return model


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _request_of(exc: httpx.TransportError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:  # httpx raises this when the exception was built without one
        return None


class TypedErrorsTransport(httpx.BaseTransport):
    """The client's outermost transport: an answer other than 200, or none, raises a typed error."""

    def __init__(self, inner: httpx.BaseTransport, *, base_url: str, contract: Contract) -> None:
        self._inner = inner
        self._base_url = base_url
        self._contract = contract
        self._ok = success_status(contract)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._inner.handle_request(request)
        except httpx.TransportError as exc:
            raise error_for_exception(exc, self._base_url) from exc
        if response.status_code != self._ok:
            response.read()
            raise error_for_response(response, self._contract)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncTypedErrorsTransport(httpx.AsyncBaseTransport):
    """Async twin of ``TypedErrorsTransport``."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, base_url: str, contract: Contract
    ) -> None:
        self._inner = inner
        self._base_url = base_url
        self._contract = contract
        self._ok = success_status(contract)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
        except httpx.TransportError as exc:
            raise error_for_exception(exc, self._base_url) from exc
        if response.status_code != self._ok:
            await response.aread()
            raise error_for_response(response, self._contract)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
