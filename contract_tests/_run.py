"""One run of the suite, kept in pytest's ``config.stash``: settings, target, transport, findings.

Nothing about a run lives in a module global, so two runs in one process (the
suite's own tests) never share a budget, a cursor pool or findings. The run
holds the contract as the spec states it and the *effective* contract: the
same, read as the server was observed to read the assumptions that shared
setup can observe once (tie direction, the bare request's mode, nulls, the
extra envelope). Checks hold the server to the effective contract.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

from kapso_contacts.contract import Contract, ContractError, Fact, load_contract

from ._verdicts import AssumptionMismatch, Findings

_SETTINGS = """spec max_requests profile seed strict_assumptions strict_drift report_dir
    fake_contacts fake_seed fake_shape fake_mutants fake_readings fake_new_per_minute"""
#: Each setting's environment variable (``kapso-contract`` mirrors each as an option).
ENV = {"base_url": "KAPSO_BASE_URL", "api_key": "KAPSO_API_KEY"} | {
    name: f"KAPSO_CONTRACT_{name.upper()}" for name in _SETTINGS.split()
}
#: A live run sends no more than this many requests unless told otherwise.
LIVE_BUDGET = 1000
#: The embedded fake's account: the data `make fake` serves.
FAKE_CONTACTS, FAKE_SEED, FAKE_ORIGIN = 1000, 1, "http://127.0.0.1:8080"
#: The suite's patience with a 429: at most this long a wait, this many retries.
MAX_RETRY_AFTER, MAX_429_RETRIES = 120.0, 2
_FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def env(name: str) -> str:
    """A setting's environment variable, stripped ("" when unset)."""
    return os.environ.get(ENV[name], "").strip()


def flag(name: str, default: bool = False) -> bool:
    """A yes/no setting, ``default`` when unset (anything else is a usage error)."""
    text = env(name).lower()
    if text and text not in _FLAGS:
        raise pytest.UsageError(f"{ENV[name]} must be 1/true/yes or 0/false/no, got {text!r}")
    return _FLAGS.get(text, default)


def whole(name: str) -> int | None:
    """A whole-number setting, None when unset (anything else is a usage error)."""
    text = env(name)
    if text and not text.isdigit():
        raise pytest.UsageError(f"{ENV[name]} must be a whole number, got {text!r}")
    return int(text) if text else None


def reports_dir() -> Path:
    """Where the run's reports go (``KAPSO_CONTRACT_REPORT_DIR``, else ``./reports``)."""
    return Path(env("report_dir") or "reports").absolute()


@cache
def _contract(path: str) -> Contract:
    try:
        return load_contract(path or None)
    except (OSError, ContractError, ValueError) as exc:
        raise pytest.UsageError(f"{ENV['spec']}={path or '(packaged)'}: {exc}") from None


def suite_contract() -> Contract:
    """The contract every expectation comes from: ``KAPSO_CONTRACT_SPEC`` or the packaged spec."""
    return _contract(env("spec"))


@dataclass
class Target:
    """The server under test: ``app`` is set for the embedded fake only."""

    base_url: str
    api_key: str = field(repr=False)
    budget: int | None
    app: Any = field(default=None, repr=False)
    described: str = ""

    @property
    def in_process(self) -> bool:
        """Whether this is the embedded fake (its data is known)."""
        return self.app is not None


def target_from_env(contract: Contract) -> Target:
    """``KAPSO_BASE_URL`` with its key, or the embedded fake (see docs/contract-suite.md).

    Raises:
        pytest.UsageError: a server without a key, or a bad fake setting.
    """
    base_url, budget = env("base_url").rstrip("/"), whole("max_requests")
    if base_url:
        key = env("api_key")
        if not key:
            raise pytest.UsageError(f"{ENV['base_url']} is set but the API key is not")
        budget = LIVE_BUDGET if budget is None else budget
        return Target(base_url, key, budget, described=f"{base_url} (request budget {budget})")
    from kapso_fake import create_app
    from kapso_fake.data import SHAPES

    key = "kapso_canary_" + secrets.token_hex(12)  # the suite must never print it
    shape, mutants = env("fake_shape") or "mixed", [m for m in env("fake_mutants").split(",") if m]
    if shape not in SHAPES:
        raise pytest.UsageError(f"{ENV['fake_shape']} must be one of {', '.join(SHAPES)}")
    try:
        readings = json.loads(env("fake_readings") or "{}")
        contacts = whole("fake_contacts")
        app: Any = create_app(
            api_keys=[key],
            contract=contract,
            contacts=FAKE_CONTACTS if contacts is None else contacts,
            seed=whole("fake_seed") or FAKE_SEED,
            shape=shape,
            readings=readings,
            new_contacts_per_minute=float(env("fake_new_per_minute") or 0),
        )
        if mutants:
            from kapso_fake.mutants import catalogue, wear

            unknown = sorted(set(mutants) - set(catalogue(contract)))
            if unknown:
                raise ValueError(f"no mutant named {', '.join(unknown)}")
            app = wear(app, mutants, api_keys=[key])
    except (ValueError, KeyError) as exc:
        raise pytest.UsageError(f"the embedded fake: {exc}") from None
    extra = "".join(f"; {n}: {env(n)}" for n in ("fake_readings", "fake_mutants") if env(n))
    described = f"embedded fake ({len(app.store.listing()) if not mutants else ''} items{extra})"
    return Target(FAKE_ORIGIN + contract.base_path.rstrip("/"), key, budget, app, described)


class BudgetExhausted(RuntimeError):
    """The run has sent as many requests as it may."""


class Transport(httpx.BaseTransport):
    """Every request of a run: counted against the budget, paced, a 429 waited out, logged."""

    def __init__(self, run: Run, inner: httpx.BaseTransport, sleep: Callable[[float], None]):
        self.run, self.inner, self.sleep = run, inner, sleep
        self.remaining: int | None = None
        self.limit: int | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, pacing first; retry a 429 after its ``Retry-After``."""
        rate, run = self.run.contract.rate_limit, self.run
        for attempt in range(MAX_429_RETRIES + 1):
            if run.target.budget is not None and len(run.sent) >= run.target.budget:
                raise BudgetExhausted(f"the request budget of {run.target.budget} is spent")
            if self.remaining is not None and self.remaining <= 0:
                self.sleep(rate.window_seconds)
            elif self.remaining is not None and self.limit and self.remaining < self.limit // 10:
                self.sleep(rate.window_seconds / self.limit)
            response = self.inner.handle_request(request)
            response.read()  # whole, so that httpx times it (schemathesis reads `elapsed`)
            with run.lock:
                run.sent.append(str(request.url))
            left, limit = (
                response.headers.get(h) for h in (rate.remaining_header, rate.limit_header)
            )
            self.remaining = int(left) if left and left.isdigit() else None
            self.limit = int(limit) if limit and limit.isdigit() else self.limit
            wait = response.headers.get("retry-after", "")
            seconds = float(wait) if wait.isdigit() else rate.window_seconds
            if (
                response.status_code != 429
                or attempt == MAX_429_RETRIES
                or seconds > MAX_RETRY_AFTER
            ):
                break
            self.sleep(seconds)
            self.remaining = None
        headers = [(k, v) for k, v in response.headers.raw if k.lower() != b"content-encoding"]
        return httpx.Response(
            response.status_code, headers=headers, stream=httpx.ByteStream(response.content)
        )

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


@dataclass
class Run:
    """Everything one run knows: contract, target, settings, requests sent, findings."""

    contract: Contract
    target: Target
    profile: str
    seed: int | None
    strict_assumptions: bool
    strict_drift: bool
    sent: list[str] = field(default_factory=list)  # the URLs requested, in order
    findings: Findings = field(default_factory=Findings)
    readings: dict[str, Any] = field(default_factory=dict)
    effective: Contract | None = None
    coverage: dict[str, dict[str, str]] = field(default_factory=dict)
    drift: dict[str, str] = field(default_factory=dict)
    memo: dict[Any, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.effective = self.contract

    @property
    def now(self) -> Contract:
        """The effective contract: the spec, read as the server was observed to read it."""
        return self.effective or self.contract

    def client(self, *, with_key: bool = True) -> httpx.Client:
        """A client of the target on the run's budget (with or without the API key)."""
        from kapso_fake.server import transport

        inner = transport(self.target.app) if self.target.in_process else httpx.HTTPTransport()
        key = {self.contract.api_key_header: self.target.api_key} if with_key else {}
        return httpx.Client(
            base_url=self.target.base_url,
            headers=key,
            transport=Transport(self, inner, time.sleep),
            timeout=httpx.Timeout(30.0),
        )

    def observe(self, fact: Fact[Any], value: Any, found: str) -> None:
        """The server reads an assumed fact as ``value``: record the mismatch once, read it so."""
        pointer = fact.pointer
        if pointer in self.readings or value == fact.raw:
            return
        self.readings[pointer] = value
        self.effective = self.contract.read_as(self.readings)
        self.findings.mismatch("(observed by the shared setup)", AssumptionMismatch(found, fact))

    def hit(self, promise: str, edge: str) -> None:
        """The run checked ``promise`` at ``edge``."""
        self.coverage.setdefault(promise, {})[edge] = ""

    def miss(self, promise: str, edge: str, why: str) -> None:
        """The data could not show ``promise`` at ``edge``, because ``why``."""
        self.coverage.setdefault(promise, {}).setdefault(edge, why)

    def note_drift(self, item: str, where: str) -> None:
        """Something the spec does not document came back."""
        with self.lock:
            self.drift.setdefault(item, where)


def start_run() -> Run:
    """The run the environment describes.

    Raises:
        pytest.UsageError: an inconsistent setting.
    """
    contract = suite_contract()
    target = target_from_env(contract)
    profile = env("profile") or ("ci" if target.in_process else "live")
    seed = whole("seed")
    if profile != "ci" and seed is None:
        seed = random.SystemRandom().randrange(2**32)
    plain = target.in_process and not env("fake_readings") and not env("fake_new_per_minute")
    return Run(
        contract,
        target,
        profile,
        seed,
        strict_assumptions=flag("strict_assumptions", default=plain),
        strict_drift=flag("strict_drift"),
    )


RUN = pytest.StashKey[Run]()


def run_of(config: pytest.Config) -> Run:
    """The run of a pytest session."""
    return config.stash[RUN]
