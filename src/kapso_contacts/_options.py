"""The client's options: its arguments, completed from the environment and the defaults."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

import httpx

from ._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
from ._errors import MissingAPIKeyError
from ._logs import register_secret
from ._policy import RetryPolicy
from .contract import Contract, default_contract


@dataclass(frozen=True)
class ClientOptions:
    """Everything a client is configured with, resolved; its repr shows no key."""

    api_key: str = dataclasses.field(repr=False)
    base_url: str
    timeout: httpx.Timeout
    retry_policy: RetryPolicy
    contract: Contract = dataclasses.field(repr=False)

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
        contract: Contract | None,
    ) -> ClientOptions:
        """Arguments first, then ``KAPSO_API_KEY`` / ``KAPSO_BASE_URL``, then the defaults.

        Raises:
            MissingAPIKeyError: If no key is given and ``KAPSO_API_KEY`` is not set.
        """
        policy = retry_policy or RetryPolicy()
        if max_retries is not None:
            policy = dataclasses.replace(policy, max_retries=max_retries)
        return cls(
            api_key=resolve_api_key(api_key),
            base_url=resolve_base_url(base_url),
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            retry_policy=policy,
            contract=contract or default_contract(),
        )


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
    """The URL given, else ``KAPSO_BASE_URL``, else the spec's production URL."""
    url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return url.rstrip("/")
