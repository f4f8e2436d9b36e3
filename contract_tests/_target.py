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
    ENV_FAKE_MUTANTS,
    ENV_FAKE_SEED,
    ENV_FAKE_SHAPE,
    ENV_MAX_REQUESTS,
    FAKE_CONTACTS,
    FAKE_ORIGIN,
    FAKE_SEED,
    FAKE_SHAPE,
)
from ._transport import BudgetTransport, RequestLog


@dataclass(frozen=True)
class FakeData:
    """What the embedded fake serves: how many contacts, their seed and shape; any mutants."""

    contacts: int = FAKE_CONTACTS
    seed: int = FAKE_SEED
    shape: str = FAKE_SHAPE
    mutants: tuple[str, ...] = ()

    def describe(self) -> str:
        """`1000 contacts, seed 1, mixed` (and the mutants it wears)."""
        text = f"{self.contacts} contacts, seed {self.seed}, {self.shape}"
        return text + (f"; mutants: {', '.join(self.mutants)}" if self.mutants else "")

    def command(self) -> str:
        """The `kapso-fake` command serving the same answers on `make fake`'s port."""
        mutants = "".join(f" --mutant {name}" for name in self.mutants)
        data = f"--contacts {self.contacts} --seed {self.seed} --shape {self.shape}"
        return f"kapso-fake {data}{mutants}"


@dataclass
class Target:
    """A server under test. `app` is set only for the embedded fake."""

    base_url: str
    api_key: str = field(repr=False)
    budget: int | None
    app: Any = field(default=None, repr=False)
    data: FakeData | None = None

    @property
    def in_process(self) -> bool:
        """Whether the target is the embedded fake (ground truth available)."""
        return self.app is not None

    @property
    def contacts(self) -> int | None:
        """How many contacts the embedded fake holds (None: a server's own data)."""
        return self.data.contacts if self.data is not None else None

    def describe(self) -> str:
        """One line naming the target, without the key."""
        if self.in_process:
            return f"embedded fake (in-process, {(self.data or FakeData()).describe()})"
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
    # A canary-looking key: the suite must never print it, even in-process.
    key = "kapso_canary_" + secrets.token_hex(12)
    data = FakeData(
        contacts=_whole(env, ENV_FAKE_CONTACTS) or FAKE_CONTACTS,
        seed=_whole(env, ENV_FAKE_SEED) or FAKE_SEED,
        shape=env.get(ENV_FAKE_SHAPE, "").strip() or FAKE_SHAPE,
        mutants=tuple(n.strip() for n in env.get(ENV_FAKE_MUTANTS, "").split(",") if n.strip()),
    )
    return Target(fake_base_url(contract), key, budget, app=embedded_fake(data, key), data=data)


def embedded_fake(data: FakeData, key: str) -> Any:
    """The fake serving `data` to `key`, in-process (wearing its mutants, if any).

    Raises:
        RuntimeError: an unknown shape or mutant.
    """
    from kapso_fake import create_app
    from kapso_fake.data import SHAPES

    shape = next((s for s in SHAPES if s == data.shape), None)
    if shape is None:
        raise RuntimeError(
            f"{ENV_FAKE_SHAPE} must be one of {', '.join(SHAPES)}, got {data.shape!r}"
        )
    app = create_app(contacts=data.contacts, seed=data.seed, shape=shape, api_keys=[key])
    if not data.mutants:
        return app
    from kapso_fake.mutants import MUTANTS, apply_mutants

    unknown = [name for name in data.mutants if name not in MUTANTS]
    if unknown:
        raise RuntimeError(f"{ENV_FAKE_MUTANTS}: no mutant named {', '.join(unknown)}")
    return apply_mutants(app, data.mutants, api_keys=[key])


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
