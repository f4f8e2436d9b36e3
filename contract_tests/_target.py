"""Which server the suite talks to: the embedded fake, or KAPSO_BASE_URL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from contract_tests._constants import (
    API_KEY_HEADER,
    DEFAULT_LIVE_MAX_REQUESTS,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_FAKE_CONTACTS,
    ENV_MAX_REQUESTS,
    FAKE_BASE_URL,
    FAKE_CONTACTS,
    FAKE_SEED,
)
from contract_tests._transport import AppTransport, BudgetTransport, RequestLog


@dataclass
class Target:
    """A server under test. `app` is set only for the embedded fake."""

    base_url: str
    api_key: str = field(repr=False)
    budget: int | None
    app: Any = field(default=None, repr=False)

    @property
    def in_process(self) -> bool:
        """Whether the target is the embedded fake (ground truth available)."""
        return self.app is not None

    def describe(self) -> str:
        """One line naming the target, without the key."""
        if self.in_process:
            return f"embedded fake (in-process, {FAKE_CONTACTS} contacts, seed {FAKE_SEED})"
        return f"{self.base_url} (request budget {self.budget})"


# The run's target, once conftest has chosen it (module-level tests read it at import).
CURRENT: Target | None = None


def target_from_env(env: Mapping[str, str] | None = None) -> Target:
    """Build the target from the environment (see docs/contract-suite.md)."""
    env = os.environ if env is None else env
    base_url = env.get(ENV_BASE_URL, "").strip().rstrip("/")
    if base_url:
        key = env.get(ENV_API_KEY, "")
        if not key:
            raise RuntimeError(f"{ENV_BASE_URL} is set but {ENV_API_KEY} is not")
        live_budget = int(env.get(ENV_MAX_REQUESTS, DEFAULT_LIVE_MAX_REQUESTS))
        return Target(base_url=base_url, api_key=key, budget=live_budget)
    from kapso_fake import create_app

    # A canary-looking key: the suite must never print it, even in-process.
    key = "kapso_canary_" + secrets.token_hex(12)
    contacts = int(env.get(ENV_FAKE_CONTACTS, FAKE_CONTACTS))
    app = create_app(contacts=contacts, seed=FAKE_SEED, api_keys=[key], rate_limit=None)
    budget = int(env[ENV_MAX_REQUESTS]) if ENV_MAX_REQUESTS in env else None
    return Target(base_url=FAKE_BASE_URL, api_key=key, budget=budget, app=app)


def open_client(target: Target, log: RequestLog, *, with_key: bool = True) -> httpx.Client:
    """An httpx client bound to the target, counted and paced by the shared log."""
    inner: httpx.BaseTransport = (
        AppTransport(target.app) if target.in_process else httpx.HTTPTransport(retries=1)
    )
    headers = {API_KEY_HEADER: target.api_key} if with_key else {}
    return httpx.Client(
        base_url=target.base_url,
        headers=headers,
        transport=BudgetTransport(inner, log, budget=target.budget),
        timeout=httpx.Timeout(30.0),
    )
