"""Defaults shared across the client's modules."""

from __future__ import annotations

import httpx

DEFAULT_BASE_URL = "https://api.kapso.ai/platform/v1"
API_KEY_ENV = "KAPSO_API_KEY"
BASE_URL_ENV = "KAPSO_BASE_URL"
LOG_ENV = "KAPSO_LOG"
API_KEY_HEADER = "X-API-Key"

#: Connect within 5 s; any single read, write or pool wait within 30 s.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

#: A full walk is hundreds of requests: 8 retries (about 40 s of backoff at most)
#: carry it through long bursts of transient failures.
DEFAULT_MAX_RETRIES = 8
#: The first retry waits about this long; each further retry doubles it.
INITIAL_RETRY_DELAY = 0.5
#: No computed backoff waits longer than this.
MAX_RETRY_DELAY = 8.0
#: ``Retry-After`` (and the rate-limit pause) is honoured up to this many seconds;
#: Kapso sends 60.
MAX_RETRY_AFTER = 60.0
#: Kapso's rate limits are per API key and per minute.
RATE_LIMIT_WINDOW = 60.0
#: Statuses worth another try: timeout, rate limit, and the transient server errors.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

#: Cursor mode allows 1..100 contacts per page.
MIN_PAGE_SIZE = 1
MAX_PAGE_SIZE = 100
#: Auto-pagination asks for full pages: fewest requests.
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE
