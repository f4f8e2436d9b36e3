"""The client's own defaults: what the spec does not say (timeouts, retries, environment)."""

from __future__ import annotations

import httpx

from .contract import default_contract

#: Kapso's production base URL: the spec's server.
DEFAULT_BASE_URL = default_contract().server_url
API_KEY_ENV = "KAPSO_API_KEY"
BASE_URL_ENV = "KAPSO_BASE_URL"
LOG_ENV = "KAPSO_LOG"

#: Connect within 5 s; any single read, write or pool wait within 30 s.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

#: A full walk is hundreds of requests: 8 retries (about 40 s of backoff at most)
#: carry it through long bursts of transient failures.
DEFAULT_MAX_RETRIES = 8
#: The first retry waits about this long; each further retry doubles it.
INITIAL_RETRY_DELAY = 0.5
#: No computed backoff waits longer than this.
MAX_RETRY_DELAY = 8.0
#: Statuses worth another try: timeout, rate limit, and the transient server errors.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Only GET is retried: it changes nothing on the server, and it is all this API has.
RETRYABLE_METHODS = frozenset({"GET"})
#: Failures worth another try: the request may never have reached the server, or
#: its answer was lost on the way back.
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
