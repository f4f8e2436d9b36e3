"""The fuzz drill: schemathesis cases, positive and negative, against a loopback fake."""

from __future__ import annotations

import json
import random
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kapso_fake.testing import LoopbackServer as Server

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "contacts.yaml"
REQUEST_TIMEOUT = 10.0
FUZZ_TIME_LIMIT = 900.0


@dataclass
class FuzzResult:
    """What the fuzz drill saw."""

    cases: int = 0
    by_mode: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Zero 5xx and zero hangs."""
        return not self.server_errors and not self.hangs


def fuzz(server: Server, key: str, cases: int) -> FuzzResult:
    """Send ``cases`` schemathesis cases, half positive and half negative."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, seed, settings

    result = FuzzResult()
    schema = schemathesis.openapi.from_path(SPEC, config=schemathesis.Config())
    operation = schema["/whatsapp/contacts"]["GET"]
    started = time.monotonic()
    statuses: Counter[str] = Counter()
    rng = random.Random(7)  # noqa: S311 (which cases carry the key)
    with httpx.Client(timeout=REQUEST_TIMEOUT) as client:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(mode)
            goal = cases // 2
            sent = 0
            for round_seed in range(50):  # Hypothesis may stop a run early: start another
                if sent >= goal or time.monotonic() - started > FUZZ_TIME_LIMIT:
                    break
                budget = goal - sent

                def send(case: Any) -> None:
                    nonlocal sent, budget
                    if budget <= 0:
                        return
                    budget -= 1
                    sent += 1
                    _send(client, server, key, case, rng, statuses, result)

                run = seed(round_seed)(
                    settings(
                        max_examples=budget,
                        database=None,
                        deadline=None,
                        phases=[Phase.generate],
                        suppress_health_check=list(HealthCheck),
                    )(given(case=strategy)(send))
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    run()
            result.by_mode[mode.value] = sent
    result.cases = sum(result.by_mode.values())
    result.statuses = dict(sorted(statuses.items()))
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _send(
    client: httpx.Client,
    server: Server,
    key: str,
    case: Any,
    rng: random.Random,
    statuses: Counter[str],
    result: FuzzResult,
) -> None:
    kwargs = case.as_transport_kwargs(server.base_url)
    headers = {k: v for k, v in kwargs["headers"].items() if k.lower() != "x-api-key"}
    if rng.random() < 0.95:  # mostly authenticated, so the cases reach validation
        headers["X-API-Key"] = key
    params = kwargs.get("params") or {}
    try:
        response = client.request(kwargs["method"], kwargs["url"], params=params, headers=headers)
    except httpx.TimeoutException:
        result.hangs.append(_describe(params))
        return
    except httpx.TransportError as exc:
        result.server_errors.append(f"{type(exc).__name__}: {_describe(params)}")
        return
    statuses[str(response.status_code)] += 1
    if response.status_code >= 500:
        result.server_errors.append(f"{response.status_code}: {_describe(params)}")


def _describe(params: dict[str, Any]) -> str:
    return json.dumps(params, ensure_ascii=True, default=str)[:300]
