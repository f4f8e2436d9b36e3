"""Which server the suite talks to: the embedded fake, or KAPSO_BASE_URL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from kapso_contacts.contract import Contract

from ._env import (
    DEFAULT_LIVE_MAX_REQUESTS,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_FAKE_CONTACTS,
    ENV_MAX_REQUESTS,
    FAKE_CONTACTS,
    FAKE_ORIGIN,
    FAKE_SEED,
)
from ._transport import BudgetTransport, RequestLog


@dataclass
class Target:
    """A server under test. `app` is set only for the embedded fake."""

    base_url: str
    api_key: str = field(repr=False)
    budget: int | None
    app: Any = field(default=None, repr=False)
    contacts: int | None = None

    @property
    def in_process(self) -> bool:
        """Whether the target is the embedded fake (ground truth available)."""
        return self.app is not None

    def describe(self) -> str:
        """One line naming the target, without the key."""
        if self.in_process:
            return f"embedded fake (in-process, {self.contacts} contacts, seed {FAKE_SEED})"
        return f"{self.base_url} (request budget {self.budget})"


def fake_base_url(contract: Contract) -> str:
    """Where `make fake` serves the API: in-process requests carry this URL (reproductions run)."""
    return FAKE_ORIGIN + contract.base_path.rstrip("/")


def target_from_env(contract: Contract, env: Mapping[str, str] | None = None) -> Target:
    """Build the target from the environment (see docs/contract-suite.md).

    Raises:
        RuntimeError: a server but no key, or a number that is not a whole number.
    """
    env = os.environ if env is None else env
    base_url = env.get(ENV_BASE_URL, "").strip().rstrip("/")
    budget = _whole(env, ENV_MAX_REQUESTS)
    if base_url:
        key = env.get(ENV_API_KEY, "")
        if not key:
            raise RuntimeError(f"{ENV_BASE_URL} is set but {ENV_API_KEY} is not")
        return Target(
            base_url=base_url,
            api_key=key,
            budget=DEFAULT_LIVE_MAX_REQUESTS if budget is None else budget,
        )
    from kapso_fake import create_app

    # A canary-looking key: the suite must never print it, even in-process.
    key = "kapso_canary_" + secrets.token_hex(12)
    contacts = _whole(env, ENV_FAKE_CONTACTS) or FAKE_CONTACTS
    app = create_app(contacts=contacts, seed=FAKE_SEED, api_keys=[key])
    return Target(fake_base_url(contract), key, budget, app=app, contacts=contacts)


def _whole(env: Mapping[str, str], name: str) -> int | None:
    """A whole-number variable, None when unset.

    Raises:
        RuntimeError: the value is not a whole number.
    """
    text = env.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise RuntimeError(f"{name} must be a whole number, got {text!r}")
    return int(text)


def open_client(
    target: Target, log: RequestLog, contract: Contract, *, with_key: bool = True
) -> httpx.Client:
    """An httpx client bound to the target, counted and paced by the shared log."""
    inner: httpx.BaseTransport
    if target.in_process:
        from kapso_fake.testing import SyncASGITransport

        inner = SyncASGITransport(target.app)
    else:
        inner = httpx.HTTPTransport(retries=1)
    headers = {contract.api_key_header: target.api_key} if with_key else {}
    return httpx.Client(
        base_url=target.base_url,
        headers=headers,
        transport=BudgetTransport(inner, log, budget=target.budget, rate_limit=contract.rate_limit),
        timeout=httpx.Timeout(30.0),
    )
