"""The client's whole HTTP behaviour: options, the key, proxies, retries, pacing, logging, errors.

A client sends through one ``RetryingTransport`` (``typed_errors=True``) over
the network transport (``httpx.HTTPTransport`` through the environment's
proxy, or one a caller gives, such as a test's ``httpx.MockTransport``).

How a 429 is handled, from end to end:

- ``_Retries.wait_after`` retries it (429 is in ``RETRYABLE_STATUSES``) while
  retries are left, waiting what the server states: ``Retry-After`` (seconds
  or an HTTP date), else ``X-RateLimit-Reset``, else the spec's window
  (``contract.rate_limit.window_seconds``), never longer than
  ``RetryPolicy.max_retry_after``; the discarded answer is closed first.
- The same wait holds the client's next requests (``_Retries.pause``), as
  does ``X-RateLimit-Remaining: 0`` with ``X-RateLimit-Reset``; ``Remaining: 0``
  alone holds nothing (the next answer says how long to wait, if at all).
- With ``max_retries=0`` nothing waits: no retry, no pacing.
- After the last retry, ``_Retries.result`` raises ``error_for_response``
  (``_errors.py``): a ``RateLimitError`` with ``retry_after``, ``limit``, ``remaining``.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypedDict

import anyio
import httpx

from ._errors import (
    MASK,
    ConfigurationError,
    MissingAPIKeyError,
    RateLimitInfo,
    error_for_exception,
    error_for_response,
    is_name_resolution_failure,
    redact,
    register_secret,
)
from .contract import Contract, default_contract, shown

API_KEY_ENV = "KAPSO_API_KEY"
BASE_URL_ENV = "KAPSO_BASE_URL"
LOG_ENV = "KAPSO_LOG"
#: Connect within 5 s; any single read, write or pool wait within 30 s.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
#: A walk is hundreds of requests: 8 retries (about 40 s of backoff) carry it through bursts.
DEFAULT_MAX_RETRIES = 8
#: Statuses worth another try: timeout, rate limit, and the transient server errors.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Only reads are retried: they change nothing on the server.
RETRYABLE_METHODS = frozenset({"GET", "HEAD"})
#: Failures worth another try: the request may not have reached the server, or its answer
#: was lost on the way back (a name that does not resolve is not retried: see `_Retries`).
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
#: Where the loop notes, on the request, how many retries it took (for the error message).
RETRIES = "kapso_retries"

try:
    USER_AGENT = f"kapso-contacts/{version('kapso-contacts')}"
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    USER_AGENT = "kapso-contacts"

logger: logging.Logger = logging.getLogger("kapso_contacts")


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How requests are retried, and where waiting happens.

    Attributes:
        max_retries: Retries after the first attempt; 0: no retry and no waiting at all.
        initial_delay, max_delay: The first backoff, doubled per retry up to the second.
        max_retry_after: A wait the server asks for is honoured up to this many seconds.
        sleep, async_sleep, random, clock: Waiting, jitter and time (tests inject theirs).
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # Kapso sends 60 s with a 429
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    random: Callable[[], float] = random.random
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        for name in ("max_retries", "initial_delay", "max_delay", "max_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, got {getattr(self, name)}")

    def backoff(self, retry: int) -> float:
        """Seconds before retry ``retry`` (from 1), less up to 25% so clients retry out of step."""
        delay = min(self.initial_delay * 2.0 ** max(retry - 1, 0), self.max_delay)
        return delay * (1 - 0.25 * self.random())


class ClientArguments(TypedDict, total=False):
    """What every client takes besides its contract and transport (see ``ListClient``)."""

    api_key: str | None
    base_url: str | None
    timeout: float | httpx.Timeout
    max_retries: int | None
    retry_policy: RetryPolicy | None


@dataclass(frozen=True)
class ClientOptions:
    """Everything a client is configured with, resolved; its repr shows no key."""

    api_key: str = field(repr=False)
    base_url: str
    timeout: httpx.Timeout
    retry_policy: RetryPolicy

    @classmethod
    def resolve(cls, default_base_url: str, arguments: ClientArguments) -> ClientOptions:
        """Arguments first, then ``KAPSO_API_KEY`` / ``KAPSO_BASE_URL``, then the defaults.

        Raises:
            ConfigurationError: No key (``MissingAPIKeyError``), a base URL without
                ``http(s)://`` or a host, or a ``KAPSO_LOG`` that names no level.
        """
        setup_logging()
        key = arguments.get("api_key")
        key = (os.environ.get(API_KEY_ENV, "") if key is None else key).strip()
        if not key:
            raise MissingAPIKeyError(
                f"No API key: pass api_key=... or set {API_KEY_ENV} (from the Kapso dashboard)."
            )
        register_secret(key)
        url = arguments.get("base_url") or os.environ.get(BASE_URL_ENV) or default_base_url
        try:
            parsed = httpx.URL(url.strip())
        except httpx.InvalidURL:
            parsed = httpx.URL()
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ConfigurationError(
                f"The base URL must start with http:// or https:// and name a host, got "
                f"{shown(url)} (e.g. {default_base_url})."
            )
        policy = arguments.get("retry_policy") or RetryPolicy()
        if (retries := arguments.get("max_retries")) is not None:
            policy = dataclasses.replace(policy, max_retries=retries)
        timeout = arguments.get("timeout", DEFAULT_TIMEOUT)
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout)
        return cls(key, str(parsed).rstrip("/"), timeout, policy)


class APIKeyAuth(httpx.Auth):
    """Puts the API key in the contract's header on each request; its repr never shows the key."""

    def __init__(self, header: str, api_key: str) -> None:
        self._header = header
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._header] = self._api_key
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._header}={MASK!r})"


def env_proxy(url: str) -> str | None:
    """The proxy ``HTTP(S)_PROXY``/``ALL_PROXY`` sets for ``url``, unless ``NO_PROXY`` spares it."""
    target, proxies = httpx.URL(url), urllib.request.getproxies()
    proxy = proxies.get(target.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(target.host):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_SENSITIVE_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})


def _redacted(record: logging.LogRecord) -> bool:
    """Mask the registered API keys in a log record, whatever carries them."""
    record.msg, record.args = redact(record.getMessage()), None
    return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record arrives (a test may swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def setup_logging() -> None:
    """Log to stderr at ``KAPSO_LOG``'s level: ``debug`` (every exchange) or ``info`` (waits).

    Raises:
        ConfigurationError: ``KAPSO_LOG`` names another level.
    """
    name = os.environ.get(LOG_ENV, "").strip()
    if not name:
        return
    if name.lower() not in _LEVELS:
        raise ConfigurationError(f"{LOG_ENV} must be debug or info, got {shown(name)}.")
    logger.setLevel(_LEVELS[name.lower()])
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s kapso] %(message)s"))
        logger.addHandler(handler)


logger.addFilter(_redacted)


Outcome = httpx.Response | httpx.TransportError


class _Retries:
    """A transport's decisions, shared by the sync and async twins (which only do the I/O)."""

    def __init__(self, policy: RetryPolicy | None, contract: Contract | None, typed: bool) -> None:
        self.policy = policy or RetryPolicy()
        self.contract = contract or default_contract()
        self.typed = typed
        self._resume_at = 0.0

    def pause(self) -> float:
        """Seconds to wait before sending now: what the server stated (none with no retries)."""
        wait = max(self._resume_at - self.policy.clock(), 0.0) if self.policy.max_retries else 0.0
        if wait:
            logger.info("The server's rate-limit window is spent: waiting %.2f s", wait)
        return wait

    def wait_after(self, request: httpx.Request, outcome: Outcome) -> float | None:
        """Seconds to wait before trying ``request`` again after ``outcome``, or None to stop."""
        outcome.request = request  # httpx sets it only above the transports
        answer = outcome if isinstance(outcome, httpx.Response) else None
        cause = f"status {answer.status_code}" if answer else f"{type(outcome).__name__}: {outcome}"
        logger.debug("HTTP response: %s %s -> %s", request.method, request.url, cause)
        stated = self._learn(answer) if answer else None
        retryable = (
            answer.status_code in RETRYABLE_STATUSES
            if answer
            # a name that did not resolve will not resolve in a second either
            else isinstance(outcome, RETRYABLE_ERRORS) and not is_name_resolution_failure(outcome)
        )
        retries, most = request.extensions.get(RETRIES, 0), self.policy.max_retries
        if not retryable or request.method not in RETRYABLE_METHODS or retries >= most:
            return None
        request.extensions[RETRIES] = retries = retries + 1
        wait = self.policy.backoff(retries) if stated is None else stated
        logger.info("Retrying in %.2f s (retry %d of %d) after %s", wait, retries, most, cause)
        return wait

    def _learn(self, response: httpx.Response) -> float | None:
        """The wait ``response`` states, capped; a 429's or a spent window's holds later ones."""
        info = RateLimitInfo.read(response.headers, self.contract.rate_limit)
        limited, cap = response.status_code == 429, self.policy.max_retry_after
        stated = info.retry_after
        if stated is None and limited:
            # The spec's window only when the server states no time of its own.
            stated = self.contract.rate_limit.window_seconds if info.reset is None else info.reset
        hold = stated if limited else (info.reset if info.remaining == 0 else None)
        if hold is not None:
            self._resume_at = max(self._resume_at, self.policy.clock() + min(hold, cap))
        return None if stated is None else min(stated, cap)

    def result(self, request: httpx.Request, outcome: Outcome) -> httpx.Response:
        """The last outcome: the response, or (with typed errors) the error it becomes."""
        retries = request.extensions.get(RETRIES, 0)
        if isinstance(outcome, httpx.TransportError):
            if self.typed:
                raise error_for_exception(outcome, retries=retries) from outcome
            raise outcome
        if self.typed and outcome.status_code != self.contract.success_status:
            raise error_for_response(outcome, self.contract, retries=retries)
        return outcome


def _sending(request: httpx.Request) -> None:
    headers = {k: MASK if k in _SENSITIVE_HEADERS else v for k, v in request.headers.items()}
    logger.debug("HTTP request: %s %s headers=%s", request.method, request.url, headers)


class _Base:
    """What both transport twins hold."""

    def __init__(
        self,
        inner: httpx.BaseTransport | httpx.AsyncBaseTransport,
        *,
        policy: RetryPolicy | None = None,
        contract: Contract | None = None,
        typed_errors: bool = False,
    ) -> None:
        self._inner = inner
        self._retries = _Retries(policy, contract, typed_errors)
        self.policy = self._retries.policy


class RetryingTransport(_Base, httpx.BaseTransport):
    """An httpx transport that retries reads around ``inner`` (see the module's docstring).

    Bodies are read inside the loop: a connection dropped mid-body is retried too.
    ``contract`` (by default the packaged spec's) names the rate-limit headers, the
    success and the error bodies; ``typed_errors`` raises this package's errors after
    the retries, as the clients do.
    """

    _inner: httpx.BaseTransport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        while True:
            if pause := self._retries.pause():
                self.policy.sleep(pause)
            _sending(request)
            outcome: Outcome
            try:
                outcome = self._inner.handle_request(request)
            except httpx.TransportError as exc:
                outcome = exc
            else:
                try:
                    outcome.read()
                except httpx.TransportError as exc:
                    outcome.close()
                    outcome = exc
            if (wait := self._retries.wait_after(request, outcome)) is None:
                return self._retries.result(request, outcome)
            if isinstance(outcome, httpx.Response):
                outcome.close()
            self.policy.sleep(wait)

    def close(self) -> None:
        self._inner.close()


class AsyncRetryingTransport(_Base, httpx.AsyncBaseTransport):
    """Async twin of ``RetryingTransport``."""

    _inner: httpx.AsyncBaseTransport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        while True:
            if pause := self._retries.pause():
                await self.policy.async_sleep(pause)
            _sending(request)
            outcome: Outcome
            try:
                outcome = await self._inner.handle_async_request(request)
            except httpx.TransportError as exc:
                outcome = exc
            else:
                try:
                    await outcome.aread()
                except httpx.TransportError as exc:
                    await outcome.aclose()
                    outcome = exc
            if (wait := self._retries.wait_after(request, outcome)) is None:
                return self._retries.result(request, outcome)
            if isinstance(outcome, httpx.Response):
                await outcome.aclose()
            await self.policy.async_sleep(wait)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _settings(options: ClientOptions, contract: Contract) -> dict[str, Any]:
    # `trust_env` is off so that httpx mounts no proxy transport of its own (it would
    # bypass the retries) and reads no .netrc; the network transport takes the proxy.
    return {
        "base_url": options.base_url,
        "auth": APIKeyAuth(contract.api_key_header, options.api_key),
        "headers": {"User-Agent": USER_AGENT},
        "timeout": options.timeout,
        "trust_env": False,
    }


def http_client(
    options: ClientOptions, contract: Contract, transport: httpx.BaseTransport | None
) -> httpx.Client:
    """An ``httpx.Client`` sending the key through the retries and typed errors over ``transport``.

    ``transport`` defaults to one through the environment's proxy.
    """
    inner = transport or httpx.HTTPTransport(proxy=env_proxy(options.base_url))
    retrying = RetryingTransport(
        inner, policy=options.retry_policy, contract=contract, typed_errors=True
    )
    return httpx.Client(transport=retrying, **_settings(options, contract))


def async_http_client(
    options: ClientOptions, contract: Contract, transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    """Async twin of ``http_client``."""
    inner = transport or httpx.AsyncHTTPTransport(proxy=env_proxy(options.base_url))
    retrying = AsyncRetryingTransport(
        inner, policy=options.retry_policy, contract=contract, typed_errors=True
    )
    return httpx.AsyncClient(transport=retrying, **_settings(options, contract))
