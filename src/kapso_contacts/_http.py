"""The one place where requests meet errors: auth, status checks, exception mapping."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx
from kapso_contacts_api import AuthenticatedClient
from kapso_contacts_api.models import ContactList
from kapso_contacts_api.types import Response, Unset

from ._constants import API_KEY_ENV, API_KEY_HEADER, BASE_URL_ENV, DEFAULT_BASE_URL
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    KapsoError,
    MissingAPIKeyError,
    make_status_error,
)
from ._logs import MASK, register_secret

try:
    USER_AGENT = f"kapso-contacts/{version('kapso-contacts')}"
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    USER_AGENT = "kapso-contacts"


class APIKeyAuth(httpx.Auth):
    """Puts the API key in ``X-API-Key`` on each request; its repr never shows the key."""

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[API_KEY_HEADER] = self._api_key
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({API_KEY_HEADER}='***')"


def resolve_api_key(api_key: str | None) -> str:
    """The key given, else ``KAPSO_API_KEY``; registered for masking in logs.

    Raises:
        MissingAPIKeyError: If neither is set.
    """
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if not key or not key.strip():
        raise MissingAPIKeyError(
            f"No API key: pass api_key=... or set {API_KEY_ENV} "
            "(create one in the Kapso dashboard)."
        )
    key = key.strip()
    register_secret(key)
    return key


def resolve_base_url(base_url: str | None) -> str:
    """The URL given, else ``KAPSO_BASE_URL``, else Kapso's production URL."""
    url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return url.rstrip("/")


def env_proxy(url: str) -> str | None:
    """The proxy ``HTTP(S)_PROXY``/``ALL_PROXY`` set for ``url``, unless ``NO_PROXY`` spares it."""
    target = httpx.URL(url)
    if not target.host or urllib.request.proxy_bypass(target.host):
        return None
    proxies = urllib.request.getproxies()
    proxy = proxies.get(target.scheme) or proxies.get("all")
    if not proxy:
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def default_transport(base_url: str) -> httpx.HTTPTransport:
    """The network transport under the retry layer, through the environment's proxy if any."""
    return httpx.HTTPTransport(proxy=env_proxy(base_url))


def default_async_transport(base_url: str) -> httpx.AsyncHTTPTransport:
    """Async twin of ``default_transport``."""
    return httpx.AsyncHTTPTransport(proxy=env_proxy(base_url))


def build_api_client(
    *, base_url: str, api_key: str, timeout: httpx.Timeout, httpx_args: dict[str, Any]
) -> AuthenticatedClient:
    """The generated client, configured so that its repr cannot show the key.

    The key travels in an ``httpx.Auth`` (masked repr), not in the client's
    ``token`` or ``headers`` fields, which its attrs repr prints. ``trust_env``
    is off so that httpx does not mount proxy transports of its own, which would
    bypass the retry layer; ``default_transport`` applies the proxy instead.
    """
    return AuthenticatedClient(
        base_url=base_url,
        token=MASK,  # never sent: APIKeyAuth sets the real header on each request
        prefix="",
        auth_header_name=API_KEY_HEADER,
        headers={"User-Agent": USER_AGENT},
        timeout=timeout,
        httpx_args={"auth": APIKeyAuth(api_key), "trust_env": False, **httpx_args},
    )


def check_response(response: httpx.Response) -> None:
    """httpx response hook: raise the typed error for anything but a 200.

    Runs before the generated code builds its ``Response``, which would crash
    on a status outside ``http.HTTPStatus`` (520, say).
    """
    if response.status_code == 200:
        return
    response.read()
    _raise_for(response)


async def acheck_response(response: httpx.Response) -> None:
    """Async twin of ``check_response``."""
    if response.status_code == 200:
        return
    await response.aread()
    _raise_for(response)


def _raise_for(response: httpx.Response) -> None:
    if 200 <= response.status_code < 300:
        raise APIResponseValidationError(
            f"Expected status 200 from the List contacts endpoint, got {response.status_code}.",
            response=response,
        )
    raise make_status_error(response)


@contextmanager
def translating_errors(base_url: str) -> Iterator[None]:
    """Turn httpx and parsing exceptions from a call into this package's errors."""
    try:
        yield
    except KapsoError:
        raise
    except httpx.TimeoutException as exc:
        raise APITimeoutError(
            f"The Kapso API at {base_url} did not answer in time ({type(exc).__name__}), "
            "even after retrying. Try again, or raise the timeout."
        ) from exc
    except httpx.TransportError as exc:
        raise APIConnectionError(
            f"Could not reach the Kapso API at {base_url} ({type(exc).__name__}: {exc}), "
            f"even after retrying. Check {BASE_URL_ENV} and the network."
        ) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise APIResponseValidationError(
            "The API answered 200 with a body that does not match the contract "
            f"({type(exc).__name__}: {exc})."
        ) from exc


def cursor_listing(response: Response[Any]) -> ContactList:
    """The parsed page of a 200, checked to be a cursor-mode page.

    Raises:
        APIResponseValidationError: If the body is not a cursor-mode ``ContactList``.
    """
    listing = response.parsed
    if not isinstance(listing, ContactList):
        raise APIResponseValidationError("The API answered 200 without a list of contacts.")
    if isinstance(listing.paging, Unset):
        raise APIResponseValidationError(
            "The API answered a cursor request without `paging` (a legacy `meta` page?); "
            "cannot tell where the next page starts."
        )
    return listing
