"""What the sync and async clients share: settings, parameter checks, the generated client."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
from kapso_contacts_api import AuthenticatedClient

from ._http import build_api_client, resolve_api_key, resolve_base_url
from ._logs import setup_logging
from ._retry import RetryPolicy
from ._validation import ContactFilters, check_cursor, check_filters, check_limit


class Settings:
    """The client's arguments, completed from the environment and the defaults."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
    ) -> None:
        setup_logging()
        self.api_key = resolve_api_key(api_key)
        self.base_url = resolve_base_url(base_url)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        policy = retry_policy or RetryPolicy()
        if max_retries is not None:
            policy = dataclasses.replace(policy, max_retries=max_retries)
        self.retry_policy = policy


def page_params(limit: int, after: str | None, filters: ContactFilters) -> dict[str, Any]:
    """Keyword arguments for the generated call, checked; raises ``InvalidParameterError``."""
    params = check_filters(filters)
    params["limit"] = check_limit(limit)
    check_cursor("after", after)
    return params


def with_after(params: dict[str, Any], after: str | None) -> dict[str, Any]:
    """``params`` plus the cursor to start after, if there is one."""
    return {**params, "after": after} if after else params


class BaseClient:
    """Holds the configured generated client; its repr shows no key."""

    def __init__(self, settings: Settings, httpx_args: dict[str, Any]) -> None:
        self.base_url = settings.base_url
        self.timeout = settings.timeout
        self.retry_policy = settings.retry_policy
        self._api = build_api_client(
            base_url=self.base_url,
            api_key=settings.api_key,
            timeout=self.timeout,
            httpx_args=httpx_args,
        )

    @property
    def api(self) -> AuthenticatedClient:
        """The generated client, configured (key, timeouts, retries, typed errors).

        For calls the porcelain does not wrap. Documented error statuses raise
        this package's errors instead of coming back as union values.
        """
        return self._api

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, api_key='***', "
            f"max_retries={self.retry_policy.max_retries}, timeout={self.timeout!r})"
        )
